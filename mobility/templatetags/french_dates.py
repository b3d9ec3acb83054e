"""French dates everywhere: the first of the month is written "1er" ("lundi 1er décembre").

This library is a template builtin (settings.TEMPLATES), so its `date` filter replaces
Django's in every template, the admin's and the PDFs' included: no template can forget it.
"""

import re

from django import template
from django.template.defaultfilters import date as django_date
from django.utils import formats

register = template.Library()

# An unescaped "j" (day of the month without a leading zero) in a Django date format.
DAY_OF_MONTH = re.compile(r"(?<!\\)j")


def french_format(format_string: str, day: int) -> str:
    """The format with "1er" for the first of the month (escaped "er": literal letters)."""
    if day != 1:
        return format_string
    return DAY_OF_MONTH.sub(r"j\\e\\r", format_string)


def format_date(value, format_string: str) -> str:
    """A date (or an aware moment already in local time) in French, for Python code: the
    same "1er" as the templates'."""
    return formats.date_format(value, french_format(format_string, value.day))


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    day = getattr(value, "day", None)
    if arg and day is not None:
        arg = french_format(arg, day)
    return django_date(value, arg)
