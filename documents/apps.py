from django.apps import AppConfig


def _upload_limit() -> int:
    from documents.api import upload_limit

    return upload_limit()


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
        registry.register_api("documents", router="documents.api.router", prefix="", order=60)
        # The upload page and route take a document: their body may be a document's size.
        registry.register_upload_path(
            "documents",
            pattern=r"^/(beneficiaires/\d+/documents/|api/v1/beneficiaries/\d+/documents)$",
            max_bytes=_upload_limit,
        )
        # The fleet's eligibility reads the work contract on file through the registry.
        registry.register_contract_end_source("documents", selectors.work_contract_end)
