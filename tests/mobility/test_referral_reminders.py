"""A fiche left unanswered is not forgotten (issue 11, item 11): late in the inbox past the
platform's delay in working days, a daily digest to the advisers, expiry with a notice to
the referent past the longer delay, and sending it again."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from mobility import jobs, referral_delays
from mobility.enums import ReferralStatus, Role
from mobility.models import JobRun, Notification, ReferralSettings
from tests.api.conftest import ApiClient
from tests.conftest import logged_in
from tests.factories import OrganisationFactory, ReferralFactory, member
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# Tuesday 12 May 2026, 9:00 in Paris. Friday 8 May was a public holiday.
TUESDAY = datetime(2026, 5, 12, 9, 0, tzinfo=PARIS)
SATURDAY = datetime(2026, 5, 16, 9, 0, tzinfo=PARIS)
# Received Thursday 30 April: its 5 working days end Monday 11 May (1 and 8 May are
# holidays): late on the 12th. Received Monday 4 May: due the 12th, not late yet.
LATE_DAY = date(2026, 4, 30)
IN_TIME_DAY = date(2026, 5, 4)
INBOX = reverse("referral_list")


@pytest.fixture
def api():
    return ApiClient


def fiche(prescriber_org, received_on, **fields):
    return ReferralFactory(prescriber=prescriber_org, received_on=received_on, **fields)


def run_reminders() -> JobRun:
    return jobs.run("referral_reminders", manual=True)


@pytest.mark.time_machine(TUESDAY)
def test_the_inbox_marks_the_fiches_past_five_working_days(adviser, prescriber_org):
    late = fiche(prescriber_org, LATE_DAY, first_name="Lina")
    in_time = fiche(prescriber_org, IN_TIME_DAY, first_name="Omar")

    response = logged_in(adviser).get(INBOX, {"status": "submitted"})

    rows = {referral.pk: referral for referral in response.context["page"]}
    assert rows[late.pk].is_late and not rows[in_time.pk].is_late
    assert rows[late.pk].due_on == date(2026, 5, 11)
    assert response.context["late_count"] == 1
    page = response.content.decode()
    assert "En retard" in page and "badge--late" in page and "réponse attendue le 11" in page

    only_late = logged_in(adviser).get(INBOX, {"status": "submitted", "late": "1"})
    assert [referral.pk for referral in only_late.context["page"]] == [late.pk]


@pytest.mark.time_machine(TUESDAY)
def test_a_prescriber_sees_no_lateness_tab(prescriber, prescriber_org):
    fiche(prescriber_org, LATE_DAY)
    response = logged_in(prescriber).get(INBOX)
    assert response.context["late_count"] is None
    assert "badge--late" not in response.content.decode()


@pytest.mark.time_machine(TUESDAY)
def test_the_delay_is_the_platforms_setting(adviser, prescriber_org, platform):
    ReferralSettings.objects.create(platform=platform, late_after_working_days=2)
    in_time_by_default = fiche(prescriber_org, IN_TIME_DAY)
    response = logged_in(adviser).get(INBOX, {"status": "submitted", "late": "1"})
    assert [referral.pk for referral in response.context["page"]] == [in_time_by_default.pk]


@pytest.mark.time_machine(TUESDAY)
def test_the_daily_digest_lists_the_late_fiches_to_each_adviser_of_their_platform(
    adviser, prescriber_org, platform, other_platform
):
    second_adviser = member(Role.ADVISER, platform)
    member(Role.ADVISER, other_platform)  # nothing late there: no message
    member(Role.FLEET, platform)  # not an adviser: no message
    late = fiche(prescriber_org, LATE_DAY, first_name="Lina", last_name="Haddad")
    fiche(prescriber_org, IN_TIME_DAY)

    job_run = run_reminders()

    assert job_run.outcome == "ok"
    assert "1 fiche(s) en retard signalée(s) à 2 conseiller·ère(s)" in job_run.summary
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [adviser.email, second_adviser.email]
    )
    message = mail.outbox[0]
    assert "1 fiche de liaison en retard" in message.subject
    assert f"n° {late.pk}, Lina H." in message.body
    assert "reçue le 30 avril 2026" in message.body
    assert "réponse attendue le 11 mai 2026" in message.body
    assert f"/fiches/{late.pk}/" in message.body
    assert "Haddad" not in message.body  # the initial only, as in every e-mail


@pytest.mark.time_machine(SATURDAY)
def test_no_digest_on_a_day_off(adviser, prescriber_org):
    fiche(prescriber_org, LATE_DAY)
    job_run = run_reminders()
    assert job_run.outcome == "ok"
    assert mail.outbox == []


@pytest.mark.time_machine(TUESDAY)
def test_past_thirty_days_a_fiche_expires_and_its_referent_is_told(
    adviser, prescriber_org, django_capture_on_commit_callbacks
):
    # 12 May - 31 days = 11 April: expires; 12 April is the 30th day, still waiting.
    expired = fiche(prescriber_org, date(2026, 4, 11))
    waiting = fiche(prescriber_org, date(2026, 4, 12))
    accepted_long_ago = fiche(prescriber_org, date(2026, 3, 1))
    accepted_long_ago.status = ReferralStatus.DECLINED
    accepted_long_ago.decline_reason = "Hors territoire."
    accepted_long_ago.save()

    with django_capture_on_commit_callbacks(execute=True):
        job_run = run_reminders()

    assert job_run.summary.startswith("1 fiche(s) expirée(s)")
    expired.refresh_from_db()
    waiting.refresh_from_db()
    assert expired.status == ReferralStatus.EXPIRED
    assert waiting.status == ReferralStatus.SUBMITTED
    notice = Notification.objects.get(event="referral_expired")
    assert notice.referral == expired and notice.recipient == expired.referent_email
    assert "sans réponse" in notice.subject
    assert "31 jours" in notice.body and "renvoyer" in notice.body
    assert any(message.subject == notice.subject for message in mail.outbox)
    assert expired.history.first().history_user is None


@pytest.mark.time_machine(TUESDAY)
def test_the_referent_sends_an_expired_fiche_again_from_its_page(
    prescriber, prescriber_org, adviser
):
    expired = fiche(prescriber_org, date(2026, 4, 1), status=ReferralStatus.EXPIRED)
    client = logged_in(prescriber)
    page = client.get(reverse("referral_detail", args=[expired.pk])).content.decode()
    assert "Fiche expirée sans réponse" in page and "Renvoyer la fiche" in page

    response = client.post(reverse("referral_resend", args=[expired.pk]))

    assert response.status_code == 302
    expired.refresh_from_db()
    assert expired.status == ReferralStatus.SUBMITTED
    assert expired.resent_on == date(2026, 5, 12)
    assert expired.received_on == date(2026, 4, 1)  # the reports keep its reception
    assert Notification.objects.filter(referral=expired, event="referral_received").exists()
    # Its delays restart: neither late nor expiring today.
    assert not referral_delays.late_referrals([expired.platform_id], today=date(2026, 5, 12))
    assert run_reminders().summary.startswith("0 fiche(s) expirée(s)")


@pytest.mark.time_machine(TUESDAY)
def test_the_api_sends_an_expired_fiche_again(api, prescriber, prescriber_org):
    expired = fiche(prescriber_org, date(2026, 4, 1), status=ReferralStatus.EXPIRED)
    response = api(prescriber).post(f"/api/v1/referrals/{expired.pk}/resend")
    assert response.status_code == 200, response.content
    assert response.json() == {"id": expired.pk, "status": "submitted"}
    assert api(prescriber).get(f"/api/v1/referrals/{expired.pk}").json()["resent_on"] == (
        "2026-05-12"
    )


@pytest.mark.time_machine(TUESDAY)
def test_only_an_expired_fiche_is_sent_again(api, prescriber, prescriber_org):
    waiting = fiche(prescriber_org, IN_TIME_DAY)
    client = api(prescriber)
    with nothing_written():
        response = client.post(f"/api/v1/referrals/{waiting.pk}/resend")
    assert response.status_code == 409
    assert "expirée" in response.json()["detail"]


@pytest.mark.time_machine(TUESDAY)
def test_another_structure_cannot_send_it_again(api, platform, prescriber_org):
    expired = fiche(prescriber_org, date(2026, 4, 1), status=ReferralStatus.EXPIRED)
    stranger = member(Role.PRESCRIBER, organisation=OrganisationFactory(platform=platform))
    client = api(stranger)
    with nothing_written():
        response = client.post(f"/api/v1/referrals/{expired.pk}/resend")
    assert response.status_code == 404
    fleet = member(Role.FLEET, platform)
    assert api(fleet).post(f"/api/v1/referrals/{expired.pk}/resend").status_code == 403


@pytest.mark.parametrize("fiches", [1, 12])
@pytest.mark.time_machine(TUESDAY)
def test_the_inbox_costs_the_same_queries_whatever_the_number_of_late_fiches(
    adviser, prescriber_org, fiches, django_assert_max_num_queries
):
    for index in range(fiches):
        fiche(prescriber_org, LATE_DAY - timedelta(days=index))
    client = logged_in(adviser)
    with django_assert_max_num_queries(14):
        response = client.get(INBOX, {"status": "submitted"})
    assert response.context["late_count"] == fiches
