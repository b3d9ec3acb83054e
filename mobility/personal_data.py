"""The right of access: everything the platform holds on one person, as JSON and as PDF.

What is handed over is what the erasure registry (mobility.erasure) names: every model
with a rule, found from the person by the rule's lookup, with all its columns, its
history rows and what the Django admin logged about it. A model added to the registry is
therefore exported too. The queries are bounded: a few per model of the registry,
whatever the number of rows.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mobility import erasure
from mobility.history import Entry, beneficiary_history
from mobility.models import Beneficiary, Referral, User
from mobility.pdf import render_pdf
from mobility.templatetags.french_dates import format_date

EMPTY = "—"
# Section titles where the model's plural would read oddly for one person.
TITLES = {"mobility.Beneficiary": gettext_lazy("Identité et situation")}
# Shown in the PDF's heading rather than in each record.
PDF_HIDDEN = frozenset({"id", "platform", "identity_key"})


@dataclass(frozen=True)
class Value:
    label: str
    text: str


@dataclass(frozen=True)
class Record:
    title: str
    values: tuple[Value, ...]


@dataclass
class Section:
    model: str  # "app.Model"
    title: str
    rows: list[dict] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)
    admin_log: list[dict] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)  # the rows, as a person reads them


@dataclass(frozen=True)
class PersonalData:
    beneficiary: Beneficiary
    sections: list[Section]
    history: list[Entry]
    generated_at: datetime.datetime
    requested_by: User

    def as_json(self) -> dict:
        return {
            "generated_at": self.generated_at,
            "requested_by": self.requested_by.username,
            "platform": {
                "id": self.beneficiary.platform_id,
                "name": self.beneficiary.platform.name,
            },
            "beneficiary_id": self.beneficiary.pk,
            "sections": [
                {
                    "model": section.model,
                    "title": section.title,
                    "rows": section.rows,
                    "history": section.history,
                    "admin_log": section.admin_log,
                }
                for section in self.sections
            ],
        }

    def to_json_bytes(self) -> bytes:
        return json.dumps(
            self.as_json(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
        ).encode("utf-8")


def personal_data(beneficiary: Beneficiary, *, requested_by: User) -> PersonalData:
    """Every row of every model of the registry that belongs to `beneficiary`."""
    beneficiary = Beneficiary.objects.select_related("platform").get(pk=beneficiary.pk)
    # Declined fiches that name the person are theirs, linked or not yet (anonymisation
    # links them before it erases).
    unlinked = [referral.pk for referral in Referral.objects.declined_unlinked_of(beneficiary)]
    sections = [_section(rule, beneficiary, unlinked) for rule in erasure.RULES]
    _add_readable_records(sections)
    return PersonalData(
        beneficiary=beneficiary,
        sections=[section for section in sections if section.rows],
        history=beneficiary_history(beneficiary),
        generated_at=timezone.now(),
        requested_by=requested_by,
    )


def _section(rule: erasure.Rule, beneficiary: Beneficiary, unlinked: list[int]) -> Section:
    model = rule.model_class
    condition = models.Q(**{rule.person: beneficiary.pk})
    if rule.referral is not None and unlinked:
        condition |= models.Q(**{f"{rule.referral}__in": unlinked})
    queryset = model._default_manager.filter(condition)
    columns = [model_field.attname for model_field in model._meta.concrete_fields]
    rows = list(queryset.order_by("pk").distinct().values(*columns))
    ids = [row["id"] for row in rows]
    title = TITLES.get(rule.model, model._meta.verbose_name_plural)
    section = Section(model=rule.model, title=capfirst(str(title)))
    section.rows = rows
    if not ids:
        return section
    history = erasure.history_model(model)
    if history is not None:
        history_columns = [f.attname for f in history._meta.concrete_fields]
        section.history = list(
            history.objects.filter(id__in=ids)
            .order_by("id", "history_date", "history_id")
            .values(*history_columns)
        )
    section.admin_log = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in ids],
        )
        .order_by("action_time", "pk")
        .values(
            "action_time", "user_id", "object_id", "object_repr", "action_flag", "change_message"
        )
    )
    return section


def _add_readable_records(sections: list[Section]) -> None:
    """Label each value in French, with the names of what it points to (one query per
    related model, whatever the number of rows)."""
    wanted = defaultdict(set)
    for section in sections:
        model = erasure.RULES_BY_MODEL[section.model].model_class
        for model_field in model._meta.concrete_fields:
            if model_field.is_relation:
                wanted[model_field.related_model].update(
                    row[model_field.attname]
                    for row in section.rows
                    if row[model_field.attname] is not None
                )
    in_registry = {rule.model_class for rule in erasure.RULES}
    related = {
        related_model: related_model._default_manager.in_bulk(pks)
        for related_model, pks in wanted.items()
        if related_model not in in_registry  # shown in its own section: "n° 12" says which
    }
    names = {
        related_model: {pk: _name(obj) for pk, obj in objects.items()}
        for related_model, objects in related.items()
    }
    for section in sections:
        model = erasure.RULES_BY_MODEL[section.model].model_class
        singular = capfirst(str(model._meta.verbose_name))
        for row in section.rows:
            values = []
            for model_field in model._meta.concrete_fields:
                if model_field.name in PDF_HIDDEN:
                    continue
                readable = READABLE.get((section.model, model_field.name))
                if readable is not None:
                    text = readable(row, related) or EMPTY
                else:
                    text = _display(model_field, row[model_field.attname], names)
                if text != EMPTY:
                    values.append(Value(capfirst(str(model_field.verbose_name)), text))
            section.records.append(
                Record(
                    title=_("%(kind)s n° %(pk)s") % {"kind": singular, "pk": row["id"]},
                    values=tuple(values),
                )
            )


def _diagnostic_answers(row: dict, related: dict) -> str:
    """Each answer as the question and the answer the person heard, not their codes."""
    questionnaire = next(
        objects[row["questionnaire_id"]]
        for model, objects in related.items()
        if model._meta.label == "diagnostics.Questionnaire"
    )
    definition = questionnaire.parsed
    lines = []
    for code, choice_code in row["answers"].items():
        question = definition.question(code)
        choice = question.choice(choice_code) if question else None
        lines.append(
            f"{question.text if question else code} — {choice.label if choice else choice_code}"
        )
    return "\n".join(lines)


# Values that read better through their own data than as stored.
READABLE = {("diagnostics.Diagnostic", "answers"): _diagnostic_answers}


def _name(obj: models.Model) -> str:
    if isinstance(obj, User):
        return obj.get_full_name() or obj.username
    return str(obj)


def _display(model_field: models.Field, value, names) -> str:
    """A value as a person reads it: labels of choices, French dates, names of links."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if model_field.is_relation:
        named = names.get(model_field.related_model, {}).get(value)
        return named or _("n° %(pk)s") % {"pk": value}
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime.datetime):
        return format_date(timezone.localtime(value), "j F Y à H:i")
    if isinstance(value, datetime.date):
        return format_date(value, "j F Y")
    if isinstance(value, Decimal | int | float):
        return formats.localize(value)
    if isinstance(value, dict):
        return " ; ".join(f"{key} : {item}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def to_pdf(data: PersonalData) -> bytes:
    return render_pdf(
        "mobility/personal_data_pdf.html",
        {
            "data": data,
            "beneficiary": data.beneficiary,
            "printed_at": timezone.localtime(data.generated_at),
            "requested_by": _name(data.requested_by),
        },
    )


def filename(beneficiary: Beneficiary, extension: str) -> str:
    return f"donnees-personnelles-beneficiaire-{beneficiary.pk}.{extension}"
