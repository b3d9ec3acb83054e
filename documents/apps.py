from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """The documents of a followed person (licence, work contract, proof of RSA, identity),
    kept through Django's storage API and never served publicly."""

    name = "documents"
    verbose_name = "Documents des personnes"
    default_auto_field = "django.db.models.BigAutoField"
