"""Forms of the auto-école sociale pages: they parse and label; the services decide."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drivingschool.assiduity import LESSON_MAX_MINUTES, lesson_problems
from drivingschool.enums import SCHOOL_ROLES, AttendanceStatus, ExamKind, LessonKind
from drivingschool.models import Enrolment
from drivingschool.services import AttendanceRow, ProgrammeData
from mobility.enums import OrganisationKind, PathwayStatus, Role
from mobility.form_tokens import OneTimeForm
from mobility.forms import DateInput
from mobility.models import Organisation, Pathway, User
from mobility.sheet_forms import SignedSheetFormMixin, line_key


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def _hours_field(label, **options):
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        **options,
    )


class PathwayChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, pathway):
        return _("%(person)s — parcours n° %(pk)s ouvert le %(date)s") % {
            "person": pathway.beneficiary.full_name,
            "pk": pathway.pk,
            "date": pathway.opened_on.strftime("%d/%m/%Y"),
        }


class EnrolmentForm(forms.Form):
    pathway = PathwayChoiceField(label=_("Personne (parcours en cours)"), queryset=None)
    start_date = forms.DateField(label=_("Début de la formation"), widget=DateInput())
    theory_hours = _hours_field(
        _("Heures de code"),
        required=False,
        help_text=_("Laissez vide pour reprendre les heures suggérées par le diagnostic."),
    )
    driving_hours = _hours_field(
        _("Heures de conduite"),
        required=False,
        help_text=_("Laissez vide pour reprendre les heures suggérées par le diagnostic."),
    )
    pre_training_hours = _hours_field(
        _("Heures de pré-formation à suivre d'abord"),
        required=False,
        help_text=_(
            "Groupe 2 : le stage (17,5 h par défaut) se termine avant que la tranche 1 "
            "(code) se débloque. Laissez vide pour reprendre la suggestion du diagnostic."
        ),
    )
    hourly_rate = forms.DecimalField(
        label=_("Tarif horaire (EUR)"),
        min_value=Decimal("0"),
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    theory_funder = forms.ModelChoiceField(
        label=_("Financeur de la tranche 1 (code)"), queryset=None, required=False
    )
    practical_funder = forms.ModelChoiceField(
        label=_("Financeur de la tranche 2 (conduite)"), queryset=None, required=False
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        platforms = user.platform_ids(SCHOOL_ROLES)
        self.fields["pathway"].queryset = (
            Pathway.objects.for_user(user)
            .filter(platform_id__in=platforms, status=PathwayStatus.OPEN)
            .exclude(driving_enrolments__in=Enrolment.objects.active())
            .select_related("beneficiary")
            .order_by("beneficiary__last_name", "beneficiary__first_name", "pk")
        )
        funders = Organisation.objects.filter(
            platform_id__in=platforms, kind=OrganisationKind.FUNDER
        ).active()
        self.fields["theory_funder"].queryset = funders
        self.fields["practical_funder"].queryset = funders


class LessonForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type de séance"), choices=LessonKind.choices, widget=forms.RadioSelect
    )
    day = forms.DateField(label=_("Jour"), widget=DateInput())
    time = forms.TimeField(label=_("Heure de début"), widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"),
        min_value=1,
        max_value=LESSON_MAX_MINUTES,
        initial=60,
        widget=forms.NumberInput(attrs={"step": "15", "inputmode": "numeric"}),
    )
    instructor = forms.ModelChoiceField(label=_("Moniteur·rice"), queryset=None, required=False)
    enrolments = forms.ModelMultipleChoiceField(
        label=_("Participant·es"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Une personne pour une leçon de conduite, plusieurs pour un groupe."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        platforms = user.platform_ids(SCHOOL_ROLES)
        self.fields["instructor"].queryset = (
            User.objects.filter(
                memberships__platform_id__in=platforms,
                memberships__role=Role.INSTRUCTOR,
                is_active=True,
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["instructor"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["enrolments"].queryset = (
            Enrolment.objects.for_user(user)
            .active()
            .select_related("pathway__beneficiary")
            .order_by("pathway__beneficiary__last_name", "pathway__beneficiary__first_name")
        )
        self.fields["enrolments"].label_from_instance = lambda e: e.beneficiary.full_name

    def clean(self):
        """The scheduling window of lesson_schedule, said on the day field first."""
        cleaned_data = super().clean()
        if cleaned_data.get("day") and cleaned_data.get("time"):
            problems = lesson_problems(
                start=datetime.combine(cleaned_data["day"], cleaned_data["time"]),
                duration_minutes=cleaned_data.get("duration_minutes") or 1,
                today=timezone.localdate(),
            )
            if "start" in problems:
                self.add_error("day", problems["start"])
        return cleaned_data

    def start(self) -> datetime:
        return timezone.make_aware(
            datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"])
        )


class AttendanceSheetForm(SignedSheetFormMixin, OneTimeForm):
    """One row per person booked: status (big buttons), late minutes, reason, and the
    person's signature; the closing signature of the instructor."""

    def __init__(self, *args, enrolments, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = list(enrolments)
        self.add_signature_fields(enrolment.pk for enrolment in self.enrolments)
        for enrolment in self.enrolments:
            attendance = current.get(enrolment.pk)
            key = enrolment.pk
            self.fields[f"status_{key}"] = forms.ChoiceField(
                label=enrolment.beneficiary.full_name,
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=attendance.status if attendance else None,
            )
            self.fields[f"late_minutes_{key}"] = forms.IntegerField(
                label=_("Minutes de retard"),
                min_value=1,
                max_value=600,
                required=False,
                initial=attendance.late_minutes if attendance else None,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "5"}),
            )
            self.fields[f"reason_{key}"] = forms.CharField(
                label=_("Motif de l'absence"),
                max_length=2000,
                required=False,
                initial=attendance.reason if attendance else "",
            )

    def rows_for_display(self):
        for enrolment in self.enrolments:
            key = enrolment.pk
            yield {
                "enrolment": enrolment,
                "person": enrolment.pathway.beneficiary.full_name,
                "status": self[f"status_{key}"],
                "late_minutes": self[f"late_minutes_{key}"],
                "reason": self[f"reason_{key}"],
                "signature": self[f"signature_{key}"],
                "key": line_key(key),
            }

    def rows(self) -> list[AttendanceRow]:
        """The rows ticked; a person left blank stays unrecorded."""
        rows = []
        for enrolment in self.enrolments:
            key = enrolment.pk
            status = self.cleaned_data.get(f"status_{key}")
            if not status:
                continue
            rows.append(
                AttendanceRow(
                    enrolment_id=key,
                    status=status,
                    late_minutes=self.cleaned_data.get(f"late_minutes_{key}")
                    if status == AttendanceStatus.LATE
                    else None,
                    reason=self.cleaned_data.get(f"reason_{key}") or "",
                )
            )
        return rows

    def add_service_errors(self, errors: dict[str, str]) -> None:
        """Service errors are keyed "<enrolment id>.<field>": put them on the row's field."""
        for key, message in errors.items():
            enrolment_id, _dot, field = key.partition(".")
            name = {"late_minutes": "late_minutes", "reason": "reason"}.get(field, "status")
            target = f"{name}_{enrolment_id}"
            self.add_error(target if target in self.fields else None, message)


