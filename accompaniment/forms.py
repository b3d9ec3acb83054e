"""Forms of the accompaniment pages: they parse and label; the services decide."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment.enums import (
    ACTION_ROLES,
    ActionKind,
    AidDecision,
    OrientationOutcome,
    WorkshopAttendance,
)
from accompaniment.models import ActionType
from accompaniment.rules import FIELDS_BY_KIND, MAX_CAPACITY, MAX_MINUTES, MAX_TRIPS
from accompaniment.services import ActionData, AttendanceRow
from mobility.enums import OrganisationKind, PathwayStatus
from mobility.form_tokens import OneTimeForm
from mobility.forms import DateInput
from mobility.models import Organisation, Pathway, User
from mobility.sheet_forms import SignedSheetFormMixin, line_key


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class ActionTypeForm(forms.Form):
    label = forms.CharField(label=_("Libellé"), max_length=200)
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_("En minuscules, sans accents ni espaces : repris par l'API et les rapports."),
    )
    kind = forms.ChoiceField(label=_("Nature"), choices=ActionKind.choices)
    answers = forms.CharField(
        label=_("Recommandations du diagnostic auxquelles elle répond"),
        required=False,
        max_length=1000,
        help_text=_("Les codes des services recommandés, séparés par des virgules."),
    )

    def clean_answers(self) -> list[str]:
        raw = self.cleaned_data["answers"].replace(";", ",")
        return [code.strip() for code in raw.split(",") if code.strip()]


class SessionForm(forms.Form):
    action_type = forms.ModelChoiceField(label=_("Atelier"), queryset=None)
    day = forms.DateField(label=_("Jour"), widget=DateInput())
    time = forms.TimeField(label=_("Heure de début"), widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=1, max_value=MAX_MINUTES, initial=120
    )
    place = forms.CharField(label=_("Lieu"), max_length=200)
    capacity = forms.IntegerField(
        label=_("Nombre de places"), min_value=1, max_value=MAX_CAPACITY, initial=10
    )
    facilitator = forms.ModelChoiceField(
        label=_("Animé par"), queryset=None, required=False, empty_label=_("— personne —")
    )
    funder = forms.ModelChoiceField(
        label=_("Financeur"),
        queryset=None,
        required=False,
        empty_label=_("— aucun —"),
        help_text=_("La séance figure dans les feuilles d'émargement signées de ce financeur."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        platforms = user.platform_ids(ACTION_ROLES)
        self.fields["action_type"].queryset = (
            ActionType.objects.filter(platform_id__in=platforms, kind=ActionKind.WORKSHOP)
            .active()
            .order_by("label")
        )
        self.fields["facilitator"].queryset = (
            User.objects.filter(
                memberships__platform_id__in=platforms, memberships__role__in=ACTION_ROLES
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["facilitator"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["funder"].queryset = Organisation.objects.filter(
            platform_id__in=platforms, kind=OrganisationKind.FUNDER, archived_at__isnull=True
        ).order_by("name")

    def start(self) -> datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.combine(data["day"], data["time"]))


class PathwayChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, pathway):
        return _("%(person)s — parcours n° %(pk)s") % {
            "person": pathway.beneficiary.full_name,
            "pk": pathway.pk,
        }


class RegistrationForm(forms.Form):
    pathway = PathwayChoiceField(label=_("Personne (parcours en cours)"), queryset=None)

    def __init__(self, *args, platform_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pathway"].queryset = (
            Pathway.objects.filter(platform_id=platform_id, status=PathwayStatus.OPEN)
            .select_related("beneficiary")
            .order_by("beneficiary__last_name", "beneficiary__first_name", "pk")
        )


class SessionCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": _("Animateur malade, salle indisponible…")}),
        error_messages={"required": _("Indiquez le motif de l'annulation.")},
    )


class AttendanceSheetForm(SignedSheetFormMixin, OneTimeForm):
    """One row per person registered: status (big buttons), reason and the person's
    signature; the facilitator's closing signature."""

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.registrations = list(registrations)
        self.add_signature_fields(registration.pathway_id for registration in self.registrations)
        for registration in self.registrations:
            key = registration.pathway_id
            self.fields[f"status_{key}"] = forms.ChoiceField(
                label=registration.pathway.beneficiary.full_name,
                choices=WorkshopAttendance.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=registration.attendance or None,
            )
            self.fields[f"reason_{key}"] = forms.CharField(
                label=_("Motif de l'absence"),
                max_length=2000,
                required=False,
                initial=registration.reason,
            )

    def rows_for_display(self):
        for registration in self.registrations:
            key = registration.pathway_id
            yield {
                "registration": registration,
                "person": registration.pathway.beneficiary.full_name,
                "status": self[f"status_{key}"],
                "reason": self[f"reason_{key}"],
                "signature": self[f"signature_{key}"],
                "key": line_key(key),
            }

    def rows(self) -> list[AttendanceRow]:
        """The rows ticked; a person left blank stays unrecorded."""
        rows = []
        for registration in self.registrations:
            key = registration.pathway_id
            status = self.cleaned_data.get(f"status_{key}")
            if status:
                rows.append(
                    AttendanceRow(
                        pathway_id=key,
                        status=status,
                        reason=self.cleaned_data.get(f"reason_{key}") or "",
                    )
                )
        return rows

    def add_service_errors(self, errors: dict[str, str]) -> None:
        """Service errors are keyed "<pathway id>.<field>": put them on the row's field."""
        for key, message in errors.items():
            pathway_id, _dot, field = key.partition(".")
            name = "reason" if field == "reason" else "status"
            target = f"{name}_{pathway_id}"
            self.add_error(target if target in self.fields else None, message)


