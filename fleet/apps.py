from django.apps import AppConfig


class FleetConfig(AppConfig):
    """Vehicles, tariff grids, rentals, weekly check-ins, returns and the ledger."""

    name = "fleet"
    verbose_name = "Flotte"
