"""The actions on the beneficiary file: each is one line of the Chronologie, which carries
its follow-up (an orientation's outcome, an aid's payment) for the roles that manage the
actions; the accompaniment panel keeps what is still to engage and the buttons that
record, never a second list of the actions."""

import re
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accompaniment import services
from mobility import services as core_services
from mobility.enums import Role
from tests.conftest import logged_in
from tests.factories import member


def _actions(adviser, pathway, catalogue, partner, funder_org):
    today = timezone.localdate()
    data = services.ActionData
    coaching = services.action_record(
        by=adviser,
        pathway=pathway,
        action_type=catalogue["coaching"],
        data=data(date=today - timedelta(days=4), duration_minutes=45, notes="Trajet vu."),
    )
    orientation = services.action_record(
        by=adviser,
        pathway=pathway,
        action_type=catalogue["orientation_garage"],
        data=data(date=today - timedelta(days=3), partner=partner, outcome="pending"),
    )
    aid = services.action_record(
        by=adviser,
        pathway=pathway,
        action_type=catalogue["licence_aid"],
        data=data(
            date=today - timedelta(days=2),
            amount=Decimal("350"),
            funder=funder_org,
            decision="granted",
        ),
    )
    return coaching, orientation, aid


def _sections(page: str) -> dict[str, str]:
    """The Chronologie's section and the accompaniment panel's, by their titles' ids."""
    found = {}
    for name in ("timeline-title", "actions-title"):
        match = re.search(
            rf'<section[^>]*aria-labelledby="{name}".*?</section>', page, flags=re.DOTALL
        )
        found[name] = match.group(0) if match else ""
    return found


def _follow_up(action) -> str:
    return reverse("accompaniment:action_follow_up", args=[action.pk])


def test_the_follow_up_is_on_the_actions_line_and_the_actions_are_listed_once(
    adviser, admin_user, pathway, catalogue, partner, funder_org
):
    coaching, orientation, aid = _actions(adviser, pathway, catalogue, partner, funder_org)
    file_url = reverse("beneficiary_detail", args=[pathway.beneficiary_id])
    for user in (adviser, admin_user):
        page = logged_in(user).get(file_url).content.decode()
        timeline, panel = _sections(page).values()
        assert _follow_up(orientation) in timeline and f'id="outcome-{orientation.pk}"' in timeline
        assert _follow_up(aid) in timeline and f'id="paid-{aid.pk}"' in timeline
        assert _follow_up(coaching) not in page  # nothing to follow up
        for action in (orientation, aid):
            assert page.count(_follow_up(action)) == 1
        assert page.count("Trajet vu.") == 1 and "Trajet vu." in timeline
        # The panel still records and registers, and lists no action.
        assert "Noter une action" in panel and "Inscrire à un atelier" in panel
        assert "Orientation vers un garage solidaire" not in panel
        assert "Aide au permis</strong>" not in panel


def test_a_closed_pathways_actions_are_still_followed_up_from_the_time_line(
    adviser, pathway, catalogue, partner, funder_org
):
    _coaching, orientation, _aid = _actions(adviser, pathway, catalogue, partner, funder_org)
    core_services.pathway_close(
        pathway=pathway,
        by=adviser,
        closed_on=timezone.localdate(),
        outcome="cdi",
        durable_solution=True,
    )
    client = logged_in(adviser)
    file_url = reverse("beneficiary_detail", args=[pathway.beneficiary_id])
    timeline, panel = _sections(client.get(file_url).content.decode()).values()
    assert panel == ""  # nothing to record on a closed pathway
    assert _follow_up(orientation) in timeline
    response = client.post(_follow_up(orientation), {"outcome": "done"})
    assert response.status_code == 302 and response["Location"] == file_url
    orientation.refresh_from_db()
    assert orientation.outcome == "done"
    timeline, _panel = _sections(client.get(file_url).content.decode()).values()
    assert _follow_up(orientation) not in timeline  # done: nothing left to record


def test_roles_that_do_not_manage_the_actions_get_no_follow_up(
    adviser, platform, fleet_user, pathway, catalogue, partner, funder_org
):
    _coaching, orientation, aid = _actions(adviser, pathway, catalogue, partner, funder_org)
    file_url = reverse("beneficiary_detail", args=[pathway.beneficiary_id])
    for user in (fleet_user, member(Role.INSTRUCTOR, platform)):
        page = logged_in(user).get(file_url).content.decode()
        assert _follow_up(orientation) not in page and _follow_up(aid) not in page
        assert "Trajet vu." not in page
