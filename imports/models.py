from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility.models import Platform


class ImportBatch(models.Model):
    """An uploaded spreadsheet, kept between its dry run and its confirmation: the
    confirmation reads these very bytes (checked against their SHA-256), never a new
    upload, so what is written is what the dry run showed."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("déposé par"),
    )
    filename = models.CharField(_("fichier"), max_length=255)
    content = models.BinaryField(_("contenu"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("importé le"), null=True, blank=True)
    summary = models.JSONField(_("bilan"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import de dossiers")
        verbose_name_plural = _("imports de dossiers")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.uploaded_at:%d/%m/%Y})"
