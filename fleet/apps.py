from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_shipped_grids(sender, using="default", **kwargs):
    from fleet.services import install_shipped_grids

    install_shipped_grids()


class FleetConfig(AppConfig):
    """Vehicles, tariff grids, rentals, weekly check-ins, returns and the ledger."""

    name = "fleet"
    verbose_name = "Flotte"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from fleet.registration import register
        from mobility.registry import registry

        # What the module adds to the core's pages, API, demo and report.
        register(registry)
        # The example grids are data every platform may choose: present after every
        # migrate (and after the flush of a transactional test).
        post_migrate.connect(_install_shipped_grids, sender=self, dispatch_uid="fleet_grids")
