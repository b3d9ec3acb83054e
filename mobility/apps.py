from django.apps import AppConfig


class MobilityConfig(AppConfig):
    name = "mobility"
    verbose_name = "Plateforme mobilité"

    def ready(self):
        from mobility import accounts  # noqa: F401  (connects the sign-out message)
