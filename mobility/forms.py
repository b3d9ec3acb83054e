"""Forms of the HTML pages: they parse and label input; the services hold the rules."""

from __future__ import annotations

from dataclasses import fields

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility.enums import (
    CASEWORK_ROLES,
    ERASURE_REQUEST_REASONS,
    Contract,
    ErasureReason,
    JobKind,
    Need,
    Outcome,
    ReferralStatus,
    Sex,
)
from mobility.errors import DomainError
from mobility.form_tokens import OneTimeForm
from mobility.models import Organisation, Referral, User
from mobility.rules import JobFacts, PersonFacts, monthly_resources_problem, referral_problems
from mobility.services import PersonData, ReferralData


class DateInput(forms.DateInput):
    """The browser's date picker (a calendar on phones); it always sends YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def add_domain_errors(form: forms.Form, error: DomainError, aliases=None) -> None:
    """Put a service's field errors on the matching form fields, the rest on the form."""
    aliases = aliases or {}
    for key, message in error.errors.items():
        name = aliases.get(key, key)
        form.add_error(name if name in form.fields else None, message)
    if not error.errors:
        form.add_error(None, error.message)


def referral_field(name: str, **overrides) -> forms.Field:
    """The form field of a Referral model field: its French label comes from the model."""
    return Referral._meta.get_field(name).formfield(**overrides)


def text(name: str, autocomplete: str = "off", **overrides) -> forms.Field:
    # The prescriber types someone else's details: the browser must not fill in its own.
    return referral_field(
        name, widget=forms.TextInput(attrs={"autocomplete": autocomplete}), **overrides
    )


