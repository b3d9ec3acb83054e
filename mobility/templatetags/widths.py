"""Bar widths without inline styles: the Content-Security-Policy allows no `style`
attribute, so a bar takes one of the classes of static/css/widths.css (0 to 100 %)."""

from __future__ import annotations

import math

from django import template

register = template.Library()


@register.filter
def pct(value) -> int:
    """A number read as a percentage, as an integer from 0 to 100 (rounded down, so a
    bar never shows a threshold as reached when it is not)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0
    if math.isnan(number):
        return 0
    return max(0, min(100, math.floor(number)))