class ExamForm(OneTimeForm):
    kind = forms.ChoiceField(label=_("Examen"), choices=ExamKind.choices, widget=forms.RadioSelect)
    date = forms.DateField(label=_("Date de l'examen"), widget=DateInput())
    passed = forms.TypedChoiceField(
        label=_("Résultat"),
        choices=[("1", _("réussi")), ("0", _("non réussi"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )


class AgreementForm(forms.Form):
    signed_on = forms.DateField(label=_("Signé le"), widget=DateInput())


class ExcludeForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'exclusion"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Il est conservé avec votre nom et l'heure de la décision."),
    )


class ReleaseForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Motif du déblocage forcé"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Réservé aux administrateur·rices : accord écrit du financeur, etc."),
    )


class PaidForm(OneTimeForm):
    paid_on = forms.DateField(label=_("Versée le"), widget=DateInput())


def _rate_field(label, **options):
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=Decimal("1"),
        max_digits=4,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        **options,
    )


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Nom du programme"), max_length=200)
    hourly_rate = forms.DecimalField(
        label=_("Tarif horaire (EUR)"), min_value=Decimal("0"), max_digits=6, decimal_places=2
    )
    exclusion_threshold = forms.IntegerField(
        label=_("Absences injustifiées avant de proposer l'exclusion"), min_value=1, max_value=50
    )
    attendance_threshold = _rate_field(
        _("Assiduité minimale pour la tranche 2 (de 0 à 1)"),
        help_text=_("0,80 pour 80 %."),
    )
    excused_count_as_held = forms.BooleanField(
        label=_("Une absence justifiée fait baisser le taux d'assiduité"), required=False
    )
    theory_departmental_pass_rate = _rate_field(
        _("Taux de réussite départemental au code (de 0 à 1)"), required=False
    )
    driving_departmental_pass_rate = _rate_field(
        _("Taux de réussite départemental à la conduite (de 0 à 1)"), required=False
    )

    def data_for_service(self) -> ProgrammeData:
        return ProgrammeData(**self.cleaned_data)
