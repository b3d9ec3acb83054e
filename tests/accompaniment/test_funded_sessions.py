"""A workshop session names its funder; the sessions a funder pays for in a period, for
the audit of signed sheets (mobility/registry.py `funded_sessions`)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment import services
from accompaniment.models import WorkshopSession
from accompaniment.services import AttendanceRow
from mobility.errors import InvalidInput
from mobility.registry import registry
from tests.accompaniment.conftest import open_pathway
from tests.conftest import logged_in
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def held(adviser, action_type, *, days_ago=2, funder=None, facilitator=None):
    start = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(
        days=days_ago
    )
    return services.session_schedule(
        by=adviser,
        action_type=action_type,
        start=start,
        duration_minutes=120,
        place="Maison de la mobilité",
        capacity=8,
        facilitator=facilitator,
        funder=funder,
    )


def period(days=30):
    now = timezone.now()
    return {"start": now - timedelta(days=days), "end": now}


def test_a_session_names_its_funder_a_prescriber_or_another_platform_s_is_refused(
    adviser, catalogue, funder_org, prescriber_org, other_platform
):
    workshop = catalogue["mobility_workshop"]
    assert held(adviser, workshop, funder=funder_org).funder == funder_org
    before = WorkshopSession.objects.count()
    for wrong in (prescriber_org, OrganisationFactory(platform=other_platform, funder=True)):
        with pytest.raises(InvalidInput) as refused:
            held(adviser, workshop, funder=wrong)
        assert "funder_id" in refused.value.errors
    assert WorkshopSession.objects.count() == before


def test_the_funder_s_sessions_of_the_period_with_their_lines(
    adviser, catalogue, funder_org, prescriber_org, platform
):
    workshop = catalogue["mobility_workshop"]
    session = held(adviser, workshop, funder=funder_org, facilitator=adviser)
    came = open_pathway(prescriber_org, adviser, first_name="Aline", last_name="Arnaud")
    absent = open_pathway(prescriber_org, adviser, first_name="Bruno", last_name="Bertin")
    for pathway in (came, absent):
        services.registration_create(by=adviser, session=session, pathway=pathway)
    services.attendance_record(
        by=adviser,
        session=session,
        rows=[AttendanceRow(came.pk, "late"), AttendanceRow(absent.pk, "unexcused")],
    )
    held(adviser, workshop)  # nobody's
    held(adviser, workshop, funder=OrganisationFactory(platform=platform, funder=True))
    held(adviser, workshop, funder=funder_org, days_ago=60)  # before the period
    cancelled = held(adviser, workshop, funder=funder_org, days_ago=3)
    services.session_cancel(by=adviser, session=cancelled, reason="Salle indisponible")

    (funded,) = registry.sessions_funded(
        platform_id=platform.pk, funder_id=funder_org.pk, **period()
    )
    assert funded.kind == "workshop_sheet"
    assert funded.session == session
    assert funded.duration_minutes == 120
    assert funded.leader == adviser.get_full_name()
    assert funded.url == reverse("accompaniment:session_detail", args=[session.pk])
    assert [(line.person, line.status, line.attended, line.funded) for line in funded.lines] == [
        ("Aline ARNAUD", "late", True, True),
        ("Bruno BERTIN", "unexcused", False, True),
    ]
    assert funded.lines[0].key.startswith("attendance:")


def test_another_platform_s_sessions_are_not_read(adviser, catalogue, funder_org, other_platform):
    held(adviser, catalogue["mobility_workshop"], funder=funder_org)
    assert (
        registry.sessions_funded(platform_id=other_platform.pk, funder_id=funder_org.pk, **period())
        == []
    )


def test_the_session_form_offers_the_platform_s_funders(adviser, funder_org, catalogue):
    client = logged_in(adviser)
    page = client.get(reverse("accompaniment:session_create"))
    assert funder_org.name in page.content.decode()
    day = timezone.localdate() + timedelta(days=3)
    response = client.post(
        reverse("accompaniment:session_create"),
        {
            "action_type": catalogue["mobility_workshop"].pk,
            "day": day.isoformat(),
            "time": "09:00",
            "duration_minutes": 90,
            "place": "Salle 2",
            "capacity": 6,
            "funder": funder_org.pk,
        },
    )
    assert response.status_code == 302
    assert WorkshopSession.objects.get().funder == funder_org


def test_the_api_takes_and_returns_the_funder(api, adviser, funder_org, catalogue):
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    response = api(adviser).post(
        "/api/v1/actions/sessions",
        {
            "type_id": catalogue["mobility_workshop"].pk,
            "start": start.isoformat(),
            "duration_minutes": 90,
            "place": "Salle 2",
            "capacity": 6,
            "funder_id": funder_org.pk,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["funder_id"] == funder_org.pk


def test_the_api_refuses_an_unknown_funder_with_nothing_written(api, adviser, catalogue):
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    response = api(adviser).post(
        "/api/v1/actions/sessions",
        {
            "type_id": catalogue["mobility_workshop"].pk,
            "start": start.isoformat(),
            "duration_minutes": 90,
            "place": "Salle 2",
            "capacity": 6,
            "funder_id": 999999,
        },
    )
    assert response.status_code == 422
    assert "detail" in response.json()
    assert not WorkshopSession.objects.exists()
