"""Who may read which report, and the checks of a report request, for the page and the API.

Decisions (README "Rapports aux financeurs"):

- A platform administrator and the mobility advisers read their own platform's reports
  (advisers write the activity reports with their administrator; they already see the
  people in detail, so the aggregates cost no privacy).
- A funder user reads the reports of the platform(s) where they hold the funder role,
  addressed to their own organisation: they may not ask for the report addressed to
  another funder (its share of the budget is not theirs to see). They choose the period
  but no filter on the people (mobility.reports.rules.refused_to_funders says why): 403.
- The period is bounded (mobility.reports.rules.period_errors): 422, as for any bad date.
- Prescribers, fleet staff and instructors have no access (403).
- A platform that does not exist or is not the caller's is a 404, as docs/api.md says.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from mobility.enums import OrganisationKind, Role
from mobility.errors import Forbidden, InvalidInput, NotFound
from mobility.models import Organisation, Platform, User
from mobility.reports import rules
from mobility.reports.queries import Scope

REPORT_ROLES = frozenset({Role.ADMIN, Role.ADVISER, Role.FUNDER})
STAFF_REPORT_ROLES = frozenset({Role.ADMIN, Role.ADVISER})
POSTAL_CODE_PREFIX = re.compile(r"^[0-9]{2,5}$")
FORBIDDEN_MESSAGE = (
    "Les rapports d'activité sont réservés aux administrateur·rices, aux conseiller·ères "
    "et aux financeurs de la plateforme."
)
PLATFORM_NOT_FOUND = "Plateforme introuvable : elle n'existe pas ou ne vous est pas accessible."
FUNDER_FILTERS_MESSAGE = (
    "Un compte financeur consulte le rapport de toute l'action de la plateforme, que son "
    "financement couvre : il ne peut pas le restreindre à une structure prescriptrice, à "
    "un territoire ou aux habitants des QPV. Retirez ces filtres."
)
FUNDER_FILTER_REFUSED = "Filtre non ouvert aux comptes financeurs."


def _invalid_message(errors: dict[str, str]) -> str:
    """One sentence a person can act on, naming each field in error."""
    details = " ; ".join(f"{field} : {message}" for field, message in errors.items())
    return f"La demande de rapport n'est pas valide ({details})."


def can_read_reports(user: User) -> bool:
    return user.is_authenticated and user.has_role(*REPORT_ROLES)


def report_platform_ids(user: User) -> set[int]:
    return user.platform_ids(REPORT_ROLES)


def own_funder_ids(user: User, platform_id: int) -> set[int]:
    return {
        m.organisation_id
        for m in user.active_memberships()
        if m.role == Role.FUNDER and m.platform_id == platform_id
    }


def is_funder_only(user: User, platform_id: int) -> bool:
    """A funder of this platform without a staff role on it: sees its own report only."""
    return platform_id not in user.platform_ids(STAFF_REPORT_ROLES)


@dataclass(frozen=True)
class ReportRequest:
    """What a page's form or the API's query string asks for, already typed."""

    start: date | None
    end: date | None
    platform: int | None = None
    funder: int | None = None
    prescriber: int | None = None
    postal_code: str = ""
    commune: str = ""
    qpv: bool = False


def resolve(user: User, request: ReportRequest, *, today: date | None = None) -> Scope:
    """Check the request against the user's rights and the data; return the Scope.

    Raises Forbidden (403: role), NotFound (404: platform) or InvalidInput (422: the rest),
    each with a French sentence a person can act on.
    """
    if not can_read_reports(user):
        raise Forbidden(FORBIDDEN_MESSAGE)
    today = today or timezone.localdate()
    errors = {}
    if request.start is None:
        errors["start"] = "Indiquez le début de la période (AAAA-MM-JJ)."
    if request.end is None:
        errors["end"] = "Indiquez la fin de la période (AAAA-MM-JJ)."
    if not errors:
        # Bounded before anything computes with them (end + 1 day overflows on 9999-12-31).
        errors.update(rules.period_errors(request.start, request.end, today=today))
    postal_code = (request.postal_code or "").strip()
    if postal_code and not POSTAL_CODE_PREFIX.match(postal_code):
        errors["postal_code"] = (
            "Le territoire s'indique par le début du code postal : 2 à 5 chiffres "
            "(08 pour le département, 08200 pour une commune)."
        )
    commune = (request.commune or "").strip()
    if len(commune) > 100:
        errors["commune"] = "Nom de commune trop long."
    elif any(unicodedata.category(character).startswith("C") for character in commune):
        errors["commune"] = "Le nom de commune contient des caractères invalides."
    if errors:
        raise InvalidInput(_invalid_message(errors), errors=errors)

    allowed = report_platform_ids(user)
    if request.platform is None:
        if len(allowed) != 1:
            raise InvalidInput(
                "Vous avez accès à plusieurs plateformes : précisez laquelle (platform).",
                errors={"platform": "Précisez la plateforme."},
            )
        platform_id = next(iter(allowed))
    else:
        platform_id = request.platform
    if (
        platform_id not in allowed
        or not Platform.objects.filter(pk=platform_id, is_active=True).exists()
    ):
        raise NotFound(PLATFORM_NOT_FOUND)

    funder_id = request.funder
    funder_only = is_funder_only(user, platform_id)
    people = rules.PeopleFilters(
        prescriber_id=request.prescriber,
        postal_code=postal_code,
        commune=commune,
        qpv_only=bool(request.qpv),
    )
    if funder_only:
        own = own_funder_ids(user, platform_id)
        if funder_id is None and len(own) == 1:
            funder_id = next(iter(own))
        elif funder_id is not None and funder_id not in own:
            raise Forbidden("Vous ne pouvez consulter que le rapport adressé à votre organisation.")
        refused = rules.refused_to_funders(people)
        if refused:
            raise Forbidden(
                FUNDER_FILTERS_MESSAGE, errors=dict.fromkeys(refused, FUNDER_FILTER_REFUSED)
            )
    wanted = {
        pk: kind
        for pk, kind in (
            (funder_id, OrganisationKind.FUNDER),
            (request.prescriber, OrganisationKind.PRESCRIBER),
        )
        if pk
    }
    if wanted:
        found = dict(
            Organisation.objects.filter(pk__in=wanted, platform_id=platform_id).values_list(
                "pk", "kind"
            )
        )
        if funder_id and found.get(funder_id) != OrganisationKind.FUNDER:
            errors["funder"] = "Ce financeur n'est pas un financeur de la plateforme."
        if request.prescriber and found.get(request.prescriber) != OrganisationKind.PRESCRIBER:
            errors["prescriber"] = (
                "Cette structure n'est pas une structure prescriptrice de la plateforme."
            )
        if errors:
            raise InvalidInput(_invalid_message(errors), errors=errors)
    return Scope(
        start=request.start,
        end=request.end,
        platform_ids=(platform_id,),
        today=today,
        funder_id=funder_id,
        prescriber_id=people.prescriber_id,
        postal_code=people.postal_code,
        commune=people.commune,
        qpv_only=people.qpv_only,
    )
