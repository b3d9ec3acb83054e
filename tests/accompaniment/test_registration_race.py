"""The last place of a session goes to one person, even when advisers register at once
(PostgreSQL: the session row is locked while its places are counted)."""

import pytest

from accompaniment import services
from accompaniment.demo import install_catalogue
from accompaniment.models import WorkshopRegistration
from mobility.enums import Role
from mobility.errors import Conflict
from tests.accompaniment.conftest import open_pathway, schedule
from tests.factories import OrganisationFactory, PlatformFactory, member
from tests.fleet.test_rental_race import RACERS, require_postgresql, run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_registrations_fill_a_session_no_further_than_its_places():
    require_postgresql()
    platform = PlatformFactory()
    admin, adviser = member(Role.ADMIN, platform), member(Role.ADVISER, platform)
    organisation = OrganisationFactory(platform=platform)
    session = schedule(
        adviser, install_catalogue(platform=platform, by=admin)["bike_school"], capacity=2
    )
    pathways = [open_pathway(organisation, adviser) for _ in range(RACERS)]

    results = run_together(
        lambda pathway: services.registration_create(by=adviser, session=session, pathway=pathway),
        pathways,
    )

    assert WorkshopRegistration.objects.filter(session=session).count() == 2
    errors = [value for kind, value in results if kind == "error"]
    assert len(errors) == RACERS - 2
    assert all(isinstance(error, Conflict) and "complète" in error.message for error in errors)
