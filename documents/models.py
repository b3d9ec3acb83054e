"""A document of a followed person: a file in the default storage (never under a public
URL), its kind, who uploaded it and when, and an end date where it has one."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from documents.rules import EXTENSIONS, DocumentKind, DocumentType, is_expired, visible_kinds
from mobility.models import Beneficiary, Platform, User


def document_path(instance: PersonDocument, filename: str) -> str:
    """A random name under the platform's folder: the stored name never says whose file it
    is, nor what the uploader called it."""
    extension = EXTENSIONS.get(instance.content_type, "bin")
    return f"documents/{instance.platform_id}/{uuid.uuid4().hex}.{extension}"


class PersonDocumentQuerySet(models.QuerySet):
    def for_user(self, user: User) -> PersonDocumentQuerySet:
        """The documents of the user's platforms whose kind their roles there allow."""
        scope = Q(pk__in=[])
        for platform_id in {m.platform_id for m in user.active_memberships()}:
            kinds = visible_kinds(user.roles_on(platform_id))
            if kinds:
                scope |= Q(platform_id=platform_id, kind__in=kinds)
        return self.filter(scope)


class PersonDocument(models.Model):
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("bénéficiaire"),
    )
    kind = models.CharField(_("type de document"), max_length=20, choices=DocumentKind.choices)
    # Empty once the person is anonymised: the file is deleted from the storage.
    file = models.FileField(_("fichier"), upload_to=document_path, max_length=200, blank=True)
    content_type = models.CharField(
        _("format"), max_length=40, choices=DocumentType.choices, blank=True
    )
    size = models.PositiveIntegerField(_("taille (octets)"))
    original_name = models.CharField(_("nom du fichier envoyé"), max_length=255, blank=True)
    expires_on = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("déposé par")
    )
    uploaded_at = models.DateTimeField(_("déposé le"), default=timezone.now)

    history = HistoricalRecords()
    objects = PersonDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document d'une personne")
        verbose_name_plural = _("documents des personnes")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["beneficiary", "-uploaded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="document_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=[*DocumentType.values, ""]),
                name="document_content_type_valid",
            ),
            # A file is there with its type, or erased with it.
            models.CheckConstraint(
                condition=(Q(file="") & Q(content_type=""))
                | (~Q(file="") & ~Q(content_type="") & Q(size__gt=0)),
                name="document_file_has_its_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — bénéficiaire n° {self.beneficiary_id}"

    @property
    def expired(self) -> bool:
        return is_expired(self.expires_on, timezone.localdate())

    def download_name(self) -> str:
        """The name offered to the browser: the kind and the date, never the person's name."""
        extension = EXTENSIONS.get(self.content_type, "bin")
        when = timezone.localtime(self.uploaded_at)
        return f"{self.kind}-{self.beneficiary_id}-{when:%Y%m%d}-{self.pk}.{extension}"
