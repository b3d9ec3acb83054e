"""Display helpers of the auto-école sociale pages (no rule here)."""

from __future__ import annotations

import math
from decimal import Decimal

from django import template
from django.utils import formats

from drivingschool import assiduity, selectors
from drivingschool.enums import SCHOOL_ROLES
from drivingschool.models import Enrolment

register = template.Library()


@register.filter
def percent(rate) -> str:
    """A rate from 0 to 1 as a whole percentage, rounded down ("79 %" never reads "80 %")."""
    if rate is None or rate == "":
        return "—"
    return f"{math.floor(rate * 100)} %"


@register.filter
def percent_value(rate) -> int:
    """For widths: 0 to 100."""
    if rate is None or rate == "":
        return 0
    return max(0, min(100, math.floor(rate * 100)))


@register.filter
def duration(minutes) -> str:
    """120 → "2 h", 90 → "1 h 30", 45 → "45 min"."""
    if minutes is None:
        return "—"
    return assiduity.duration_label(minutes)


@register.filter
def hours(value) -> str:
    """Decimal hours as people write them: 17.50 → "17,5 h"."""
    if value is None:
        return "—"
    value = Decimal(value)
    value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return f"{formats.localize(value)} h"


@register.inclusion_tag("drivingschool/_beneficiary_enrolments_panel.html", takes_context=True)
def beneficiary_enrolments(context, beneficiary):
    """The person's enrolments for the beneficiary file: four queries, whatever their number."""
    user = context["request"].user
    if beneficiary.platform_id not in user.platform_ids(SCHOOL_ROLES):
        return {"shown": False}
    enrolments = list(
        Enrolment.objects.for_user(user)
        .filter(pathway__beneficiary=beneficiary)
        .select_related("programme")
        .order_by("-start_date", "-pk")
    )
    states = selectors.states_for(enrolments)
    open_pathway = beneficiary.pathways.filter(status="open").values_list("pk", flat=True).first()
    has_active = any(not e.is_excluded for e in enrolments)
    return {
        "shown": True,
        "rows": [(enrolment, states[enrolment.pk]) for enrolment in enrolments],
        "enrol_pathway": open_pathway if not has_active else None,
    }


@register.filter
def signed_points(difference) -> str:
    """A difference of two rates (0 to 1) in percentage points: "+4 pts", "−12 pts".

    Rounded towards zero, as `percent` rounds down: a gap never reads larger than it is.
    """
    if difference is None:
        return "—"
    points = math.trunc(difference * 100)
    if points > 0:
        return f"+{points} pts"
    if points < 0:
        return f"−{-points} pts"
    return "0 pt"
