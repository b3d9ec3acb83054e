"""The core domain: platforms, organisations, people, referrals, pathways, notifications.

Every operational row belongs to a Platform. Each model's QuerySet has one `for_user`
method, the single tenancy scope used by pages, API and reports alike.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mobility.enums import (
    CASEWORK_ROLES,
    ORGANISATION_ROLES,
    STAFF_ROLES,
    ApiTokenState,
    Contract,
    DailyJobName,
    ErasureReason,
    FileAccessChannel,
    JobKind,
    JobOutcome,
    NotificationAttachment,
    NotificationEvent,
    NotificationState,
    OrganisationKind,
    Outcome,
    PathwayStatus,
    ProofKind,
    ReferralStatus,
    Role,
    Sex,
    SignedDocumentKind,
    SignerRole,
)
from mobility.rules import identity_key, notification_may_resend


class User(AbstractUser):
    # The history never keeps password hashes, nor a row per sign-in.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("utilisateur·rice")
        verbose_name_plural = _("utilisateur·rices")

    def platform_ids(self, roles) -> set[int]:
        """Platforms where this user holds one of `roles`."""
        return {m.platform_id for m in self.active_memberships() if m.role in roles}

    def organisation_ids(self, roles) -> set[int]:
        return {
            m.organisation_id
            for m in self.active_memberships()
            if m.role in roles and m.organisation_id
        }

    def roles(self) -> set[str]:
        return {m.role for m in self.active_memberships()}

    def roles_on(self, platform_id: int) -> set[str]:
        """The roles held on one platform (a person's file shows what they allow)."""
        return {m.role for m in self.active_memberships() if m.platform_id == platform_id}

    def has_role(self, *roles) -> bool:
        return bool(self.roles() & set(roles))

    def active_memberships(self) -> list[Membership]:
        # Cached on the instance: a page asks several times, the database answers once.
        if not hasattr(self, "_memberships_cache"):
            if not self.is_authenticated or not self.is_active:
                self._memberships_cache = []
            else:
                self._memberships_cache = list(
                    Membership.objects.filter(user=self, platform__is_active=True)
                    .select_related("platform", "organisation")
                    .order_by("platform_id", "role")
                )
        return self._memberships_cache


class Platform(models.Model):
    """A plateforme mobilité: the tenant that owns every operational row."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    department = models.CharField(
        _("département"), max_length=3, blank=True, help_text=_("Code, par exemple 08 ou 2A.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Who a person asks about their data, printed on the privacy and legal pages.
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    contact_phone = models.CharField(_("téléphone de contact"), max_length=30, blank=True)
    postal_address = models.CharField(_("adresse postale"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plateforme mobilité")
        verbose_name_plural = _("plateformes mobilité")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def for_user(self, user: User) -> OrganisationQuerySet:
        """Staff see their platforms' organisations; others only their own organisation."""
        return self.filter(
            Q(platform_id__in=user.platform_ids(STAFF_ROLES))
            | Q(pk__in=user.organisation_ids(ORGANISATION_ROLES))
        )

    def active(self) -> OrganisationQuerySet:
        return self.filter(archived_at__isnull=True)

    def prescribers(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.PRESCRIBER)


class Organisation(models.Model):
    """A prescriber, a funder or a partner of one platform."""

    platform = models.ForeignKey(
        Platform,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("plateforme"),
    )
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    archived_at = models.DateTimeField(_("archivée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            # "Mission locale" and "MISSION LOCALE" are one organisation: a prescriber's
            # fiches must not be split between two spellings.
            models.UniqueConstraint(
                "platform",
                Lower("name"),
                name="organisation_unique_name_per_platform",
                violation_error_message=_(
                    "Une organisation de ce nom existe déjà sur cette plateforme."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__regex=r"^[0-9]{14}$"),
                name="organisation_siret_14_digits",
                violation_error_message=_("Le SIRET compte exactement 14 chiffres."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role on a platform; prescribers and funders belong to an organisation."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("utilisateur·rice"),
    )
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("plateforme")
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rôle sur une plateforme")
        verbose_name_plural = _("rôles sur les plateformes")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "platform", "role"], name="membership_unique_role_per_platform"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(ORGANISATION_ROLES), organisation__isnull=False)
                    | (~Q(role__in=sorted(ORGANISATION_ROLES)) & Q(organisation__isnull=True))
                ),
                name="membership_organisation_iff_prescriber_or_funder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.platform}"

    def clean(self) -> None:
        # A friendly message first; the services never build such a membership.
        if (
            self.organisation_id
            and self.platform_id
            and self.organisation.platform_id != self.platform_id
        ):
            raise ValidationError(
                {"organisation": _("Cette organisation appartient à une autre plateforme.")}
            )


class BeneficiaryQuerySet(models.QuerySet):
    def for_user(self, user: User) -> BeneficiaryQuerySet:
        """Only the platform's own staff see people; prescribers see them through referrals."""
        return self.filter(platform_id__in=user.platform_ids(STAFF_ROLES))

    def active(self) -> BeneficiaryQuerySet:
        return self.filter(archived_at__isnull=True)

    def due_for_anonymisation(self, *, cutoff) -> BeneficiaryQuerySet:
        """Not yet anonymised, no pathway open, and the last exit on or before `cutoff`
        (see rules.anonymisation_cutoff)."""
        return (
            self.filter(anonymised_at__isnull=True, pathways__isnull=False)
            .exclude(pathways__status=PathwayStatus.OPEN)
            .annotate(last_exit=models.Max("pathways__closed_on"))
            .filter(last_exit__lte=cutoff)
        )

    def same_person(self, *, platform_id: int, first_name: str, last_name: str, birth_date):
        """Duplicate detection: same name (see rules.identity_key) and birth date."""
        return self.filter(
            platform_id=platform_id,
            identity_key=identity_key(first_name, last_name),
            birth_date=birth_date,
        )

    def search(self, text: str) -> BeneficiaryQuerySet:
        return self.filter(name_matches(text))

    def with_open_pathway(self) -> BeneficiaryQuerySet:
        """Annotate `open_pathway_opened_on` (None when no pathway is open)."""
        open_pathways = Pathway.objects.open().filter(beneficiary=OuterRef("pk"))
        return self.annotate(open_pathway_opened_on=Subquery(open_pathways.values("opened_on")[:1]))


def name_matches(text: str) -> Q:
    """Every word of `text` is in the first or last name (case-insensitive)."""
    condition = Q()
    for word in text.split():
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return condition


class PersonFields(models.Model):
    """Identity, contact and situation of a person, on a referral and on the beneficiary."""

    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    birth_date = models.DateField(_("date de naissance"))
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.CharField(_("commune"), max_length=100)
    qpv = models.BooleanField(_("habite un quartier prioritaire (QPV)"), default=False)
    rsa = models.BooleanField(_("bénéficiaire du RSA"), default=False)
    ass = models.BooleanField(_("bénéficiaire de l'ASS"), default=False)
    aah = models.BooleanField(_("bénéficiaire de l'AAH"), default=False)
    rqth = models.BooleanField(_("reconnaissance de travailleur handicapé (RQTH)"), default=False)
    licence_held = models.BooleanField(_("permis B obtenu"), default=False)
    licence_since = models.DateField(_("permis obtenu le"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}"


class Beneficiary(PersonFields):
    """A person the platform follows. Never hard-deleted by staff: archived instead."""

    platform = models.ForeignKey(
        Platform,
        on_delete=models.PROTECT,
        related_name="beneficiaries",
        verbose_name=_("plateforme"),
    )
    # Normalised "last|first" name kept by the services, so duplicate look-ups use an index.
    identity_key = models.CharField(max_length=210, editable=False)
    created_at = models.DateTimeField(_("créé·e le"), default=timezone.now, editable=False)
    archived_at = models.DateTimeField(_("archivé·e le"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisé·e le"), null=True, blank=True)
    history = HistoricalRecords()

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("bénéficiaire")
        verbose_name_plural = _("bénéficiaires")
        ordering = ["last_name", "first_name", "pk"]
        indexes = [models.Index(fields=["platform", "identity_key", "birth_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(licence_since__isnull=True) | Q(licence_held=True),
                name="beneficiary_licence_since_requires_licence",
            ),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="beneficiary_sex_valid"),
        ]

    def __str__(self) -> str:
        return self.full_name


def waiting_on_or_before(cutoffs: dict[int, date]) -> Q:
    """Pending, and waiting (alias `waiting_since`) since the platform's cutoff or earlier."""
    condition = Q(pk__in=[])
    for platform_id, cutoff in cutoffs.items():
        condition |= Q(platform_id=platform_id, waiting_since__lte=cutoff)
    return Q(status=ReferralStatus.SUBMITTED) & condition


class ReferralQuerySet(models.QuerySet):
    def for_user(self, user: User) -> ReferralQuerySet:
        """Advisers and admins see their platforms' referrals; a prescriber, its own only."""
        return self.filter(
            Q(platform_id__in=user.platform_ids(CASEWORK_ROLES))
            | Q(prescriber_id__in=user.organisation_ids({Role.PRESCRIBER}))
        )

    def pending(self) -> ReferralQuerySet:
        return self.filter(status=ReferralStatus.SUBMITTED)

    def with_waiting_since(self) -> ReferralQuerySet:
        """`waiting_since`: the day the delay to answer runs from (sent again, or received)."""
        return self.alias(waiting_since=Coalesce("resent_on", "received_on"))

    def waiting_since_on_or_before(self, cutoffs: dict[int, date]) -> ReferralQuerySet:
        """Pending fiches waiting since their platform's cutoff day or earlier
        (`cutoffs`: platform id → day); nothing for a platform without one."""
        return self.with_waiting_since().filter(waiting_on_or_before(cutoffs))

    def count_by_status_and_waiting(self, cutoffs: dict[int, date]) -> tuple[dict[str, int], int]:
        """({status: count}, how many pending fiches wait since their cutoff or earlier),
        in one query: the inbox tabs."""
        rows = (
            self.with_waiting_since()
            .order_by()
            .values_list("status")
            .annotate(count=Count("pk"), waiting=Count("pk", filter=waiting_on_or_before(cutoffs)))
        )
        counts, waiting = {}, 0
        for status, count, status_waiting in rows:
            counts[status] = count
            waiting += status_waiting
        return counts, waiting

    def search(self, text: str) -> ReferralQuerySet:
        return self.filter(name_matches(text))

    def received_between(self, start, end) -> ReferralQuerySet:
        """Received on or after `start` and on or before `end` (either may be None)."""
        queryset = self
        if start is not None:
            queryset = queryset.filter(received_on__gte=start)
        if end is not None:
            queryset = queryset.filter(received_on__lte=end)
        return queryset

    def unlinked_due_for_anonymisation(self, *, cutoff) -> ReferralQuerySet:
        """Fiches that never became a person's, on their own retention clock: declined
        on or before `cutoff`, or received on or before it and never decided."""
        return self.filter(beneficiary__isnull=True, anonymised_at__isnull=True).filter(
            Q(status=ReferralStatus.DECLINED, decided_at__date__lte=cutoff)
            | Q(
                status__in=[ReferralStatus.SUBMITTED, ReferralStatus.EXPIRED],
                received_on__lte=cutoff,
            )
        )

    def declined_unlinked_of(self, beneficiary: Beneficiary) -> list[Referral]:
        """The declined fiches of the platform that name `beneficiary` (same name, as
        rules.identity_key compares them, and birth date) but were never linked to
        anyone, when no other person of the platform shares that identity."""
        if beneficiary.anonymised_at is not None:
            return []
        homonyms = Beneficiary.objects.filter(
            platform_id=beneficiary.platform_id,
            identity_key=beneficiary.identity_key,
            birth_date=beneficiary.birth_date,
        ).exclude(pk=beneficiary.pk)
        if homonyms.exists():
            return []  # whose fiche it was cannot be told
        candidates = self.filter(
            platform_id=beneficiary.platform_id,
            beneficiary__isnull=True,
            status=ReferralStatus.DECLINED,
            birth_date=beneficiary.birth_date,
        ).order_by("pk")
        return [
            referral
            for referral in candidates
            if identity_key(referral.first_name, referral.last_name) == beneficiary.identity_key
        ]


class Referral(PersonFields):
    """A fiche de liaison: a prescriber asks the platform to help one person."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("plateforme")
    )
    prescriber = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("structure prescriptrice"),
    )
    referent_name = models.CharField(_("nom du ou de la référent·e"), max_length=200)
    referent_email = models.EmailField(_("courriel du ou de la référent·e"))
    referent_phone = models.CharField(
        _("téléphone du ou de la référent·e"), max_length=30, blank=True
    )

    project = models.TextField(_("projet socio-professionnel"), blank=True)
    job_kind = models.CharField(_("situation visée"), max_length=20, choices=JobKind.choices)
    contract = models.CharField(
        _("type de contrat"), max_length=20, choices=Contract.choices, blank=True
    )
    job_start_date = models.DateField(_("date de début"), null=True, blank=True)
    # The end of a CDD, an interim mission or a training: a car's eligibility needs the
    # contract's length, asked on the fiche rather than first at the handover.
    job_end_date = models.DateField(_("date de fin"), null=True, blank=True)
    employer = models.CharField(
        _("employeur ou organisme de formation"), max_length=200, blank=True
    )
    job_address = models.CharField(
        _("adresse de l'emploi ou de la formation"), max_length=255, blank=True
    )
    job_schedule = models.CharField(_("horaires"), max_length=200, blank=True)
    home_work_km = models.DecimalField(
        _("distance domicile-travail (km, aller)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
    )
    atypical_hours = models.BooleanField(
        _("horaires atypiques (nuit, tôt, week-end)"), default=False
    )
    monthly_resources = models.DecimalField(
        _("ressources mensuelles (€)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Ce que la personne perçoit par mois, toutes ressources comprises."),
    )
    needs = models.JSONField(_("aides demandées"), default=list, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    received_on = models.DateField(_("reçue le"))
    # Sent again after it expired: the delays run from this day (the reports keep
    # counting the fiche on its reception).
    resent_on = models.DateField(_("renvoyée le"), null=True, blank=True)

    status = models.CharField(
        _("statut"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SUBMITTED
    )
    decline_reason = models.TextField(_("motif du refus"), blank=True)
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("bénéficiaire"),
    )
    pathway = models.ForeignKey(
        "Pathway",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("parcours"),
    )
    submitted_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saisie par"),
    )
    decided_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décision prise par"),
    )
    decided_at = models.DateTimeField(_("décision le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    anonymised_at = models.DateTimeField(_("anonymisée le"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("fiche de liaison")
        verbose_name_plural = _("fiches de liaison")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["platform", "status", "-received_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.DECLINED) | ~Q(decline_reason=""),
                name="referral_declined_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ReferralStatus.ACCEPTED, ReferralStatus.CLOSED])
                | Q(beneficiary__isnull=False, pathway__isnull=False),
                name="referral_accepted_has_beneficiary_and_pathway",
            ),
            models.CheckConstraint(
                condition=Q(home_work_km__isnull=True) | Q(home_work_km__gte=0),
                name="referral_home_work_km_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(licence_since__isnull=True) | Q(licence_held=True),
                name="referral_licence_since_requires_licence",
            ),
            models.CheckConstraint(
                condition=Q(job_end_date__isnull=True)
                | Q(job_start_date__isnull=True)
                | Q(job_end_date__gte=F("job_start_date")),
                name="referral_job_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(monthly_resources__isnull=True) | Q(monthly_resources__gte=0),
                name="referral_monthly_resources_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Fiche n° {self.pk} — {self.full_name}"

    @property
    def waiting_since(self) -> date:
        """The day the platform's delay to answer runs from."""
        return self.resent_on or self.received_on


class ReferralSettings(models.Model):
    """A platform's delays to answer a fiche de liaison (created with the defaults on
    first use; its administrators change them in the admin)."""

    platform = models.OneToOneField(
        Platform,
        on_delete=models.PROTECT,
        related_name="referral_settings",
        verbose_name=_("plateforme"),
    )
    late_after_working_days = models.PositiveSmallIntegerField(
        _("en retard après (jours ouvrés)"),
        default=5,
        help_text=_(
            "Une fiche sans réponse passé ce délai est signalée en retard et les "
            "conseiller·ères en reçoivent le récapitulatif chaque jour ouvré."
        ),
    )
    expire_after_days = models.PositiveSmallIntegerField(
        _("expire après (jours)"),
        default=30,
        help_text=_(
            "Une fiche toujours sans réponse passé ce délai expire : le ou la référent·e en "
            "est informé·e et peut la renvoyer."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("délais des fiches de liaison")
        verbose_name_plural = _("délais des fiches de liaison")
        constraints = [
            models.CheckConstraint(
                condition=Q(late_after_working_days__gte=1),
                name="referral_settings_late_after_positive",
            ),
            models.CheckConstraint(
                condition=Q(expire_after_days__gte=1),
                name="referral_settings_expire_after_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(self.platform)


class PathwayQuerySet(models.QuerySet):
    def for_user(self, user: User) -> PathwayQuerySet:
        return self.filter(platform_id__in=user.platform_ids(STAFF_ROLES))

    def open(self) -> PathwayQuerySet:
        return self.filter(status=PathwayStatus.OPEN)


class Pathway(models.Model):
    """A parcours mobilité: from acceptance of a referral to the exit."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="pathways", verbose_name=_("plateforme")
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        related_name="pathways",
        verbose_name=_("bénéficiaire"),
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=PathwayStatus.choices, default=PathwayStatus.OPEN
    )
    opened_on = models.DateField(_("ouvert le"))
    closed_on = models.DateField(_("clôturé le"), null=True, blank=True)
    outcome = models.CharField(
        _("situation à la sortie"), max_length=20, choices=Outcome.choices, blank=True
    )
    durable_solution = models.BooleanField(_("solution de mobilité durable trouvée"), null=True)
    opened_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("ouvert par")
    )
    closed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("clôturé par"),
    )
    history = HistoricalRecords()

    objects = PathwayQuerySet.as_manager()

    class Meta:
        verbose_name = _("parcours mobilité")
        verbose_name_plural = _("parcours mobilité")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary"],
                condition=Q(status=PathwayStatus.OPEN),
                name="pathway_one_open_per_beneficiary",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PathwayStatus.values), name="pathway_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=PathwayStatus.OPEN, closed_on__isnull=True, outcome="")
                | (
                    Q(
                        status=PathwayStatus.CLOSED,
                        closed_on__isnull=False,
                        durable_solution__isnull=False,
                    )
                    & ~Q(outcome="")
                ),
                name="pathway_closed_has_date_and_outcome",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="pathway_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return f"Parcours n° {self.pk} — {self.beneficiary}"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user: User) -> NotificationQuerySet:
        return self.filter(
            Q(platform_id__in=user.platform_ids(CASEWORK_ROLES))
            | Q(referral__prescriber_id__in=user.organisation_ids({Role.PRESCRIBER}))
        )

    def pending(self) -> NotificationQuerySet:
        return self.filter(state=NotificationState.PENDING)

    def stuck(self, *, now: datetime) -> NotificationQuerySet:
        """Pending, and nothing happened for NOTIFICATION_STUCK_AFTER (see the rule)."""
        # Coalesce each nullable date: SQLite's MAX() is NULL as soon as one argument is.
        last_activity = Greatest(
            F("created_at"),
            Coalesce("last_attempt_at", "created_at"),
            Coalesce("resent_at", "created_at"),
        )
        return (
            self.pending()
            .alias(last_activity=last_activity)
            .filter(last_activity__lte=now - settings.NOTIFICATION_STUCK_AFTER)
        )


class Notification(models.Model):
    """What the referent was told, when, by whom: the prescriber's feedback trail."""

    platform = models.ForeignKey(
        Platform,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("plateforme"),
    )
    referral = models.ForeignKey(
        Referral,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("fiche de liaison"),
    )
    event = models.CharField(_("événement"), max_length=40, choices=NotificationEvent.choices)
    recipient = models.EmailField(_("destinataire"))
    subject = models.CharField(_("objet"), max_length=255)
    body = models.TextField(_("message"))
    created_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur·rice"),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    # Delivery: a task tries to send it after the commit, retried with backoff; the row,
    # not the task queue, is the source of truth (a killed worker loses nothing).
    state = models.CharField(
        _("état"),
        max_length=10,
        choices=NotificationState.choices,
        default=NotificationState.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("essais d'envoi"), default=0)
    last_attempt_at = models.DateTimeField(_("dernier essai le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    send_error = models.TextField(_("erreur d'envoi"), blank=True)
    resent_at = models.DateTimeField(_("renvoyée le"), null=True, blank=True)
    resent_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("renvoyée par"),
    )
    # Which file to build and attach when the email leaves: built then, never stored, so
    # no copy of personal data waits in the queue and a retry sends the current file.
    attachment = models.CharField(
        _("pièce jointe"), max_length=40, choices=NotificationAttachment.choices, blank=True
    )
    attachment_object_id = models.PositiveBigIntegerField(
        _("objet de la pièce jointe"), null=True, blank=True
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification au référent")
        verbose_name_plural = _("notifications aux référents")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="notification_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=NotificationState.SENT, sent_at__isnull=False)
                | (~Q(state=NotificationState.SENT) & Q(sent_at__isnull=True)),
                name="notification_sent_iff_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(state=NotificationState.FAILED) | ~Q(send_error=""),
                name="notification_failure_has_error",
            ),
            models.CheckConstraint(
                condition=Q(attachment="", attachment_object_id__isnull=True)
                | (~Q(attachment="") & Q(attachment_object_id__isnull=False)),
                name="notification_attachment_names_its_object",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.recipient}"

    @property
    def last_activity(self) -> datetime:
        """When it was last created, tried or resent (what "stuck" is measured from)."""
        return max(d for d in (self.created_at, self.last_attempt_at, self.resent_at) if d)

    @property
    def may_be_resent(self) -> bool:
        return notification_may_resend(
            state=self.state,
            last_activity=self.last_activity,
            now=timezone.now(),
            stuck_after=settings.NOTIFICATION_STUCK_AFTER,
        )


class JobRunQuerySet(models.QuerySet):
    def latest_per_job(self) -> JobRunQuerySet:
        """The last run of each daily job, in one query."""
        return self.filter(pk__in=self.values("job").annotate(last=Max("pk")).values("last"))


class JobRun(models.Model):
    """One run of a daily job (mobility/jobs.py): when, how it ended, what it did."""

    job = models.CharField(_("tâche"), max_length=40, choices=DailyJobName.choices)
    # The local day it ran for: a scheduled job runs at most once a day, however many
    # schedulers or crontabs ask (the constraint below is the lock).
    day = models.DateField(_("jour"))
    manual = models.BooleanField(
        _("relancée à la main"),
        default=False,
        help_text=_("Relance forcée (run_daily_jobs --force), en plus de celle du jour."),
    )
    started_at = models.DateTimeField(_("commencée le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    outcome = models.CharField(
        _("résultat"), max_length=10, choices=JobOutcome.choices, default=JobOutcome.RUNNING
    )
    summary = models.CharField(_("ce qui a été fait"), max_length=255, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    objects = JobRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("exécution d'une tâche quotidienne")
        verbose_name_plural = _("exécutions des tâches quotidiennes")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "day"], condition=Q(manual=False), name="job_run_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(outcome=JobOutcome.RUNNING, finished_at__isnull=True)
                | (~Q(outcome=JobOutcome.RUNNING) & Q(finished_at__isnull=False)),
                name="job_run_finished_iff_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=JobOutcome.FAILED) | ~Q(error=""),
                name="job_run_failure_has_error",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_job_display()} — {self.day:%d/%m/%Y}"


class ApiTokenQuerySet(models.QuerySet):
    def for_user(self, user: User) -> ApiTokenQuerySet:
        """Your own tokens, and those of the members of the platforms you administer."""
        admin_platforms = user.platform_ids({Role.ADMIN})
        return self.filter(
            Q(user_id=user.pk)
            | Q(
                user__memberships__platform_id__in=admin_platforms,
                user__memberships__platform__is_active=True,
            )
        ).distinct()

    def usable(self, now) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A bearer token for a machine. Only its SHA-256 is stored; the token is shown once.
    It works until `expires_at`, or until revoked by its owner or a platform admin."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("utilisateur·rice"),
    )
    key_hash = models.CharField(_("empreinte SHA-256"), max_length=64, unique=True)
    label = models.CharField(_("libellé"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("révoqué par"),
    )
    # Creation and revocation are recorded; each use is not (last_used_at is a plain
    # update, kept out of the history).
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.label or self.key_hash[:8]}"

    def state(self, now) -> ApiTokenState:
        """A revoked token says so even once it has expired."""
        if self.revoked_at is not None:
            return ApiTokenState.REVOKED
        if self.expires_at <= now:
            return ApiTokenState.EXPIRED
        return ApiTokenState.ACTIVE


class IdempotentRequest(models.Model):
    """The first response to a POST carrying an Idempotency-Key, replayed on retries."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"


class FormSubmission(models.Model):
    """A one-time form token consumed by the first successful submission of a form that
    writes money or attendance (mobility.form_tokens). The unique constraint is what makes
    a second submission, even a concurrent one, record nothing."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    path = models.CharField(max_length=500)
    # Where the first submission led: a second one is sent there.
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "token"], name="form_submission_token_unique_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.path} ({self.token})"


class BudgetQuerySet(models.QuerySet):
    def overlapping(self, start, end) -> BudgetQuerySet:
        """Budget lines whose period shares at least one day with [start, end]."""
        return self.filter(period_start__lte=end, period_end__gte=start)


class Budget(models.Model):
    """Money a platform spends on its mobility action over a period, entered by its
    administrators for the funder reports (cost per beneficiary). A line may name the
    funder that brings it; a report prorates each line by the days it shares."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("plateforme")
    )
    funder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budgets",
        limit_choices_to={"kind": OrganisationKind.FUNDER},
        verbose_name=_("financeur"),
        help_text=_("Vide : ressources propres ou financeur non précisé."),
    )
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    period_start = models.DateField(_("du"))
    period_end = models.DateField(_("au"))
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(_("saisi le"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = BudgetQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget de l'action mobilité")
        verbose_name_plural = _("budgets de l'action mobilité")
        ordering = ["platform", "-period_start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="budget_period_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform} — {self.period_start:%d/%m/%Y} au {self.period_end:%d/%m/%Y}"

    def clean(self) -> None:
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("La fin de la période précède son début.")
        if self.funder_id and self.platform_id:
            if self.funder.platform_id != self.platform_id:
                errors["funder"] = _("Ce financeur appartient à une autre plateforme.")
            elif self.funder.kind != OrganisationKind.FUNDER:
                errors["funder"] = _("Cette organisation n'est pas un financeur.")
        if errors:
            raise ValidationError(errors)


class ErasureRecord(models.Model):
    """The audit row of one erasure: who, when, why, how many rows of each kind.

    It names the person by number only and carries codes and counts, never text: it must
    outlive the erasure without undoing it."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="erasures",
        verbose_name=_("bénéficiaire"),
    )
    referral = models.ForeignKey(
        Referral,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="erasures",
        verbose_name=_("fiche de liaison"),
        help_text=_("Une fiche jamais devenue un parcours, effacée à sa propre échéance."),
    )
    reason = models.CharField(_("motif"), max_length=30, choices=ErasureReason.choices)
    requested_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demandé par"),
        help_text=_("Vide : traitement automatique à la fin de la durée de conservation."),
    )
    erased_at = models.DateTimeField(_("effacé le"), default=timezone.now)
    rows = models.JSONField(
        _("lignes effacées"), default=dict, blank=True, help_text=_("Nombre par type de donnée.")
    )

    class Meta:
        verbose_name = _("effacement de données personnelles")
        verbose_name_plural = _("effacements de données personnelles")
        ordering = ["-erased_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(beneficiary__isnull=False, referral__isnull=True)
                | Q(beneficiary__isnull=True, referral__isnull=False),
                name="erasure_of_a_person_or_a_lone_referral",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ErasureReason.values), name="erasure_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(reason=ErasureReason.RETENTION) | Q(requested_by__isnull=False),
                name="erasure_request_has_its_author",
            ),
        ]

    def __str__(self) -> str:
        target = (
            f"bénéficiaire n° {self.beneficiary_id}"
            if self.beneficiary_id
            else f"fiche n° {self.referral_id}"
        )
        return f"Effacement — {target} — {self.get_reason_display()}"


class FileAccessQuerySet(models.QuerySet):
    def for_user(self, user: User) -> FileAccessQuerySet:
        """The consultation log is the platform administrators' alone."""
        return self.filter(platform_id__in=user.platform_ids({Role.ADMIN}))


class FileAccess(models.Model):
    """One reading of a beneficiary file (page, API, download): who, when, whose."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        related_name="accesses",
        verbose_name=_("bénéficiaire"),
    )
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("consulté par")
    )
    channel = models.CharField(_("par"), max_length=20, choices=FileAccessChannel.choices)
    accessed_at = models.DateTimeField(_("consulté le"), default=timezone.now)

    objects = FileAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation d'une fiche bénéficiaire")
        verbose_name_plural = _("consultations des fiches bénéficiaires")
        ordering = ["-accessed_at", "-pk"]
        indexes = [models.Index(fields=["beneficiary", "-accessed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=FileAccessChannel.values),
                name="file_access_channel_valid",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.accessed_at)
        return f"{self.user} — bénéficiaire n° {self.beneficiary_id} — {when:%d/%m/%Y %H:%M}"


# ---- signed documents (mobility/signing.py writes them, modules render their PDF)


def signed_file_path(instance, filename: str) -> str:
    """A random name under the platform's folder: the stored name never says whose
    document it is. The extension is the one of the checked content."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    platform_id = getattr(instance, "platform_id", None) or "x"
    return f"signatures/{platform_id}/{uuid.uuid4().hex}.{extension}"


class SignedDocumentQuerySet(models.QuerySet):
    def for_user(self, user: User) -> SignedDocumentQuerySet:
        """The signed documents of the user's platforms whose kind their roles there read."""
        from mobility.signatures import READER_ROLES

        scope = Q(pk__in=[])
        for membership in user.active_memberships():
            kinds = [kind for kind, roles in READER_ROLES.items() if membership.role in roles]
            if kinds:
                scope |= Q(platform_id=membership.platform_id, kind__in=kinds)
        return self.filter(scope)

    def of(self, obj, kind: str) -> SignedDocumentQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, kind=kind
        )

    def current(self) -> SignedDocumentQuerySet:
        return self.filter(superseded_at__isnull=True)


class SignedDocument(models.Model):
    """One version of a document signed for an object (a rental's contract, an enrolment's
    learning agreement, a lesson's sheet): the snapshot of what was signed and its hash,
    then, once closed, its proof (the frozen PDF of the tablet's signatures, or a scan of
    the paper). A change of the object after the closing opens a new version; the old one
    stays, superseded."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    kind = models.CharField(_("document"), max_length=30, choices=SignedDocumentKind.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type d'objet")
    )
    object_id = models.PositiveBigIntegerField(_("numéro de l'objet"))
    target = GenericForeignKey("content_type", "object_id")
    version = models.PositiveIntegerField(_("version"), default=1)
    # The people the document names: its files are erased with any of them.
    people = models.ManyToManyField(
        Beneficiary, related_name="signed_documents", blank=True, verbose_name=_("personnes")
    )
    content = models.JSONField(_("contenu signé"), default=dict)
    content_hash = models.CharField(_("empreinte SHA-256 du contenu"), max_length=64)
    proof = models.CharField(_("preuve"), max_length=10, choices=ProofKind.choices, blank=True)
    # Empty once a person it names is anonymised: the files are deleted from the storage.
    scan = models.FileField(
        _("scan papier"), upload_to=signed_file_path, max_length=200, blank=True
    )
    scan_content_type = models.CharField(_("format du scan"), max_length=40, blank=True)
    pdf = models.FileField(_("PDF signé"), upload_to=signed_file_path, max_length=200, blank=True)
    created_at = models.DateTimeField(_("ouvert le"), default=timezone.now)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("ouvert par")
    )
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("clos par"),
    )
    superseded_at = models.DateTimeField(_("remplacé le"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["people"])
    objects = SignedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document signé")
        verbose_name_plural = _("documents signés")
        ordering = ["content_type", "object_id", "kind", "-version"]
        indexes = [models.Index(fields=["content_type", "object_id", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "version"],
                name="signed_document_version_unique",
            ),
            # One current version per object and kind.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=Q(superseded_at__isnull=True),
                name="signed_document_one_current",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SignedDocumentKind.values), name="signed_document_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="signed_document_version_positive"
            ),
            # Closed with a proof, or open without one.
            models.CheckConstraint(
                condition=(Q(closed_at__isnull=True) & Q(proof=""))
                | (Q(closed_at__isnull=False) & Q(proof__in=ProofKind.values)),
                name="signed_document_closed_has_proof",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n° {self.object_id} — version {self.version}"

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    def download_name(self, which: str) -> str:
        """The name offered to the browser: the kind, object, version; never a name."""
        if which == "scan":
            extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
                self.scan_content_type, "bin"
            )
            return f"{self.kind}-{self.object_id}-v{self.version}-scan.{extension}"
        return f"{self.kind}-{self.object_id}-v{self.version}.pdf"


class Signature(models.Model):
    """One line signed on a document: the drawing, who signed and when."""

    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("plateforme")
    )
    document = models.ForeignKey(
        SignedDocument,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("document"),
    )
    # "beneficiary", "staff", "attendance:<id>", "closing"…: one signature per line.
    line = models.CharField(_("ligne"), max_length=60)
    signer_role = models.CharField(_("qualité"), max_length=20, choices=SignerRole.choices)
    signer_name = models.CharField(_("nom du ou de la signataire"), max_length=200)
    # The followed person who signed (none for a staff member's line).
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("personne signataire"),
    )
    # Empty once the person is anonymised: the image is deleted from the storage.
    image = models.FileField(_("signature"), upload_to=signed_file_path, max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signé le"), default=timezone.now)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recueillie par")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["document", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["document", "line"], name="signature_one_per_line"),
            models.CheckConstraint(
                condition=Q(signer_role__in=SignerRole.values), name="signature_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_signer_role_display()} — {self.document}"
