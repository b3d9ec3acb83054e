from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """The documents of a followed person (licence, work contract, proof of RSA, identity),
    kept through Django's storage API and never served publicly."""

    name = "documents"
    verbose_name = "Documents des personnes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from documents import selectors
        from mobility.registry import registry

        # The core's URLconf mounts what each module registers (mobility/registry.py).
        registry.register_urls("documents", prefix="", module="documents.urls", order=50)
        # The fleet's eligibility reads the work contract on file through the registry.
        registry.register_contract_end_source("documents", selectors.work_contract_end)
