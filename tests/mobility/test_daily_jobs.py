"""The daily jobs do their work, record each run once a day, and say what they did."""

from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from mobility import jobs, services
from mobility.models import Beneficiary, IdempotentRequest, JobRun, Pathway
from tests.background import run_worker
from tests.conftest import logged_in
from tests.factories import NotificationFactory, ReferralFactory, UserFactory
from tests.nothing_written import nothing_written

ALL_JOBS = [
    "anonymisation",
    "idempotency_purge",
    "session_cleanup",
    "notification_retry",
    "task_results_prune",
    "fleet_alerts",
    "referral_reminders",
]


def run_daily_jobs(*args) -> str:
    out = StringIO()
    call_command("run_daily_jobs", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_every_job_runs_once_a_day_and_says_what_it_did(db):
    output = run_daily_jobs()

    runs = JobRun.objects.order_by("pk")
    assert [run.job for run in runs] == ALL_JOBS
    assert {(run.outcome, run.day, run.manual) for run in runs} == {
        ("ok", timezone.localdate(), False)
    }
    assert all(run.finished_at and run.summary for run in runs)
    assert (
        "anonymisation (anonymisation des personnes) : 0 personne(s) anonymisée(s), "
        "0 fiche(s) sans parcours effacée(s), 0 rattachée(s) à leur personne."
    ) in output

    again = run_daily_jobs()

    assert JobRun.objects.count() == len(ALL_JOBS)
    assert again.count("déjà faite aujourd'hui") == len(ALL_JOBS)


def test_force_runs_a_job_again_the_same_day_recorded_as_manual(db):
    run_daily_jobs("--job", "session_cleanup")
    run_daily_jobs("--job", "session_cleanup", "--force")

    assert list(JobRun.objects.order_by("pk").values_list("job", "manual")) == [
        ("session_cleanup", False),
        ("session_cleanup", True),
    ]


def test_the_database_refuses_a_second_scheduled_run_the_same_day(db):
    JobRun.objects.create(job="anonymisation", day=timezone.localdate())

    with pytest.raises(IntegrityError), transaction.atomic():
        JobRun.objects.create(job="anonymisation", day=timezone.localdate())


def test_a_failing_job_is_recorded_with_its_error_and_the_others_still_run(db):
    with (
        mock.patch.dict(
            jobs.DAILY_JOBS,
            anonymisation=jobs.DailyJob(
                jobs.DailyJobName.ANONYMISATION,
                jobs.DAILY_JOBS["anonymisation"].at,
                mock.Mock(side_effect=RuntimeError("base en lecture seule")),
                jobs.anonymisation_task,
            ),
        ),
        pytest.raises(CommandError, match="anonymisation"),
    ):
        run_daily_jobs()

    failed = JobRun.objects.get(job="anonymisation")
    assert failed.outcome == "failed"
    assert "base en lecture seule" in failed.error
    assert JobRun.objects.filter(outcome="ok").count() == len(ALL_JOBS) - 1


def test_a_run_cut_short_by_a_killed_process_is_recorded_as_interrupted(db):
    yesterday = timezone.now() - timedelta(days=1)
    JobRun.objects.create(job="session_cleanup", day=yesterday.date(), started_at=yesterday)

    run_daily_jobs("--job", "session_cleanup")

    interrupted = JobRun.objects.get(day=yesterday.date())
    assert interrupted.outcome == "failed"
    assert "Interrompue" in interrupted.error


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_enqueueing_the_same_job_run_it_once(database_tasks):
    # Two schedulers (or a scheduler and a crontab) fire at 03:15.
    jobs.session_cleanup_task.enqueue()
    jobs.session_cleanup_task.enqueue()

    run_worker()

    assert JobRun.objects.filter(job="session_cleanup").count() == 1
    results = DBTaskResult.objects.filter(task_path="mobility.jobs.session_cleanup_task")
    assert sorted(r.return_value for r in results) == [
        "déjà faite aujourd'hui",
        "sessions expirées supprimées",
    ]


def test_the_anonymisation_job_anonymises_the_people_past_the_retention_period(
    adviser, prescriber_org, settings
):
    referral = ReferralFactory(prescriber=prescriber_org, first_name="Samira")
    accepted = services.referral_accept(referral=referral, by=adviser)
    services.pathway_close(
        pathway=accepted.pathway,
        by=adviser,
        closed_on=timezone.localdate(),
        outcome="cdi",
        durable_solution=True,
    )
    long_ago = timezone.localdate() - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS + 10)
    Pathway.objects.filter(pk=accepted.pathway_id).update(
        opened_on=long_ago - timedelta(days=30), closed_on=long_ago
    )

    jobs.run("anonymisation")

    assert Beneficiary.objects.get(pk=accepted.beneficiary_id).first_name == "Personne"
    assert JobRun.objects.get().summary == (
        "1 personne(s) anonymisée(s), 0 fiche(s) sans parcours effacée(s), "
        "0 rattachée(s) à leur personne"
    )


