from django.apps import AppConfig


class AccompanimentConfig(AppConfig):
    """The catalogue of actions, collective workshops and individual actions on a pathway."""

    name = "accompaniment"
    verbose_name = "Actions d'accompagnement"

    def ready(self):
        from accompaniment.registration import register
        from mobility.registry import registry

        # What the module adds to the core's pages, API, demo and report.
        register(registry)