class ActionForm(OneTimeForm):
    """An individual action; only the fields its kind takes are shown."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=1, max_value=MAX_MINUTES, required=False
    )
    trips = forms.IntegerField(
        label=_("Nombre de trajets"), min_value=1, max_value=MAX_TRIPS, required=False
    )
    km = forms.DecimalField(
        label=_("Kilomètres"),
        min_value=Decimal("0"),
        max_digits=6,
        decimal_places=1,
        required=False,
    )
    partner_id = forms.ModelChoiceField(label=_("Partenaire"), queryset=None, required=False)
    amount = forms.DecimalField(
        label=_("Montant (EUR)"),
        min_value=Decimal("0.01"),
        max_digits=9,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    funder_id = forms.ModelChoiceField(label=_("Financeur"), queryset=None, required=False)
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=AidDecision.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Effacées avec la personne lors de l'anonymisation."),
    )

    def __init__(self, *args, action_type: ActionType, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(
            platform_id=action_type.platform_id, archived_at__isnull=True
        ).order_by("name")
        self.fields["partner_id"].queryset = organisations.filter(kind=OrganisationKind.PARTNER)
        self.fields["funder_id"].queryset = organisations.filter(kind=OrganisationKind.FUNDER)
        allowed = FIELDS_BY_KIND.get(action_type.kind, frozenset())
        for name in ("duration_minutes", "trips", "km", "partner_id", "amount", "funder_id"):
            if name not in allowed:
                del self.fields[name]
        if "decision" not in allowed:
            del self.fields["decision"]

    def data_for_service(self) -> ActionData:
        data = self.cleaned_data
        return ActionData(
            date=data["date"],
            duration_minutes=data.get("duration_minutes"),
            trips=data.get("trips"),
            km=data.get("km"),
            partner=data.get("partner_id"),
            amount=data.get("amount"),
            funder=data.get("funder_id"),
            decision=data.get("decision") or "",
            notes=data.get("notes") or "",
        )


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Suite donnée"), choices=[("", "—"), *OrientationOutcome.choices], required=False
    )
    decision = forms.ChoiceField(
        label=_("Décision"), choices=[("", "—"), *AidDecision.choices], required=False
    )
    paid_on = forms.DateField(label=_("Versée le"), widget=DateInput(), required=False)
