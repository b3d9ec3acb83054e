"""The funder usage report (docs/regles-metier.md, docs/api.md "Reports"), defined once.

`usage_report(scope)` runs the aggregate queries of mobility.reports.queries, shapes them
with pandas, applies the statistical secrecy of mobility.reports.secrecy (for a filtered
report, also against every report that encloses it: each count of people comes `Layered`)
and returns a `Report`: the JSON document of the API, plus the list of what was masked.
The HTML page, the PDF, the CSV, the XLSX and the API all read this one object;
`rows(report)` gives the flat table (one row per figure, with its French label) that the
files and the tables use.

What each figure means (README "Rapports aux financeurs" says the same in French):

- referrals.total: fiches received in the period (all statuses); organisations: how many
  prescriber organisations sent them; by_prescriber: fiches per organisation.
- people.met: people whose pathway opened in the period (the acceptance date, whatever
  the day the fiche was received), each once; women, men, other: by sex; qpv and rsa:
  their shares (0 to 1), with the counts beside (qpv_count, rsa_count).
- services.by_kind: people who started each service in the period; total: their sum.
  The services are the modules': a rental of each vehicle kind (fleet/report.py), the
  auto-école sociale (drivingschool/report.py), the entry diagnostic
  (diagnostics/report.py), one entry per accompaniment action kind
  (accompaniment/report.py).
- pathways: opened and closed in the period; outcomes: exits per situation;
  durable_solution: exits with a durable mobility solution (and its rate).
- the modules' sections, each where its `order` puts it among the core's
  (mobility/registry.py REPORT_POSITIONS): `fleet`, `drivingschool`, `actions`,
  `mobility_potential`; what they count is in their report.py.
- budget: the budget lines entered for the platform(s), prorated to the days they share
  with the period; cost_per_beneficiary: that budget divided by people.met.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from mobility.db_router import replica_reads
from mobility.enums import Outcome
from mobility.registry import REPORT_POSITIONS, registry
from mobility.reports import queries, secrecy
from mobility.reports.queries import Layered, Scope

if TYPE_CHECKING:
    import pandas as pd

CENT = Decimal("0.01")
OUTCOME_LABELS = dict(Outcome.choices)


def service_labels() -> dict:
    """The services of services.by_kind, in order: those of each report section a module
    registered (mobility/registry.py), one entry per kind."""
    labels = {}
    for section in registry.services_in_order():
        labels.update(section.service_labels)
    return labels


def sections() -> dict:
    """The report's sections and their titles, in reading order: the core's and the
    modules' (mobility/registry.py), each at its position."""
    parts = [(REPORT_POSITIONS[code], code, title) for code, title in SECTIONS.items()]
    parts += [
        (section.order, section.code, section.title)
        for section in registry.report_sections.values()
    ]
    return {code: title for _position, code, title in sorted(parts, key=lambda part: part[0])}


def threshold() -> int:
    return settings.REPORT_SECRECY_THRESHOLD


@dataclass
class Report:
    """The report's JSON document (`data`) and the paths of its masked figures."""

    data: dict
    masked: list[str] = field(default_factory=list)
    threshold: int = secrecy.DEFAULT_THRESHOLD

    def is_masked(self, path: str) -> bool:
        return path in self.masked


def _layers(value: int | Layered[int]) -> Layered[int]:
    return value if isinstance(value, Layered) else Layered(value)


@dataclass(frozen=True)
class Breakdown:
    """A masked breakdown: the parts to show, and whether its total must go too."""

    parts: dict
    hides_total: bool


