"""Forms of the fleet pages: they parse and label input; the services hold the rules."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fleet.enums import (
    FLEET_ROLES,
    REQUIRED_CONDITION_ITEMS,
    Condition,
    ConditionItem,
    MicrocreditOutcome,
    PaymentMethod,
    VehicleKind,
    VehicleStatus,
)
from fleet.models import Vehicle
from fleet.rules import MAX_ODOMETER_KM
from fleet.services import MANUAL_STATUSES, Damage
from mobility.enums import OrganisationKind
from mobility.form_tokens import OneTimeForm
from mobility.forms import DateInput
from mobility.models import Organisation, Pathway

MAX_DAMAGES = 3


def decimal_field(label, *, required=False, **kwargs):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **kwargs,
    )


def km_field(label, **kwargs):
    # The bound of the services (fleet.rules), said here first with a friendly message.
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_ODOMETER_KM,
        error_messages={
            "max_value": _("Le compteur ne peut pas dépasser %(limit)s km.")
            % {"limit": "2\u202f000\u202f000"}
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        **kwargs,
    )


class VehicleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=VehicleKind.choices)
    label = forms.CharField(
        label=_("Nom"), max_length=100, help_text=_("Par exemple : Clio bleue.")
    )
    registration = forms.CharField(
        label=_("Immatriculation ou n° de série"), max_length=20, required=False
    )
    odometer_km = km_field(_("Compteur (km)"), initial=0)
    site = forms.CharField(label=_("Lieu"), max_length=100, required=False)


class VehicleStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Nouvel état"),
        choices=[(value, VehicleStatus(value).label) for value in MANUAL_STATUSES],
    )


class ConditionFieldsMixin:
    """One radio group per checklist item (tyres, brakes...): big targets on a tablet.

    Each item starts from the condition last recorded (`last_condition`, the latest
    check-in's): worn tyres stay worn until someone says otherwise."""

    def add_condition_fields(self, last_condition: dict | None = None, *, required=True):
        last_condition = last_condition or {}
        for item in ConditionItem:
            self.fields[f"condition_{item.value}"] = forms.ChoiceField(
                label=str(item.label).capitalize(),
                choices=Condition.choices,
                widget=forms.RadioSelect,
                required=required and item in REQUIRED_CONDITION_ITEMS,
                initial=last_condition.get(item.value, Condition.OK),
            )

    def condition_fields(self):
        return [self[f"condition_{item.value}"] for item in ConditionItem]

    def condition(self) -> dict[str, str]:
        return {
            item.value: self.cleaned_data[f"condition_{item.value}"]
            for item in ConditionItem
            if self.cleaned_data.get(f"condition_{item.value}")
        }


class CameraInput(forms.FileInput):
    """The tablet's camera in the page: several photos at once, the back camera first.
    Without a camera (a desktop), the same input picks image files."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__(
            {"accept": "image/*", "capture": "environment", "multiple": True, **(attrs or {})}
        )


class PhotosField(forms.FileField):
    """The files of one camera input, as a list (empty: no photo)."""

    widget = CameraInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(file, initial) for file in files if file]


# Rows of photos on a step's form: each row's photos show one element of the checklist.
PHOTO_ROWS = 3


class PhotoFieldsMixin:
    """Photos of the vehicle at this step, each row saying what its photos show (the
    whole vehicle, or one element of the checklist: a damage)."""

    def add_photo_fields(self):
        for index in range(1, PHOTO_ROWS + 1):
            self.fields[f"photos_{index}"] = PhotosField(label=_("Photos"), required=False)
            self.fields[f"photos_{index}_item"] = forms.ChoiceField(
                label=_("Elles montrent"),
                choices=[
                    ("", _("Le véhicule (vue d'ensemble)")),
                    *[(item.value, str(item.label).capitalize()) for item in ConditionItem],
                ],
                required=False,
            )

    def photo_rows(self):
        return [
            (self[f"photos_{index}_item"], self[f"photos_{index}"])
            for index in range(1, PHOTO_ROWS + 1)
        ]

    def photo_uploads(self) -> list[tuple[str, str, object]]:
        """(field name, item, file) for every photo sent, for fleet.photos."""
        return [
            (f"photos_{index}", self.cleaned_data.get(f"photos_{index}_item") or "", file)
            for index in range(1, PHOTO_ROWS + 1)
            for file in self.cleaned_data.get(f"photos_{index}") or []
        ]


class PaymentFieldsMixin:
    def add_payment_fields(self):
        self.fields["payment_amount"] = decimal_field(
            _("Montant payé aujourd'hui (€)"),
            help_text=_("Laissez vide si rien n'est payé cette fois."),
        )
        self.fields["payment_method"] = forms.ChoiceField(
            label=_("Moyen de paiement"),
            choices=PaymentMethod.choices,
            widget=forms.RadioSelect,
            required=False,
        )

    def clean_payment(self, cleaned):
        if cleaned.get("payment_amount") is not None and not cleaned.get("payment_method"):
            self.add_error("payment_method", _("Choisissez le moyen de paiement."))
        if cleaned.get("payment_amount") == 0:
            cleaned["payment_amount"] = None


class RentalForm(ConditionFieldsMixin, PhotoFieldsMixin, OneTimeForm):
    pathway = forms.ModelChoiceField(
        label=_("Bénéficiaire (parcours en cours)"), queryset=Pathway.objects.none()
    )
    vehicle = forms.ModelChoiceField(
        label=_("Véhicule disponible"), queryset=Vehicle.objects.none()
    )
    start_date = forms.DateField(label=_("Début de la location"), widget=DateInput())
    deposit = decimal_field(_("Caution (€)"), required=True)
    deposit_waiver_reason = forms.CharField(
        label=_("Caution inférieure à celle de la grille : motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Réservé aux conseiller·ères : seulement si la caution est plus basse que celle "
            "de la grille. Le motif est imprimé sur le contrat."
        ),
    )
    extended_until = forms.DateField(
        label=_("Au-delà de la durée maximale : prolongée jusqu'au"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Réservé aux conseiller·ères, seulement si la personne a déjà atteint la durée "
            "maximale de la grille sur ce parcours."
        ),
    )
    extension_reason = forms.CharField(
        label=_("Motif de la prolongation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    deposit_method = forms.ChoiceField(
        label=_("Caution versée par"), choices=PaymentMethod.choices, initial=PaymentMethod.CHEQUE
    )
    home_work_km = forms.DecimalField(
        label=_("Distance domicile-travail (km, aller)"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=1,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Laissez vide pour reprendre celle de la fiche de liaison."),
    )
    contract_end_date = forms.DateField(
        label=_("Fin du contrat de travail"),
        required=False,
        widget=DateInput(),
        help_text=_("Pour un CDD ou une mission d'intérim : sa durée est vérifiée."),
    )
    contract_signed = forms.BooleanField(
        label=_("Le contrat de location est imprimé et signé par la personne"), required=False
    )
    override_reason = forms.CharField(
        label=_("Dérogation aux conditions d'accès : motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Réservé aux conseiller·ères : seulement si une condition manque."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        platform_ids = user.platform_ids(FLEET_ROLES)
        self.fields["pathway"].queryset = (
            Pathway.objects.for_user(user)
            .open()
            .filter(platform_id__in=platform_ids)
            .select_related("beneficiary")
            .order_by("beneficiary__last_name", "beneficiary__first_name", "pk")
        )
        # The licence in the list: who may take a car shows before anyone is chosen.
        self.fields["pathway"].label_from_instance = lambda p: (
            f"{p.beneficiary.full_name} — parcours n° {p.pk} — "
            + (
                f"permis B depuis {p.beneficiary.licence_since:%Y}"
                if p.beneficiary.licence_held and p.beneficiary.licence_since
                else "permis B"
                if p.beneficiary.licence_held
                else "sans permis"
            )
        )
        self.fields["vehicle"].queryset = (
            Vehicle.objects.for_user(user).available().order_by("kind", "label", "pk")
        )
        self.fields["vehicle"].label_from_instance = lambda v: f"{v.get_kind_display()} — {v}"
        self.fields["start_date"].initial = timezone.localdate()
        # Not required here: a handover posted without the checklist (an older page, a
        # script) notes no condition; one begun must be complete (the service says so).
        self.add_condition_fields(required=False)
        self.add_photo_fields()

    def handover_condition(self) -> dict[str, str] | None:
        return self.condition() or None


class CheckInForm(ConditionFieldsMixin, PhotoFieldsMixin, PaymentFieldsMixin, OneTimeForm):
    date = forms.DateField(label=_("Date du point étape"), widget=DateInput())
    odometer_km = km_field(_("Compteur relevé (km)"))
    notes = forms.CharField(
        label=_("Notes : solution de sortie, difficultés, suite"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, last_condition: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.add_condition_fields(last_condition)
        self.add_photo_fields()
        self.add_payment_fields()

    def clean(self):
        cleaned = super().clean()
        self.clean_payment(cleaned)
        return cleaned


class PaymentForm(OneTimeForm):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    amount = decimal_field(_("Montant (€)"), required=True)
    method = forms.ChoiceField(label=_("Moyen de paiement"), choices=PaymentMethod.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class ReturnForm(ConditionFieldsMixin, PhotoFieldsMixin, PaymentFieldsMixin, OneTimeForm):
    date = forms.DateField(label=_("Date du retour"), widget=DateInput())
    odometer_km = km_field(_("Compteur au retour (km)"))
    deposit_retained = decimal_field(
        _("Retenue sur la caution (€)"), help_text=_("0 si la caution est rendue en entier.")
    )
    deposit_retained_reason = forms.CharField(
        label=_("Motif de la retenue"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    vehicle_status = forms.ChoiceField(
        label=_("Le véhicule part"),
        choices=[
            ("", _("selon son état (entretien si endommagé)")),
            (VehicleStatus.AVAILABLE, _("disponible pour une autre location")),
            (VehicleStatus.MAINTENANCE, _("en entretien")),
        ],
        required=False,
    )
    end_reason = forms.CharField(
        label=_("Motif de fin (si la location s'arrête avant terme)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, last_condition: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.add_condition_fields(last_condition)
        for index in range(1, MAX_DAMAGES + 1):
            self.fields[f"damage_{index}_description"] = forms.CharField(
                label=_("Dommage %(n)s : description") % {"n": index},
                max_length=255,
                required=False,
            )
            self.fields[f"damage_{index}_cost"] = decimal_field(
                _("Dommage %(n)s : coût (€)") % {"n": index}
            )
        self.add_photo_fields()
        self.add_payment_fields()

    def damage_rows(self):
        return [
            (self[f"damage_{i}_description"], self[f"damage_{i}_cost"])
            for i in range(1, MAX_DAMAGES + 1)
        ]

    def clean(self):
        cleaned = super().clean()
        self.clean_payment(cleaned)
        for index in range(1, MAX_DAMAGES + 1):
            description = cleaned.get(f"damage_{index}_description", "")
            cost = cleaned.get(f"damage_{index}_cost")
            if description and cost is None:
                self.add_error(f"damage_{index}_cost", _("Indiquez le coût du dommage."))
            if cost and not description:
                self.add_error(f"damage_{index}_description", _("Décrivez le dommage."))
        return cleaned

    def damages(self) -> list[Damage]:
        return [
            Damage(
                self.cleaned_data[f"damage_{i}_description"], self.cleaned_data[f"damage_{i}_cost"]
            )
            for i in range(1, MAX_DAMAGES + 1)
            if self.cleaned_data.get(f"damage_{i}_description")
        ]


class ConfirmationMixin:
    """A correction is written on a second step, after the person has read its effect on
    the balance; `seen_last_entry_id` is the ledger as that step showed it."""

    def add_confirmation_fields(self):
        self.fields["confirmed"] = forms.BooleanField(required=False, widget=forms.HiddenInput)
        self.fields["seen_last_entry_id"] = forms.IntegerField(
            required=False, widget=forms.HiddenInput
        )

    @property
    def is_confirmed(self) -> bool:
        return bool(self.cleaned_data.get("confirmed"))


class ReversalForm(ConfirmationMixin, forms.Form):
    reason = forms.CharField(
        label=_("Motif de la correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Par exemple : 304,00 € saisis au lieu de 30,40 €."),
    )
    correct_amount = decimal_field(
        _("Montant correct (€)"),
        help_text=_(
            "Laissez vide pour annuler l'écriture ; sinon ce montant est enregistré à sa "
            "place, à la même date."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_confirmation_fields()


class RefundForm(ConfirmationMixin, forms.Form):
    amount = decimal_field(_("Montant remboursé (€)"), required=True)
    method = forms.ChoiceField(
        label=_("Remboursé par"), choices=PaymentMethod.choices, initial=PaymentMethod.TRANSFER
    )
    date = forms.DateField(label=_("Date du remboursement"), widget=DateInput())
    reason = forms.CharField(
        label=_("Motif du remboursement"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Par exemple : trop-perçu après le retour du véhicule."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.add_confirmation_fields()


class ExtensionForm(forms.Form):
    """An adviser extends a rental past the grid's maximum, with a written reason."""

    until = forms.DateField(label=_("Prolongée jusqu'au"), widget=DateInput())
    reason = forms.CharField(
        label=_("Motif de la prolongation"), widget=forms.Textarea(attrs={"rows": 2})
    )


class MicrocreditForm(forms.Form):
    """The microcredit proposal of the grid's month and what came of it."""

    proposed_on = forms.DateField(label=_("Proposé le"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("Suite"), choices=MicrocreditOutcome.choices)
    partner = forms.ModelChoiceField(
        label=_("Partenaire du microcrédit (orientation)"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Par exemple l'ADIE ; obligatoire pour une orientation."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, rental, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed_on"].initial = rental.microcredit_proposed_on or timezone.localdate()
        if rental.microcredit_outcome:
            self.fields["outcome"].initial = rental.microcredit_outcome
        self.fields["partner"].initial = rental.microcredit_partner_id
        self.fields["notes"].initial = rental.microcredit_notes
        self.fields["partner"].queryset = Organisation.objects.filter(
            platform_id=rental.platform_id, kind=OrganisationKind.PARTNER, archived_at__isnull=True
        ).order_by("name")
