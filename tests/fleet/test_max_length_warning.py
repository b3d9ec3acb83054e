"""The board and the rental page warn about the maximum length from one setting,
fleet.defaults.MAX_LENGTH_WARNING_DAYS."""

from django.urls import reverse
from django.utils import timezone

from fleet import defaults, selectors, services
from tests.conftest import logged_in
from tests.fleet.conftest import VehicleFactory, hand_over


def graduated_rental(admin_user, fleet_user, platform, pathway):
    # The graduated grid: 5 months at most, so the rental ends about 5 months from now.
    services.grid_choose(
        by=admin_user, platform=platform, grid=services.shipped_grid("progressive")
    )
    return hand_over(
        fleet_user, pathway, VehicleFactory(platform=platform), start=timezone.localdate()
    )


def test_the_page_and_the_board_follow_the_warning_setting(
    monkeypatch, admin_user, fleet_user, platform, pathway
):
    rental = graduated_rental(admin_user, fleet_user, platform, pathway)
    client = logged_in(fleet_user)
    page = client.get(reverse("fleet:rental_detail", args=[rental.pk]))
    assert not page.context["follow_ups"].max_length_near
    monkeypatch.setattr(defaults, "MAX_LENGTH_WARNING_DAYS", 200)
    page = client.get(reverse("fleet:rental_detail", args=[rental.pk]))
    assert page.context["follow_ups"].max_length_near
    board = selectors.board(fleet_user, today=timezone.localdate())
    assert [item.pk for item in board.reaching_max] == [rental.pk]
