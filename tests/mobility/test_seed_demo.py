from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mobility import services
from mobility.demo_data import DEMO_PASSWORD, MAIN_PLATFORM, SECOND_PLATFORM, referral_plans
from mobility.enums import OrganisationKind, PathwayStatus, ReferralStatus, Role
from mobility.errors import DuplicatePerson
from mobility.models import (
    Beneficiary,
    Membership,
    Notification,
    Organisation,
    Pathway,
    Platform,
    Referral,
    User,
)

# The accounts of docs/api.md "Demo dataset and accounts".
MAIN_ACCOUNTS = {
    "admin": Role.ADMIN,
    "conseiller": Role.ADVISER,
    "flotte": Role.FLEET,
    "moniteur": Role.INSTRUCTOR,
    "prescripteur": Role.PRESCRIBER,
    "financeur": Role.FUNDER,
}
SECOND_ACCOUNTS = {"admin2": Role.ADMIN, "conseiller2": Role.ADVISER}


def seed(*args) -> str:
    stdout = StringIO()
    call_command("seed_demo", *args, stdout=stdout)
    return stdout.getvalue()


@pytest.fixture
def seeded(db) -> str:
    return seed()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_every_demo_account_signs_in_with_the_demo_password(seeded):
    for username in {**MAIN_ACCOUNTS, **SECOND_ACCOUNTS}:
        assert Client().login(username=username, password=DEMO_PASSWORD), username
    assert DEMO_PASSWORD in seeded


def test_each_account_holds_its_role_on_its_platform(seeded):
    for accounts, platform in ((MAIN_ACCOUNTS, MAIN_PLATFORM), (SECOND_ACCOUNTS, SECOND_PLATFORM)):
        for username, role in accounts.items():
            membership = Membership.objects.get(user__username=username)
            assert (membership.platform.name, membership.role) == (platform, role)
    prescriber = Membership.objects.get(user__username="prescripteur").organisation
    funder = Membership.objects.get(user__username="financeur").organisation
    assert prescriber.kind == OrganisationKind.PRESCRIBER
    assert funder.kind == OrganisationKind.FUNDER
    # No demo superuser: each platform's administrator reaches /admin/ through the role.
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(is_staff=True).exists()
    for username in ("admin", "admin2"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        assert client.get("/admin/").status_code == 200, username


def test_both_platforms_have_organisations_of_every_kind(seeded):
    for name in (MAIN_PLATFORM, SECOND_PLATFORM):
        platform = Platform.objects.get(name=name)
        assert platform.department == "08"
        kinds = Counter(platform.organisations.values_list("kind", flat=True))
        assert set(kinds) == set(OrganisationKind.values)
    assert (
        Organisation.objects.filter(
            platform__name=MAIN_PLATFORM, kind=OrganisationKind.PRESCRIBER
        ).count()
        >= 5
    )


def test_referrals_exist_in_every_status_on_both_platforms(seeded):
    for name, low, high in ((MAIN_PLATFORM, 40, 60), (SECOND_PLATFORM, 8, 15)):
        referrals = Referral.objects.filter(platform__name=name)
        assert low <= referrals.count() <= high
        assert set(referrals.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert not Referral.objects.filter(status=ReferralStatus.DECLINED, decline_reason="").exists()
    closed = Pathway.objects.filter(status=PathwayStatus.CLOSED)
    assert closed.exists()
    assert len(set(closed.values_list("outcome", flat=True))) >= 3
    assert set(closed.values_list("durable_solution", flat=True)) == {True, False}


def test_the_history_and_the_notifications_come_from_the_services(seeded):
    referral = Referral.objects.filter(status=ReferralStatus.CLOSED).first()
    assert [h.status for h in referral.history.order_by("history_date", "history_id")] == [
        ReferralStatus.SUBMITTED,
        ReferralStatus.ACCEPTED,
        ReferralStatus.CLOSED,
    ]
    assert referral.history.latest("history_date").history_user.username == "conseiller"
    events = set(referral.notifications.values_list("event", flat=True))
    assert events == {
        "referral_received",
        "referral_accepted",
        "diagnostic_result",
        "pathway_closed",
    }
    assert Notification.objects.count() > Referral.objects.count()


def test_each_pathway_has_its_entry_diagnostic_and_each_closed_one_its_exit(seeded):
    for pathway in Pathway.objects.prefetch_related("diagnostics"):
        kinds = {diagnostic.kind for diagnostic in pathway.diagnostics.all()}
        assert "entry" in kinds
        assert ("exit" in kinds) is (pathway.status == "closed")


def test_the_dates_tell_a_plausible_story(seeded):
    today = timezone.localdate()
    received = sorted(Referral.objects.values_list("received_on", flat=True))
    assert received[-1] <= today
    assert (received[-1] - received[0]).days > 150  # spread over the last months
    for referral in Referral.objects.filter(pathway__isnull=False).select_related("pathway"):
        pathway = referral.pathway
        assert referral.received_on <= pathway.opened_on <= today
        if pathway.closed_on:
            assert pathway.opened_on <= pathway.closed_on <= today
    assert Pathway.objects.filter(opened_on__lt=today).count() > Pathway.objects.count() // 2


def test_nobody_is_doubled_except_the_pending_duplicate_to_merge(seeded):
    doubled = (
        Beneficiary.objects.values("platform", "identity_key", "birth_date")
        .annotate(files=Count("pk"))
        .filter(files__gt=1)
    )
    assert not doubled.exists()
    pending_duplicates = [
        referral
        for referral in Referral.objects.pending()
        if services.duplicate_candidates(referral)
    ]
    assert len(pending_duplicates) == 1
    (referral,) = pending_duplicates
    assert f"fiche n° {referral.pk}" in seeded

    adviser = User.objects.get(username="conseiller")
    with pytest.raises(DuplicatePerson):
        services.referral_accept(referral=referral, by=adviser)
    (known,) = services.duplicate_candidates(referral)
    merged = services.referral_accept(referral=referral, by=adviser, beneficiary=known)
    assert merged.beneficiary == known


def test_running_it_twice_changes_nothing(seeded):
    before = row_counts()

    output = seed()

    assert row_counts() == before
    assert "déjà chargée" in output


def test_a_dry_run_writes_nothing(db):
    before = row_counts()

    output = seed("--dry-run")

    assert row_counts() == before
    assert "rien n'a été enregistré" in output


def test_a_failure_midway_leaves_nothing_behind(db, monkeypatch):
    def broken_close(**kwargs):
        raise RuntimeError("panne au milieu du chargement")

    monkeypatch.setattr(services, "pathway_close", broken_close)
    with pytest.raises(RuntimeError):
        seed()

    assert not Platform.objects.exists()
    assert not User.objects.exists()
    assert not Referral.objects.exists()


def test_the_plan_is_the_same_for_the_same_day():
    today = timezone.localdate()
    assert referral_plans(today) == referral_plans(today)


@pytest.mark.django_db(transaction=True)
def test_notifications_reach_no_configured_mail_server(settings):
    # An SMTP server that refuses everything: a message that reached it would fail.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1

    seed()

    notifications = Notification.objects.all()
    assert notifications.exists()
    assert not notifications.filter(sent_at__isnull=True).exists()
    assert not notifications.exclude(send_error="").exists()
    assert all(n.recipient.endswith(".example") for n in notifications)


@pytest.mark.django_db(transaction=True)
def test_the_demo_notifications_leave_at_seeding_not_through_the_task_queue(database_tasks):
    # In production settings, a queued notification would later reach the real server.
    seed()

    assert not Notification.objects.exclude(state="sent").exists()
    assert not DBTaskResult.objects.exists()
