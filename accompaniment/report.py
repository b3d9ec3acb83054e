"""The accompaniment's part of the funder report (docs/regles-metier.md, "Rapports").

What it adds:

- `services.by_kind`, one entry per action kind: the people who had one in the period. A
  workshop counts when the person came (present or late) to a session held in the period
  (not cancelled, already started); an individual action counts on its date; a financial
  aid counts when granted (a refused aid was not given).
- `actions.by_type`: per action type of the catalogue with activity in the period (merged
  by code over the report's platforms), the people, the acts (attendances for a
  workshop, appointments, transports, matches, orientations, aids granted), the sessions
  held (workshops, in a report on everyone), the hours (person-hours of workshops
  attended, hours of coaching) and the amount granted (aids).
- `actions.aids_by_funder`: the aids granted per funder (people, aids, amount).

Secrecy (mobility.reports.secrecy): the people of the types of one kind are a breakdown
(rule 2, against the enclosing reports for rule 4), and so are the people of the
funders; when a kind's entry of `services.by_kind` is masked, every type of that kind is
masked with it (with one type, its people are that entry). The acts, hours and amount of
a row go with its people (rule 3).

A fixed number of aggregate queries (seven, six in a report on some people), each reading
its tables on the report's platforms only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from accompaniment.enums import ATTENDED, ActionKind, AidDecision
from accompaniment.models import Action, ActionType, WorkshopRegistration, WorkshopSession
from mobility.reports import secrecy
from mobility.reports.queries import Flags, Layered, Scope, layered

KINDS = tuple(ActionKind.values)
KIND_LABELS = dict(ActionKind.choices)
# What one act of each kind is, in the files and on the page.
ACTS_LABELS = {
    ActionKind.WORKSHOP: _("présences"),
    ActionKind.COACHING: _("entretiens"),
    ActionKind.TRANSPORT: _("transports"),
    ActionKind.CARPOOL: _("mises en relation"),
    ActionKind.ORIENTATION: _("orientations"),
    ActionKind.FINANCIAL_AID: _("aides accordées"),
}
HOURS_KINDS = frozenset({ActionKind.WORKSHOP, ActionKind.COACHING})
PERSON = "pathway__beneficiary_id"
SECTION = "actions"
# (Workshop acts are attendances: "présences"; the grid's "Actes" column says it per row.)
TITLE = _("Actions d'accompagnement")


# ---- the queries


def _attended(scope: Scope):
    """Attendances (present or late) at the sessions held in the period."""
    lower, upper = scope.local_bounds()
    return scope.rows(
        WorkshopRegistration,
        session__platform_id__in=scope.platform_ids,
        session__start__gte=lower,
        session__start__lt=upper,
        session__cancelled_at__isnull=True,
        attendance__in=list(ATTENDED),
    )


def _actions(scope: Scope):
    """Individual actions dated in the period; an aid only when granted."""
    return scope.rows(Action, date__gte=scope.start, date__lte=scope.end).filter(
        ~Q(kind=ActionKind.FINANCIAL_AID) | Q(decision=AidDecision.GRANTED)
    )


def _flags(scope: Scope) -> Flags:
    return Flags.of_person(scope.filters, "pathway__beneficiary__")


def people_by_kind(scope: Scope) -> Layered[dict[str, int]]:
    """People who had an action of each kind in the period (two queries)."""
    workshops = layered(
        scope, _attended(scope), _flags(scope), people={"people": Count(PERSON, distinct=True)}
    )
    others = layered(
        scope,
        _actions(scope),
        _flags(scope),
        key="kind",
        people={"people": Count(PERSON, distinct=True)},
    )

    def merge(workshop: dict, by_kind: dict) -> dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        counts[ActionKind.WORKSHOP] = workshop["people"] or 0
        for kind, values in by_kind.items():
            counts[kind] = values["people"] or 0
        return counts

    return Layered(
        merge(workshops.own, others.own),
        tuple(merge(w, o) for w, o in zip(workshops.enclosing, others.enclosing, strict=True)),
    )


def _by_type(scope: Scope) -> Layered[dict[int, dict]]:
    """Per action type id: people, acts, minutes, amount (two queries)."""
    workshops = layered(
        scope,
        _attended(scope),
        _flags(scope),
        key="session__action_type_id",
        figures={"acts": Count("pk"), "minutes": Sum("session__duration_minutes")},
        people={"people": Count(PERSON, distinct=True)},
    )
    others = layered(
        scope,
        _actions(scope),
        _flags(scope),
        key="action_type_id",
        figures={
            "acts": Count("pk"),
            "minutes": Sum("duration_minutes"),
            "amount": Sum("amount"),
        },
        people={"people": Count(PERSON, distinct=True)},
    )
    return Layered(
        {**workshops.own, **others.own},
        tuple({**w, **o} for w, o in zip(workshops.enclosing, others.enclosing, strict=True)),
    )


def _aids_by_funder(scope: Scope) -> Layered[dict]:
    """Aids granted in the period per funder (None: no funder entered)."""
    return layered(
        scope,
        _actions(scope).filter(kind=ActionKind.FINANCIAL_AID),
        _flags(scope),
        key="funder_id",
        label="funder__name",
        figures={"acts": Count("pk"), "amount": Sum("amount")},
        people={"people": Count(PERSON, distinct=True)},
    )


def _types(scope: Scope) -> list[dict]:
    return list(
        ActionType.objects.filter(platform_id__in=scope.platform_ids)
        .order_by("platform_id", "pk")
        .values("id", "code", "label", "kind")
    )


def _sessions_held(scope: Scope) -> dict[int, int] | None:
    """Sessions held in the period per workshop type; None in a report on some people
    (a session is the platform's, whoever came)."""
    if scope.filters_people:
        return None
    lower, upper = scope.local_bounds()
    return dict(
        scope.rows(WorkshopSession, start__gte=lower, start__lt=upper, cancelled_at__isnull=True)
        .values_list("action_type_id")
        .annotate(count=Count("pk"))
    )


# ---- the section of the report


def _add(total, value):
    if value is None:
        return total
    return value if total is None else total + value


def _merge_by_code(types: list[dict], per_type: Mapping[int, dict]) -> dict[str, dict]:
    """The figures of each code, over the platforms' types of that code."""
    merged: dict[str, dict] = {}
    for entry in types:
        values = per_type.get(entry["id"])
        if values is None:
            continue
        target = merged.setdefault(entry["code"], {})
        for name, value in values.items():
            target[name] = _add(target.get(name), value)
    return merged


def section(scope: Scope, masker, services_masked: Callable[[str], bool], *, money, hours) -> dict:
    """The `actions` part of the report, masked; `services_masked(kind)` tells whether the
    kind's entry of services.by_kind is masked; `masker` is the report's (it records the
    masked paths); `money` and `hours` shape a sum for the JSON."""
    limit = masker.threshold
    types = _types(scope)
    per_type = _by_type(scope)
    sessions = _sessions_held(scope)
    by_code = per_type.map(lambda groups: _merge_by_code(types, groups))
    # The types listed: those with activity in the period (people, or sessions held).
    held_codes = {t["code"] for t in types if sessions and sessions.get(t["id"])}
    listed: dict[str, dict] = {}
    for entry in types:
        if entry["code"] in by_code.own or entry["code"] in held_codes:
            listed.setdefault(entry["code"], entry)
    order = sorted(listed.values(), key=lambda t: (KINDS.index(t["kind"]), t["label"], t["code"]))

    masked_codes: set[str] = set()
    for kind in KINDS:
        codes = [t["code"] for t in order if t["kind"] == kind]
        if not codes:
            continue
        if services_masked(kind):
            # Zero reveals nobody; any other count of the kind could give its entry back.
            masked_codes.update(c for c in codes if by_code.own.get(c, {}).get("people"))
            continue
        parts = by_code.map(
            lambda groups, codes=codes: {
                code: (groups.get(code, {}).get("people") or 0) for code in codes
            }
        )
        masked_codes |= secrecy.masked_parts(parts.own, limit, enclosing=parts.enclosing)

    items = []
    for index, entry in enumerate(order):
        code, kind = entry["code"], entry["kind"]
        values = by_code.own.get(code, {})
        people = values.get("people") or 0
        minutes = values.get("minutes") or 0
        held = None
        if kind == ActionKind.WORKSHOP and sessions is not None:
            held = sum(sessions.get(t["id"], 0) for t in types if t["code"] == code)
        row = {
            "code": code,
            "label": entry["label"],
            "kind": kind,
            "people": people,
            "acts": values.get("acts") or 0,
            "sessions": held,
            "hours": hours(minutes) if kind in HOURS_KINDS else None,
            "amount": money(values.get("amount") or Decimal(0))
            if kind == ActionKind.FINANCIAL_AID
            else None,
        }
        if code in masked_codes:
            for name in ("people", "acts", "hours", "amount"):
                if row[name] is not None:
                    masker.masked.append(f"{SECTION}.by_type.{index}.{name}")
                    row[name] = None
        items.append(row)

    funders = _aids_by_funder(scope)
    funder_people = funders.map(
        lambda groups: {pk: values["people"] or 0 for pk, values in groups.items()}
    )
    ordered = sorted(
        funders.own.items(),
        key=lambda item: (item[0] is None, str(item[1]["funder__name"] or "")),
    )
    masked_funders = (
        set(funders.own)
        if services_masked(ActionKind.FINANCIAL_AID)
        else secrecy.masked_parts(
            {pk: funder_people.own[pk] for pk, _values in ordered},
            limit,
            enclosing=funder_people.enclosing,
        )
    )
    aids = []
    for index, (pk, values) in enumerate(ordered):
        row = {
            "funder": values["funder__name"],
            "funder_id": pk,
            "people": values["people"] or 0,
            "acts": values["acts"] or 0,
            "amount": money(values["amount"] or Decimal(0)),
        }
        if pk in masked_funders:
            for name in ("people", "acts", "amount"):
                masker.masked.append(f"{SECTION}.aids_by_funder.{index}.{name}")
                row[name] = None
        aids.append(row)
    return {"by_type": items, "aids_by_funder": aids}


def rows(data: dict) -> list[tuple[str, str, object, str]]:
    """The section's figures for the flat table: (code, French label, value, unit)."""
    out = []
    for index, item in enumerate(data[SECTION]["by_type"]):
        path = f"{SECTION}.by_type.{index}"
        label, kind = item["label"], item["kind"]
        out.append(
            (
                f"{path}.people",
                _("%(action)s : personnes") % {"action": label},
                item["people"],
                "count",
            )
        )
        out.append(
            (
                f"{path}.acts",
                _("%(action)s : %(acts)s") % {"action": label, "acts": ACTS_LABELS[kind]},
                item["acts"],
                "count",
            )
        )
        if kind == ActionKind.WORKSHOP:
            out.append(
                (
                    f"{path}.sessions",
                    _("%(action)s : séances tenues") % {"action": label},
                    item["sessions"],
                    "count",
                )
            )
        if kind in HOURS_KINDS:
            out.append(
                (
                    f"{path}.hours",
                    _("%(action)s : heures suivies par les personnes") % {"action": label}
                    if kind == ActionKind.WORKSHOP
                    else _("%(action)s : heures d'entretien") % {"action": label},
                    item["hours"],
                    "hours",
                )
            )
        if kind == ActionKind.FINANCIAL_AID:
            out.append(
                (
                    f"{path}.amount",
                    _("%(action)s : montant accordé") % {"action": label},
                    item["amount"],
                    "money",
                )
            )
    for index, item in enumerate(data[SECTION]["aids_by_funder"]):
        path = f"{SECTION}.aids_by_funder.{index}"
        funder = item["funder"] or _("financeur non renseigné")
        for name, label, unit in (
            ("people", _("Aides de %(funder)s : personnes"), "count"),
            ("acts", _("Aides de %(funder)s : aides accordées"), "count"),
            ("amount", _("Aides de %(funder)s : montant accordé"), "money"),
        ):
            out.append((f"{path}.{name}", label % {"funder": funder}, item[name], unit))
    return out


def grids(data: dict) -> list[tuple[str, list[str], list[tuple[str, list]]]]:
    """The section's tables for the page and the PDF: (title, column headers, rows), each
    row a label and, per column, the figure's (code, unit) or None (not applicable)."""
    types = []
    for index, item in enumerate(data[SECTION]["by_type"]):
        path, kind = f"{SECTION}.by_type.{index}", item["kind"]
        types.append(
            (
                item["label"],
                [
                    (f"{path}.people", "count"),
                    (f"{path}.acts", "count"),
                    (f"{path}.sessions", "count") if kind == ActionKind.WORKSHOP else None,
                    (f"{path}.hours", "hours") if kind in HOURS_KINDS else None,
                    (f"{path}.amount", "money") if kind == ActionKind.FINANCIAL_AID else None,
                ],
            )
        )
    result = []
    if types:
        result.append(
            (
                str(_("Personnes et actes par action d'accompagnement")),
                [
                    str(_("Action")),
                    str(_("Personnes")),
                    str(_("Actes")),
                    str(_("Séances tenues")),
                    str(_("Heures")),
                    str(_("Montant accordé")),
                ],
                types,
            )
        )
    funders = [
        (
            item["funder"] or str(_("Financeur non renseigné")),
            [
                (f"{SECTION}.aids_by_funder.{index}.{name}", unit)
                for name, unit in (("people", "count"), ("acts", "count"), ("amount", "money"))
            ],
        )
        for index, item in enumerate(data[SECTION]["aids_by_funder"])
    ]
    if funders:
        result.append(
            (
                str(_("Aides financières accordées par financeur")),
                [str(_("Financeur")), str(_("Personnes")), str(_("Aides")), str(_("Montant"))],
                funders,
            )
        )
    return result
