"""The beneficiary file's history in plain French, read from django-simple-history.

"22 nov. 2026 à 10:04 — Camille Martin a modifié la fiche : Commune : Sedan → Charleville".
The queries are bounded: one per historised model, one per kind of related object shown,
whatever the number of history rows (previous records are paired in Python, not fetched
one by one with `prev_record`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mobility.enums import Need
from mobility.models import Beneficiary, Pathway, Referral, User
from mobility.templatetags.french_dates import format_date

EMPTY = "—"
# Technical columns that tell a reader nothing (the tenant never changes).
HIDDEN_FIELDS = frozenset({"id", "platform", "identity_key"})


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    when: datetime.datetime
    who: str
    action: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Source:
    """One historised model shown in the file, and how its rows are named."""

    model: type[models.Model]
    records: models.QuerySet
    what: str  # e.g. "le parcours n° %(pk)s"
    created: str  # e.g. "a ouvert %(what)s"


def beneficiary_history(beneficiary: Beneficiary) -> list[Entry]:
    """Everything that happened to the person's file, its pathways and referrals, newest first."""
    sources = [
        Source(
            Beneficiary,
            Beneficiary.history.filter(id=beneficiary.pk),
            gettext_lazy("la fiche"),
            gettext_lazy("a créé %(what)s"),
        ),
        Source(
            Pathway,
            Pathway.history.filter(id__in=Pathway.objects.filter(beneficiary=beneficiary)),
            gettext_lazy("le parcours n° %(pk)s"),
            gettext_lazy("a ouvert %(what)s"),
        ),
        Source(
            Referral,
            Referral.history.filter(id__in=Referral.objects.filter(beneficiary=beneficiary)),
            gettext_lazy("la fiche de liaison n° %(pk)s"),
            gettext_lazy("a créé %(what)s"),
        ),
    ]
    raw = [item for source in sources for item in _deltas(source)]
    related = _related_objects(raw)
    entries = [
        Entry(
            when=record.history_date,
            who=_author(record.history_user),
            action=action,
            changes=tuple(
                Change(
                    label=_label(model, name),
                    old=_show(model, name, old, related),
                    new=_show(model, name, new, related),
                )
                for name, old, new in changes
            ),
        )
        for model, record, action, changes in raw
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def _deltas(source: Source):
    """(model, record, action, [(field, old, new)]) per history row, in one query."""
    records = source.records.select_related("history_user").order_by(
        "id", "history_date", "history_id"
    )
    previous_by_object = {}
    for record in records:
        previous = previous_by_object.get(record.id)
        previous_by_object[record.id] = record
        what = source.what % {"pk": record.id}
        if record.history_type == "+" or previous is None:
            yield source.model, record, source.created % {"what": what}, []
        elif record.history_type == "-":
            yield source.model, record, _("a supprimé %(what)s") % {"what": what}, []
        else:
            delta = record.diff_against(previous, excluded_fields=HIDDEN_FIELDS)
            # In the order of the form, not the alphabetical order of diff_against.
            delta.changes.sort(key=lambda change: _field_order(source.model)[change.field])
            changes = [(change.field, change.old, change.new) for change in delta.changes]
            if changes:  # a save that changed nothing tells nothing
                yield source.model, record, _("a modifié %(what)s") % {"what": what}, changes


def _related_objects(raw) -> dict[type[models.Model], dict[int, models.Model]]:
    """The objects the changed foreign keys point to, one query per related model."""
    wanted = defaultdict(set)
    for model, _record, _action, changes in raw:
        for name, old, new in changes:
            field = model._meta.get_field(name)
            if field.is_relation:
                wanted[field.related_model].update(pk for pk in (old, new) if pk is not None)
    found = {}
    for related_model, pks in wanted.items():
        queryset = related_model._default_manager.all()
        if related_model is Pathway:  # its name shows the beneficiary
            queryset = queryset.select_related("beneficiary")
        found[related_model] = queryset.in_bulk(pks)
    return found


def _field_order(model: type[models.Model]) -> dict[str, int]:
    return {field.name: index for index, field in enumerate(model._meta.fields)}


def _label(model: type[models.Model], name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _author(user: User | None) -> str:
    if user is None:
        return _("Traitement automatique")
    return user.get_full_name() or user.username


def _show(model, name: str, value, related) -> str:
    """A field value as a person reads it: labels of choices, French dates and numbers."""
    field = model._meta.get_field(name)
    if value is None or value == "" or value == []:
        return EMPTY
    if field.is_relation:
        target = related.get(field.related_model, {}).get(value)
        if target is None:
            return _("n° %(pk)s (supprimé)") % {"pk": value}
        if isinstance(target, User):
            return _author(target)
        return str(target)
    if name == "needs":
        labels = dict(Need.choices)
        return ", ".join(str(labels.get(need, need)) for need in value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime.datetime):
        return format_date(timezone.localtime(value), "j N Y à H:i")
    if isinstance(value, datetime.date | Decimal | int | float):
        return formats.localize(value)
    return str(value)