def test_the_purge_job_deletes_expired_api_responses_and_sessions(adviser):
    IdempotentRequest.objects.create(
        user=adviser,
        key="vieille",
        method="POST",
        path="/api/v1/referrals",
        body_hash="0" * 64,
        status_code=201,
        response_body=b"{}",
        created_at=timezone.now() - timedelta(hours=49),
    )
    Session.objects.create(
        session_key="expiree", session_data="", expire_date=timezone.now() - timedelta(days=1)
    )

    jobs.run("idempotency_purge")
    jobs.run("session_cleanup")

    assert not IdempotentRequest.objects.exists()
    assert not Session.objects.filter(session_key="expiree").exists()


def test_the_retry_job_sends_again_only_what_is_stuck(
    prescriber_org, django_capture_on_commit_callbacks
):
    referral = ReferralFactory(prescriber=prescriber_org)
    stuck = NotificationFactory(referral=referral, stuck=True)
    between_tries = NotificationFactory(
        referral=referral, attempts=1, last_attempt_at=timezone.now(), send_error="timed out"
    )

    with django_capture_on_commit_callbacks(execute=True):
        jobs.run("notification_retry")

    stuck.refresh_from_db()
    between_tries.refresh_from_db()
    assert (stuck.state, stuck.attempts) == ("sent", 2)
    assert (between_tries.state, between_tries.attempts) == ("pending", 1)
    assert [message.subject for message in mail.outbox] == [stuck.subject]
    assert JobRun.objects.get().summary == (
        "1 notification(s) en attente remise(s) en file d'envoi"
    )


def test_the_prune_job_deletes_old_results_and_fails_the_tasks_of_dead_workers(db, database_tasks):
    old, recent, lost, waiting = (jobs.session_cleanup_task.enqueue().id for _ in range(4))
    now = timezone.now()
    DBTaskResult.objects.filter(pk=old).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=now - timedelta(days=15)
    )
    DBTaskResult.objects.filter(pk=recent).update(
        status=TaskResultStatus.FAILED, finished_at=now - timedelta(days=2)
    )
    DBTaskResult.objects.filter(pk=lost).update(
        status=TaskResultStatus.RUNNING, started_at=now - timedelta(hours=7)
    )

    jobs.run("task_results_prune")

    remaining = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert {str(pk): status for pk, status in remaining.items()} == {
        recent: "FAILED",
        lost: "FAILED",
        waiting: "READY",
    }
    assert "worker" in DBTaskResult.objects.get(pk=lost).traceback


def test_the_runs_are_read_in_the_admin_and_never_edited(db):
    run_daily_jobs("--job", "session_cleanup")
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = logged_in(superuser)
    job_run = JobRun.objects.get()

    changelist = client.get(reverse("admin:mobility_jobrun_changelist"))
    assert changelist.status_code == 200
    assert "sessions expirées supprimées" in changelist.content.decode()
    assert client.get(reverse("admin:mobility_jobrun_change", args=[job_run.pk])).status_code == 200
    with nothing_written():
        assert client.get(reverse("admin:mobility_jobrun_add")).status_code == 403
    assert client.get(reverse("admin:mobility_jobrun_delete", args=[job_run.pk])).status_code == 403
