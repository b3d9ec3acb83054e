from django import template

from fleet import tariffs

register = template.Library()


@register.filter
def euros(value) -> str:
    """17.5 → « 17,50 € »."""
    if value in (None, ""):
        return "—"
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
