"""A return carries a bounded list of damage lines: an absurd one is refused whole."""

from fleet.models import Rental
from fleet.rules import MAX_DAMAGE_LINES
from tests.fleet.conftest import days_ago

BASE = "/api/v1/fleet"


def _return(client, rental, damages):
    return client.post(
        f"{BASE}/rentals/{rental.pk}/return",
        {"date": str(days_ago(0)), "odometer_km": 42500, "damages": damages},
    )


def test_a_return_with_ten_thousand_damage_lines_is_a_french_422(api, fleet_user, rental):
    damages = [{"description": "Rayure", "cost": "1.00"}] * 10_000
    response = _return(api(fleet_user), rental, damages)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"]["damages"] == f"trop d'éléments ({MAX_DAMAGE_LINES} au plus)"
    assert "damages" in body["detail"]
    rental.refresh_from_db()
    assert rental.end_date is None


def test_a_return_with_the_maximum_of_damage_lines_is_recorded(api, fleet_user, rental):
    damages = [{"description": f"Rayure {n}", "cost": "1.00"} for n in range(MAX_DAMAGE_LINES)]
    response = _return(api(fleet_user), rental, damages)
    assert response.status_code == 200, response.content
    assert Rental.objects.get(pk=rental.pk).end_date == days_ago(0)
