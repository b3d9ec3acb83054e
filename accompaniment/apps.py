from django.apps import AppConfig


class AccompanimentConfig(AppConfig):
    """The catalogue of actions, collective workshops and individual actions on a pathway."""

    name = "accompaniment"
    verbose_name = "Actions d'accompagnement"