class ReferralForm(forms.Form):
    """The fiche de liaison, grouped as on the paper form prescribers know."""

    prescriber = forms.ModelChoiceField(
        label=_("Structure prescriptrice"),
        queryset=Organisation.objects.none(),
        empty_label=_("— choisissez la structure —"),
    )
    referent_name = text("referent_name", autocomplete="name")
    referent_email = referral_field(
        "referent_email",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Les nouvelles de la fiche (acceptation, sortie...) y sont envoyées."),
    )
    referent_phone = referral_field(
        "referent_phone", widget=forms.TelInput(attrs={"autocomplete": "tel"})
    )
    received_on = referral_field(
        "received_on",
        widget=DateInput(),
        required=False,
        help_text=_("Pour une fiche reçue sur papier. Laissez vide : aujourd'hui."),
    )

    first_name = text("first_name")
    last_name = text("last_name")
    birth_date = referral_field("birth_date", widget=DateInput())
    sex = referral_field("sex", choices=Sex.choices, widget=forms.RadioSelect)
    phone = referral_field("phone", widget=forms.TelInput(attrs={"autocomplete": "off"}))
    email = referral_field("email", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    address = text("address")
    postal_code = referral_field(
        "postal_code",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    commune = text("commune")
    qpv = referral_field("qpv", help_text=_("Quartier prioritaire de la politique de la ville."))

    rsa = referral_field("rsa")
    ass = referral_field("ass", help_text=_("Allocation de solidarité spécifique."))
    aah = referral_field("aah", help_text=_("Allocation aux adultes handicapés."))
    rqth = referral_field("rqth")
    monthly_resources = referral_field(
        "monthly_resources",
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Par mois, en euros, toutes ressources comprises (salaire, RSA, allocations)."),
    )

    licence_held = referral_field("licence_held")
    licence_since = referral_field(
        "licence_since",
        widget=DateInput(),
        help_text=_("Seulement si le permis est obtenu ; une date approximative suffit."),
    )

    project = referral_field(
        "project",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Le métier ou la formation visés, en quelques mots."),
    )
    job_kind = referral_field(
        "job_kind", choices=JobKind.choices, widget=forms.RadioSelect, label=_("Situation visée")
    )
    contract = referral_field(
        "contract",
        choices=[("", _("— non précisé —")), *Contract.choices],
        help_text=_("Seulement pour un emploi ou une formation."),
    )
    job_start_date = referral_field(
        "job_start_date", widget=DateInput(), label=_("Date de début du contrat")
    )
    job_end_date = referral_field(
        "job_end_date",
        widget=DateInput(),
        label=_("Date de fin du contrat"),
        help_text=_(
            "Pour un CDD, une mission d'intérim, un contrat aidé ou une formation : "
            "la location d'une voiture demande un contrat de plus d'un mois."
        ),
    )
    employer = text("employer", autocomplete="organization")
    job_address = text("job_address")
    job_schedule = text(
        "job_schedule", help_text=_("Par exemple : du lundi au vendredi, 6 h - 13 h.")
    )
    home_work_km = referral_field(
        "home_work_km",
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Un aller, en kilomètres, par exemple 12,5."),
    )
    atypical_hours = referral_field("atypical_hours")

    needs = forms.MultipleChoiceField(
        label=_("Aides demandées"),
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Cochez tout ce qui pourrait aider ; la plateforme affinera au diagnostic."),
    )
    comment = referral_field(
        "comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce que la plateforme doit savoir : freins, disponibilités, urgence..."),
    )

    # (legend, fields, folded): a folded section holds details that help but are seldom
    # known at once; on a phone it stays closed unless it has a value or an error.
    FIELDSETS = (
        (
            _("Structure et référent·e"),
            ("prescriber", "referent_name", "referent_email", "referent_phone", "received_on"),
            False,
        ),
        (
            _("La personne"),
            (
                "first_name",
                "last_name",
                "birth_date",
                "sex",
                "phone",
                "email",
                "address",
                "postal_code",
                "commune",
                "qpv",
            ),
            False,
        ),
        (
            _("Situation sociale et ressources"),
            ("rsa", "ass", "aah", "rqth", "monthly_resources"),
            False,
        ),
        (_("Permis de conduire"), ("licence_held", "licence_since"), False),
        (_("Projet"), ("project", "job_kind"), False),
        (
            _("Contrat et employeur"),
            ("contract", "job_start_date", "job_end_date", "employer"),
            True,
        ),
        (
            _("Lieu, horaires et trajet"),
            ("job_address", "job_schedule", "home_work_km", "atypical_hours"),
            True,
        ),
        (_("Aides demandées"), ("needs",), False),
        (_("Commentaire"), ("comment",), False),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        prescribers = Organisation.objects.for_user(user).active().prescribers()
        self.fields["prescriber"].queryset = prescribers
        organisations = list(prescribers[:2])
        # Only one possible structure (the usual prescriber): chosen for them, shown as text.
        self.only_prescriber = organisations[0] if len(organisations) == 1 else None
        if self.only_prescriber:
            self.fields["prescriber"].initial = self.only_prescriber.pk
            self.fields["prescriber"].widget = forms.HiddenInput()
        # A paper fiche typed in by the platform keeps its date; a prescriber sends it today.
        self.types_paper_fiches = user.has_role(*CASEWORK_ROLES)
        if not self.types_paper_fiches:
            del self.fields["received_on"]
            self.fields["referent_name"].initial = user.get_full_name()
            self.fields["referent_email"].initial = user.email

    def fieldsets(self):
        """(legend, bound fields, open): a folded section opens when it holds something."""
        for legend, names, folded in self.FIELDSETS:
            bound = [self[name] for name in names if name in self.fields]
            filled = any(
                field.errors or field.value() not in (None, "", False, []) for field in bound
            )
            yield legend, bound, not folded or filled

    def clean(self):
        # The fiche's rules run on whatever parsed, even when a required field is empty:
        # on a phone, every problem of a submit shows at once, not in two rounds.
        cleaned = super().clean()
        today = timezone.localdate()
        problems = referral_problems(
            person=PersonFacts(
                birth_date=cleaned.get("birth_date"),
                licence_held=bool(cleaned.get("licence_held")),
                licence_since=cleaned.get("licence_since"),
                postal_code=cleaned.get("postal_code") or "",
            ),
            job=JobFacts(
                kind=cleaned.get("job_kind") or "",
                contract=cleaned.get("contract") or "",
                start_date=cleaned.get("job_start_date"),
                end_date=cleaned.get("job_end_date"),
            ),
            received_on=cleaned.get("received_on") or today,
            today=today,
        )
        resources_problem = monthly_resources_problem(cleaned.get("monthly_resources"))
        if resources_problem:
            problems["monthly_resources"] = resources_problem
        for name, message in problems.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def referral_data(self) -> ReferralData:
        data = self.cleaned_data
        person = PersonData(**{field.name: data[field.name] for field in fields(PersonData)})
        return ReferralData(
            person=person,
            **{
                field.name: data[field.name]
                for field in fields(ReferralData)
                if field.name != "person" and field.name in data
            },
        )


class ReferralFilterForm(forms.Form):
    """The inbox filters; an invalid filter is shown as an error and simply not applied."""

    q = forms.CharField(label=_("Nom ou prénom"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Statut"),
        choices=[("", _("Tous les statuts")), *ReferralStatus.choices],
        required=False,
    )
    prescriber = forms.ModelChoiceField(
        label=_("Structure prescriptrice"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Toutes les structures"),
    )
    received_from = forms.DateField(label=_("Reçue du"), required=False, widget=DateInput())
    received_to = forms.DateField(label=_("au"), required=False, widget=DateInput())
    # The "En retard" tab: pending fiches past their platform's delay to answer.
    late = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prescriber"].queryset = (
            Organisation.objects.for_user(user).prescribers().order_by("name")
        )

    def filter(self, referrals, *, with_status: bool = True, late_cutoffs=None):
        """`late_cutoffs` (platform id → day, see mobility.referral_delays): the "late"
        filter keeps the pending fiches waiting since that day or earlier."""
        self.is_valid()  # fills cleaned_data with the valid filters only
        data = self.cleaned_data
        if data.get("q"):
            referrals = referrals.search(data["q"])
        if data.get("prescriber"):
            referrals = referrals.filter(prescriber=data["prescriber"])
        referrals = referrals.received_between(data.get("received_from"), data.get("received_to"))
        if with_status and data.get("status"):
            referrals = referrals.filter(status=data["status"])
        if with_status and data.get("late") and late_cutoffs is not None:
            referrals = referrals.waiting_since_on_or_before(late_cutoffs)
        return referrals


class BeneficiaryFilterForm(forms.Form):
    PATHWAY_CHOICES = (
        ("", _("Tous")),
        ("open", _("Parcours en cours")),
        ("none", _("Sans parcours en cours")),
    )

    q = forms.CharField(label=_("Nom ou prénom"), required=False, max_length=100)
    pathway = forms.ChoiceField(label=_("Parcours"), choices=PATHWAY_CHOICES, required=False)

    def filter(self, beneficiaries):
        self.is_valid()
        data = self.cleaned_data
        if data.get("q"):
            beneficiaries = beneficiaries.search(data["q"])
        if data.get("pathway") == "open":
            beneficiaries = beneficiaries.filter(open_pathway_opened_on__isnull=False)
        elif data.get("pathway") == "none":
            beneficiaries = beneficiaries.filter(open_pathway_opened_on__isnull=True)
        return beneficiaries


class AcceptForm(forms.Form):
    """When the platform may already follow the person, the adviser says who it is; a
    decision typed in later keeps its own date (the pathway opens that day)."""

    NEW = "new"

    person = forms.ChoiceField(
        label=_("Qui est cette personne ?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Indiquez s'il s'agit d'une personne déjà suivie.")},
    )
    opened_on = forms.DateField(
        label=_("Date de la décision"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Le parcours s'ouvre ce jour-là : entre la réception de la fiche et aujourd'hui. "
            "Laissez vide : aujourd'hui."
        ),
    )

    def __init__(self, *args, candidates, received_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        if candidates:
            self.fields["person"].choices = [
                *((str(candidate.pk), str(candidate)) for candidate in candidates),
                (self.NEW, _("C'est une autre personne")),
            ]
        else:
            del self.fields["person"]
        today = timezone.localdate()
        if received_on is None or received_on >= today:
            del self.fields["opened_on"]  # received today: the decision is today's
        else:
            widget = self.fields["opened_on"].widget
            widget.attrs.update(min=received_on.isoformat(), max=today.isoformat())

    def choice(self) -> dict:
        """Keyword arguments for services.referral_accept."""
        chosen = {}
        if self.cleaned_data.get("opened_on"):
            chosen["opened_on"] = self.cleaned_data["opened_on"]
        value = self.cleaned_data.get("person")
        if value == self.NEW:
            chosen["new_beneficiary"] = True
        elif value:
            by_pk = {str(candidate.pk): candidate for candidate in self.candidates}
            chosen["beneficiary"] = by_pk[value]
        return chosen


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Il est transmis au ou à la référent·e : restez factuel·le."),
        error_messages={"required": _("Indiquez le motif du refus.")},
    )


class PathwayCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Date de sortie"), widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("Situation à la sortie"), choices=[("", "—"), *Outcome.choices]
    )
    durable_solution = forms.TypedChoiceField(
        label=_("Solution de mobilité durable trouvée"),
        choices=(("yes", _("Oui")), ("no", _("Non"))),
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    # The service names the date "date"; the form calls it closed_on.
    ERROR_ALIASES = {"date": "closed_on"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()


class ApiTokenForm(OneTimeForm):
    """A new API token for oneself: a label to recognise it, and how long it works."""

    label = forms.CharField(
        label=_("Libellé"),
        max_length=100,
        help_text=_("Le logiciel ou l'appareil qui l'utilisera, par exemple « Tablette flotte »."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    days = forms.IntegerField(
        label=_("Durée de validité (jours)"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        maximum = settings.API_TOKEN_LIFETIME_DAYS
        self.fields["days"].initial = maximum
        self.fields["days"].help_text = _("%(max)s jours au plus.") % {"max": maximum}


class ErasureRequestForm(forms.Form):
    """An administrator erases one person's data now. The reason is a code: the audit
    row that keeps it must not itself name the person."""

    reason = forms.ChoiceField(
        label=_("Motif de l'effacement"),
        choices=[
            ("", "—"),
            *[
                (value, label)
                for value, label in ErasureReason.choices
                if value in ERASURE_REQUEST_REASONS
            ],
        ],
    )
    confirm = forms.BooleanField(
        label=_("Je confirme l'effacement définitif"),
        help_text=_("Il ne peut pas être annulé : rien de ce qui est effacé ne se retrouve."),
        error_messages={"required": _("Cochez la case pour confirmer l'effacement.")},
    )


class SignatureWidget(forms.Widget):
    """A canvas to sign with a finger or a stylus; the drawing travels as a PNG data URL in
    a hidden input (templates/mobility/_signature_field.html)."""

    template_name = "mobility/_signature_field.html"

    def format_value(self, value):
        return value if isinstance(value, str) else ""

    def render(self, name, value, attrs=None, renderer=None):
        # The template lives with the project's templates (templates/mobility/), which the
        # default form renderer does not search: the project's template engine renders it.
        from django.template.loader import render_to_string
        from django.utils.safestring import mark_safe

        context = self.get_context(name, value, attrs)
        return mark_safe(render_to_string(self.template_name, context))


class SignatureField(forms.CharField):
    """A drawn signature: cleaned into the PNG bytes (mobility.signatures.decode_signature),
    with the French reason when the drawing is refused."""

    widget = SignatureWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return b""
        from mobility.signatures import SignatureRefused, decode_signature

        try:
            return decode_signature(value)
        except SignatureRefused as error:
            raise forms.ValidationError(error.message, code="signature") from None

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(
                _("Signez dans le cadre avant d'enregistrer."), code="required"
            )
