"""The report page's form: period, platform, addressee and filters (choices from the user)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from mobility.enums import OrganisationKind
from mobility.forms import DateInput
from mobility.models import Organisation, Platform, User
from mobility.reports import access

PEOPLE_FIELDS = ("prescriber", "postal_code", "commune", "qpv")


def default_period(today: date) -> tuple[date, date]:
    """The calendar year so far: what a funder's annual review asks first."""
    return date(today.year, 1, 1), today


class ReportForm(forms.Form):
    start = forms.DateField(label=_("Du"), widget=DateInput())
    end = forms.DateField(label=_("Au"), widget=DateInput())
    platform = forms.ModelChoiceField(
        label=_("Plateforme"), queryset=Platform.objects.none(), required=False, empty_label=None
    )
    funder = forms.ModelChoiceField(
        label=_("Financeur destinataire"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— aucun en particulier —"),
    )
    prescriber = forms.ModelChoiceField(
        label=_("Personnes orientées par"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— toutes les structures —"),
    )
    postal_code = forms.CharField(
        label=_("Code postal commençant par"),
        required=False,
        max_length=5,
        help_text=_("08 pour le département, 08200 pour une commune."),
    )
    commune = forms.CharField(label=_("Commune"), required=False, max_length=100)
    qpv = forms.BooleanField(label=_("Habitants des QPV seulement"), required=False)

    def __init__(self, data, *, user: User, today: date):
        start, end = default_period(today)
        data = data.copy()
        data.setdefault("start", start.isoformat())
        data.setdefault("end", end.isoformat())
        super().__init__(data)
        self.user = user
        platform_ids = access.report_platform_ids(user)
        platforms = Platform.objects.filter(pk__in=platform_ids, is_active=True).order_by("name")
        self.fields["platform"].queryset = platforms
        chosen = data.get("platform")
        platform_id = int(chosen) if chosen and str(chosen).isdigit() else None
        if platform_id not in platform_ids:
            platform_id = min(platform_ids) if platform_ids else None
        self.platform_id = platform_id
        if len(platform_ids) <= 1:
            self.fields["platform"].widget = forms.HiddenInput()
        organisations = Organisation.objects.filter(platform_id=platform_id).active()
        funders = organisations.filter(kind=OrganisationKind.FUNDER).order_by("name")
        self.funder_only = bool(platform_id and access.is_funder_only(user, platform_id))
        if self.funder_only:
            funders = funders.filter(pk__in=access.own_funder_ids(user, platform_id))
            self.fields["funder"].empty_label = None
            # A funder reads the whole action its funding covers (rules.refused_to_funders):
            # the filters on the people are not offered, and ignored if typed in the URL.
            for name in PEOPLE_FIELDS:
                del self.fields[name]
        self.fields["funder"].queryset = funders
        if "prescriber" in self.fields:
            self.fields["prescriber"].queryset = organisations.filter(
                kind=OrganisationKind.PRESCRIBER
            ).order_by("name")

    @property
    def people_fields(self) -> list:
        return [self[name] for name in PEOPLE_FIELDS if name in self.fields]

    def query(self) -> dict[str, str]:
        """The request's parameters this form knows, for the download links."""
        return {
            name: value
            for name, value in self.data.items()
            if name in self.fields and value not in ("", None)
        }

    def report_request(self) -> access.ReportRequest:
        data = self.cleaned_data
        return access.ReportRequest(
            start=data["start"],
            end=data["end"],
            platform=data["platform"].pk if data.get("platform") else self.platform_id,
            funder=data["funder"].pk if data.get("funder") else None,
            prescriber=data["prescriber"].pk if data.get("prescriber") else None,
            postal_code=data.get("postal_code", ""),
            commune=data.get("commune", ""),
            qpv=data.get("qpv", False),
        )
