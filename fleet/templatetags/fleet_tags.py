from django import template
from django.utils.translation import gettext as _

from fleet import tariffs

register = template.Library()


@register.filter
def euros(value) -> str:
    """17.5 → « 17,50 € »."""
    if value in (None, ""):
        return "—"
    return tariffs.euros(value)


@register.filter
def balance(value) -> str:
    """A balance due as a person reads it: « 12,50 € », or « 5,00 € d'avance » when the
    person paid ahead (a negative balance would read as a debt)."""
    if value in (None, ""):
        return "—"
    if value < 0:
        return _("%(amount)s d'avance") % {"amount": tariffs.euros(-value)}
    return tariffs.euros(value)


@register.simple_tag
def beneficiary_rentals(user, beneficiary):
    """The person's rentals with their balances (for the beneficiary file)."""
    from fleet.views import beneficiary_rentals as rentals

    return rentals(user, beneficiary)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, [])


@register.filter
def condition_label(pair) -> str:
    """("tyres", "worn") → « pneus : usé »."""
    from fleet.enums import Condition, ConditionItem

    item, value = pair
    items, values = dict(ConditionItem.choices), dict(Condition.choices)
    return f"{items.get(item, item)} : {values.get(value, value)}"


@register.simple_tag
def referral_eligibility(referral):
    """For the fiche de liaison's page: per vehicle kind, what the person lacks to rent
    one, read on the fiche (fleet.services.referral_eligibility)."""
    from django.utils import timezone

    from fleet import services
    from fleet.enums import VehicleKind

    return [
        {
            "kind": kind,
            "label": str(VehicleKind(kind).label).capitalize(),
            "missing": [condition.message for condition in missing],
        }
        for kind, missing in services.referral_eligibility(referral, today=timezone.localdate())
    ]


@register.filter
def condition_value(value) -> str:
    """ "worn" → « usé » ("" stays empty)."""
    from fleet.enums import Condition

    return dict(Condition.choices).get(value, value) if value else ""


@register.simple_tag
def photo_caption(photo, condition) -> dict:
    """What a thumbnail shows, said with the condition noted at its step: « Pneus : usé »
    (its `state` colours it), or « Vue d'ensemble »."""
    from fleet.enums import Condition, ConditionItem

    if not photo.item:
        return {"short": _("Vue d'ensemble"), "text": _("Photo du véhicule"), "state": ""}
    label = str(dict(ConditionItem.choices).get(photo.item, photo.item)).capitalize()
    value = (condition or {}).get(photo.item, "")
    short = f"{label} : {dict(Condition.choices).get(value, value)}" if value else label
    state = value if value in (Condition.WORN, Condition.DAMAGED) else ""
    return {"short": short, "text": _("Photo — %(what)s") % {"what": short}, "state": state}
