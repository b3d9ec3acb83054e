import pytest
from django.utils import timezone

from mobility import services as core_services
from mobility.errors import Conflict
from tests.fleet.conftest import days_ago, hand_over


def test_a_pathway_with_a_vehicle_still_out_cannot_close(adviser, fleet_user, pathway, vehicle):
    hand_over(fleet_user, pathway, vehicle, start=days_ago(10))
    with pytest.raises(Conflict) as error:
        core_services.pathway_close(
            pathway=pathway,
            by=adviser,
            closed_on=timezone.localdate(),
            outcome="cdi",
            durable_solution=True,
        )
    assert "retour du véhicule" in error.value.message
    pathway.refresh_from_db()
    assert pathway.status == "open"