class _Masker:
    """Applies the secrecy rules while recording which paths were masked.

    Counts of people come `Layered`: the report's own and the same count in each
    enclosing report, for the complement rule (secrecy rule 4)."""

    def __init__(self, threshold: int):
        self.threshold = threshold
        self.masked: list[str] = []

    def _note(self, path: str, value, original) -> object:
        if value is None and original is not None:
            self.masked.append(path)
        return value

    def count(self, path: str, value: int | Layered[int], *, hide: bool = False) -> int | None:
        """A count of people; `hide`: a breakdown's lone masked part is this total."""
        counts = _layers(value)
        shown = (
            None
            if hide
            else secrecy.mask_count(counts.own, self.threshold, enclosing=counts.enclosing)
        )
        return self._note(path, shown, counts.own)

    def breakdown(self, path: str, parts: Layered[dict], *, shown=None) -> Breakdown:
        """Mask a breakdown; `shown` lists the parts displayed (default: all)."""
        masked = secrecy.masked_parts(parts.own, self.threshold, enclosing=parts.enclosing)
        result = {}
        for key, value in parts.own.items():
            if shown is not None and key not in shown:
                continue
            where = f"{path}.{key}" if path else key
            result[key] = self._note(where, None if key in masked else value, value)
        return Breakdown(result, secrecy.hides_total(parts.own, masked))

    def by_people(self, path: str, values: dict, people: Layered[dict]) -> dict:
        masked = secrecy.masked_parts(people.own, self.threshold, enclosing=people.enclosing)
        return {
            key: self._note(f"{path}.{key}", None if key in masked else value, value)
            for key, value in values.items()
        }

    def rate(self, path, numerator, denominator, *, people, numerator_masked=False, digits=4):
        counts = _layers(people)
        value = secrecy.mask_rate(
            numerator,
            denominator,
            people=counts.own,
            threshold=self.threshold,
            numerator_masked=numerator_masked,
            enclosing=counts.enclosing,
        )
        if value is None:
            # Nothing to divide by is "not applicable", not a secret.
            if denominator:
                self.masked.append(path)
            return None
        return round(float(value), digits)

    def over_people(self, path: str, value, *, people: int | Layered[int]):
        counts = _layers(people)
        shown = secrecy.mask_over_people(
            value, people=counts.own, threshold=self.threshold, enclosing=counts.enclosing
        )
        return self._note(path, shown, value)


