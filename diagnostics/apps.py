from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    """Questionnaires (versioned data), diagnostics and the potentiel de mobilité."""

    name = "diagnostics"
    verbose_name = "Diagnostics"
