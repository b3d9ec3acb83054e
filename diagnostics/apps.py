from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_default_questionnaire(sender, using="default", **kwargs):
    from diagnostics.services import install_default_questionnaire

    install_default_questionnaire(using=using)


class DiagnosticsConfig(AppConfig):
    """Questionnaires (versioned data), diagnostics and the potentiel de mobilité."""

    name = "diagnostics"
    verbose_name = "Diagnostics"

    def ready(self):
        from diagnostics.registration import register
        from mobility.registry import registry

        # What the module adds to the core's pages, API, demo and report.
        register(registry)
        # The shipped questionnaire is present after every migrate, and after the flush
        # of a transactional test (which replays no data migration).
        post_migrate.connect(
            _install_default_questionnaire, sender=self, dispatch_uid="diagnostics_questionnaire"
        )