def money(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def mean(value, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def usage_report(scope: Scope, *, threshold_value: int | None = None) -> Report:
    """Compute the whole report for `scope` (a fixed number of aggregate queries), read
    from the replica when one is configured (mobility/db_router.py)."""
    with replica_reads():
        return _usage_report(scope, threshold_value=threshold_value)


def _usage_report(scope: Scope, *, threshold_value: int | None) -> Report:
    limit = threshold() if threshold_value is None else threshold_value
    build = _Build(scope, _Masker(limit))
    names = queries.names(scope)
    build.data = {
        "period": {"start": scope.start.isoformat(), "end": scope.end.isoformat()},
        "scope": {
            "platforms": [{"id": p["id"], "name": p["name"]} for p in names["platforms"]],
            "funder": {"id": scope.funder_id, "name": names["funder"]} if scope.funder_id else None,
            "prescriber": {"id": scope.prescriber_id, "name": names["prescriber"]}
            if scope.prescriber_id
            else None,
            "territory": {
                "postal_code": scope.postal_code or None,
                "commune": scope.commune or None,
                "qpv_only": scope.qpv_only,
            },
        },
    }
    # The parts in reading order, the core's and the modules': the JSON keeps it, and so
    # does the list of what was masked. A module's part comes after the services, whose
    # masking it reads.
    core = {
        "referrals": build.referrals,
        "people": build.people,
        "services": build.services,
        "pathways": build.pathways,
        "budget": build.budget,
    }
    steps = [(REPORT_POSITIONS[code], step) for code, step in core.items()]
    steps += [
        (section.order, lambda section=section: build.module(section))
        for section in registry.report_sections.values()
    ]
    for _position, step in sorted(steps, key=lambda item: item[0]):
        step()
    build.data["secrecy"] = {"threshold": limit, "masked": list(build.mask.masked)}
    return Report(data=build.data, masked=list(build.mask.masked), threshold=limit)


class _Build:
    """The report's JSON document, written part by part in reading order."""

    def __init__(self, scope: Scope, mask: _Masker):
        self.scope = scope
        self.mask = mask
        self.data: dict = {}
        self.met: Layered[int] | None = None
        self.by_kind: Breakdown | None = None

    def referrals(self) -> None:
        """Referrals, by prescriber organisation: a breakdown of the total."""
        scope, mask, limit = self.scope, self.mask, self.mask.threshold
        referrals = queries.referrals_by_prescriber(scope)
        by_prescriber = referrals.own.sort_values(
            ["count", "organisation"], ascending=[False, True]
        )
        parts = referrals.map(
            lambda frame: {
                int(pk): int(count)
                for pk, count in zip(frame["prescriber_id"], frame["count"], strict=True)
            }
        )
        # The parts in the order shown: ties of the secondary masking go to the first.
        ordered = {int(pk): parts.own[int(pk)] for pk in by_prescriber["prescriber_id"]}
        masked_prescribers = secrecy.masked_parts(ordered, limit, enclosing=parts.enclosing)
        self.data["referrals"] = {
            "total": mask.count(
                "referrals.total",
                parts.map(lambda counts: sum(counts.values())),
                hide=secrecy.hides_total(ordered, masked_prescribers),
            ),
            "organisations": int(len(by_prescriber)),
            "by_prescriber": [],
        }
        for index, row in enumerate(by_prescriber.itertuples(index=False)):
            count = None if row.prescriber_id in masked_prescribers else int(row.count)
            if count is None:
                mask.masked.append(f"referrals.by_prescriber.{index}.count")
            self.data["referrals"]["by_prescriber"].append(
                {
                    "organisation": row.organisation,
                    "organisation_id": row.prescriber_id,
                    "count": count,
                }
            )

    def people(self) -> None:
        """People met: sex is a breakdown; QPV and RSA each split the people in two."""
        mask = self.mask
        people = queries.people_met(self.scope)
        met = self.met = people.map(lambda p: p["met"])
        sexes = mask.breakdown(
            "people",
            people.map(lambda p: {"women": p["women"], "men": p["men"], "other": p["other"]}),
        )
        qpv = mask.breakdown(
            "people",
            people.map(lambda p: {"qpv_count": p["qpv"], "not_qpv": p["met"] - p["qpv"]}),
            shown={"qpv_count"},
        )
        rsa = mask.breakdown(
            "people",
            people.map(lambda p: {"rsa_count": p["rsa"], "not_rsa": p["met"] - p["rsa"]}),
            shown={"rsa_count"},
        )
        self.data["people"] = {
            "met": mask.count(
                "people.met", met, hide=sexes.hides_total or qpv.hides_total or rsa.hides_total
            ),
            **sexes.parts,
            "qpv": mask.rate(
                "people.qpv",
                people.own["qpv"],
                met.own,
                people=met,
                numerator_masked=qpv.parts["qpv_count"] is None,
            ),
            "rsa": mask.rate(
                "people.rsa",
                people.own["rsa"],
                met.own,
                people=met,
                numerator_masked=rsa.parts["rsa_count"] is None,
            ),
            **qpv.parts,
            **rsa.parts,
        }

    def services(self) -> None:
        """Services started, per kind (each module's): a breakdown of their total."""
        contributed = [section.services(self.scope) for section in registry.services_in_order()]
        kinds = list(service_labels())

        def started(index: int | None) -> dict[str, int]:
            counts: dict = {}
            for people in contributed:
                counts.update(people.own if index is None else people.enclosing[index])
            return {kind: int(counts.get(kind, 0)) for kind in kinds}

        enclosing = range(len(self.scope.cuts) - 1)
        services = Layered(started(None), tuple(started(i) for i in enclosing))
        by_kind = self.by_kind = self.mask.breakdown("services.by_kind", services)
        self.data["services"] = {
            "total": self.mask.count(
                "services.total",
                services.map(lambda counts: sum(counts.values())),
                hide=by_kind.hides_total,
            ),
            "by_kind": by_kind.parts,
        }

    def module(self, section) -> None:
        """A module's part (mobility/registry.py ReportSection)."""
        by_kind = self.by_kind
        self.data[section.code] = section.compute(
            self.scope,
            self.mask,
            lambda kind: by_kind.parts.get(kind, 0) is None,
            money=money,
            hours=lambda minutes: round(minutes / 60, 1),
        )

    def pathways(self) -> None:
        """Pathways: openings, exits per outcome (a breakdown), durable solutions."""
        mask = self.mask
        paths = queries.pathways(self.scope)
        closed = paths.map(lambda p: p["closed"])
        outcomes = mask.breakdown(
            "outcomes",
            paths.map(lambda p: {outcome: p[f"outcome_{outcome}"] for outcome in Outcome.values}),
        )
        durable = mask.breakdown(
            "",
            paths.map(
                lambda p: {
                    "durable_solution": p["durable"],
                    "not_durable": p["closed"] - p["durable"],
                }
            ),
            shown={"durable_solution"},
        )
        self.data["pathways"] = {
            "opened": mask.count("pathways.opened", paths.map(lambda p: p["opened"])),
            "closed": mask.count(
                "pathways.closed", closed, hide=outcomes.hides_total or durable.hides_total
            ),
        }
        self.data["outcomes"] = outcomes.parts
        self.data["durable_solution"] = durable.parts["durable_solution"]
        self.data["durable_solution_rate"] = mask.rate(
            "durable_solution_rate",
            paths.own["durable"],
            closed.own,
            people=closed,
            numerator_masked=durable.parts["durable_solution"] is None,
        )

    def budget(self) -> None:
        """Budget prorated to the period, and the cost per person met."""
        scope, met = self.scope, self.met
        total_budget, funder_budget = prorated_budget(queries.budget_lines(scope), scope)
        self.data["budget"] = {
            "amount": money(total_budget),
            "funder_amount": money(funder_budget) if scope.funder_id else None,
        }
        cost = None
        if total_budget is not None and met.own:
            cost = total_budget / met.own
        self.data["cost_per_beneficiary"] = money(
            self.mask.over_people("cost_per_beneficiary", cost, people=met)
        )


def prorated_budget(lines: pd.DataFrame, scope: Scope) -> tuple[Decimal | None, Decimal | None]:
    """Each line counts for the share of its days that fall in the period.

    None when no line was entered: the cost per beneficiary is then unknown, not zero.
    """
    import pandas as pd  # loaded on the first report, not at start-up

    if lines.empty:
        return None, None
    start = pd.Timestamp(scope.start)
    end = pd.Timestamp(scope.end)
    line_start = pd.to_datetime(lines["period_start"])
    line_end = pd.to_datetime(lines["period_end"])
    shared = (line_end.clip(upper=end) - line_start.clip(lower=start)).dt.days + 1
    length = (line_end - line_start).dt.days + 1
    shares = [
        Decimal(amount) * Decimal(int(days)) / Decimal(int(span))
        for amount, days, span in zip(lines["amount"], shared, length, strict=True)
    ]
    total = sum(shares, Decimal(0))
    funder = sum(
        (
            share
            for share, funder_id in zip(shares, lines["funder_id"], strict=True)
            if scope.funder_id and funder_id == scope.funder_id
        ),
        Decimal(0),
    )
    return total, funder


# ---- the flat table: one row per figure, for the files and the page's tables


@dataclass(frozen=True)
class Row:
    section: str
    code: str
    label: str
    value: object
    unit: str  # count, rate, money, days, hours, km, score, text
    masked: bool = False


SECTIONS = {
    "referrals": _("Fiches de liaison"),
    "people": _("Personnes accompagnées"),
    "services": _("Services mobilisés"),
    "pathways": _("Parcours et sorties"),
    "budget": _("Budget"),
}


def _referral_rows(data: dict) -> list[tuple]:
    referrals = data["referrals"]
    out = [
        ("referrals.total", _("Fiches de liaison reçues"), referrals["total"], "count"),
        (
            "referrals.organisations",
            _("Structures prescriptrices"),
            referrals["organisations"],
            "count",
        ),
    ]
    for index, item in enumerate(referrals["by_prescriber"]):
        out.append(
            (
                f"referrals.by_prescriber.{index}.count",
                _("Fiches reçues de : %(organisation)s") % {"organisation": item["organisation"]},
                item["count"],
                "count",
            )
        )
    return out


def _people_rows(data: dict) -> list[tuple]:
    people = data["people"]
    return [
        (f"people.{code}", label, people[code], unit)
        for code, label, unit in (
            ("met", _("Personnes reçues (fiches acceptées)"), "count"),
            ("women", _("dont femmes"), "count"),
            ("men", _("dont hommes"), "count"),
            ("other", _("dont sexe autre ou non précisé"), "count"),
            ("qpv_count", _("Habitant un quartier prioritaire (QPV)"), "count"),
            ("qpv", _("Part des habitants d'un QPV"), "rate"),
            ("rsa_count", _("Bénéficiaires du RSA"), "count"),
            ("rsa", _("Part des bénéficiaires du RSA"), "rate"),
        )
    ]


def _service_rows(data: dict) -> list[tuple]:
    labels = service_labels()
    out = [("services.total", _("Services démarrés"), data["services"]["total"], "count")]
    for kind, value in data["services"]["by_kind"].items():
        out.append(
            (
                f"services.by_kind.{kind}",
                _("Personnes ayant démarré : %(service)s") % {"service": labels[kind]},
                value,
                "count",
            )
        )
    return out


def _pathway_rows(data: dict) -> list[tuple]:
    out = [
        ("pathways.opened", _("Parcours ouverts"), data["pathways"]["opened"], "count"),
        ("pathways.closed", _("Sorties de parcours"), data["pathways"]["closed"], "count"),
    ]
    for outcome, value in data["outcomes"].items():
        out.append(
            (
                f"outcomes.{outcome}",
                _("Sorties : %(outcome)s") % {"outcome": OUTCOME_LABELS[outcome]},
                value,
                "count",
            )
        )
    out.append(
        (
            "durable_solution",
            _("Sorties avec une solution de mobilité durable"),
            data["durable_solution"],
            "count",
        )
    )
    out.append(
        (
            "durable_solution_rate",
            _("Part des sorties avec une solution durable"),
            data["durable_solution_rate"],
            "rate",
        )
    )
    return out


def _budget_rows(data: dict) -> list[tuple]:
    out = [
        ("budget.amount", _("Budget de la période (au prorata)"), data["budget"]["amount"], "money")
    ]
    if data["scope"]["funder"]:
        out.append(
            (
                "budget.funder_amount",
                _("dont apport du financeur destinataire"),
                data["budget"]["funder_amount"],
                "money",
            )
        )
    out.append(
        (
            "cost_per_beneficiary",
            _("Coût par personne reçue"),
            data["cost_per_beneficiary"],
            "money",
        )
    )
    return out


CORE_ROWS = {
    "referrals": _referral_rows,
    "people": _people_rows,
    "services": _service_rows,
    "pathways": _pathway_rows,
    "budget": _budget_rows,
}


def rows(report: Report) -> list[Row]:
    """Every figure of the report with its section and French label, in reading order:
    the core's parts and the modules' (mobility/registry.py), each at its position."""
    data = report.data
    titles = sections()
    parts = [(REPORT_POSITIONS[code], code, rows_of) for code, rows_of in CORE_ROWS.items()]
    parts += [
        (section.order, section.code, section.rows) for section in registry.report_sections.values()
    ]
    out: list[Row] = []
    for _position, code, rows_of in sorted(parts, key=lambda part: part[0]):
        title = str(titles[code])
        for figure, label, value, unit in rows_of(data):
            out.append(Row(title, figure, str(label), value, unit, report.is_masked(figure)))
    return out
