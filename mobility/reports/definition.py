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
- services.by_kind: people who started each service in the period (a rental of each
  vehicle kind, the auto-école sociale, the entry diagnostic); total: their sum.
- fleet: rental days and km per vehicle kind within the period; occupancy_rate: rental
  days over the days the fleet could offer (not computed when the report is restricted
  to some people: the fleet serves everyone); revenue: money collected (payments and
  retained deposits), charged: amounts due and damages; average_rental_days: mean
  length of the rentals returned in the period.
- drivingschool: enrolled: people in training in the period; attendance_rate: attended
  over counted minutes of the lessons held in it; theory and driving: people who sat the
  exam in the period, who passed it and their pass rate (per person); the sittings of
  the period, those passed and their rate (per sitting: every attempt counts), and the
  departmental average, published per sitting and compared with sitting_pass_rate.
- pathways: opened and closed in the period; outcomes: exits per situation;
  durable_solution: exits with a durable mobility solution (and its rate).
- mobility_potential: over the pathways whose exit diagnostic is in the period (and
  that have an entry diagnostic): mean entry score, mean exit score, mean progress.
- services.by_kind also has one entry per accompaniment action kind, and `actions` lists
  the accompaniment per action type and the aids granted per funder: what they count is
  in accompaniment/report.py.
- budget: the budget lines entered for the platform(s), prorated to the days they share
  with the period; cost_per_beneficiary: that budget divided by people.met.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from diagnostics.enums import DiagnosticKind
from drivingschool.enums import ExamKind
from fleet.enums import VehicleKind
from mobility.db_router import replica_reads
from mobility.enums import Need, Outcome
from mobility.registry import registry
from mobility.reports import queries, secrecy
from mobility.reports.queries import Layered, Scope

if TYPE_CHECKING:
    import pandas as pd

CENT = Decimal("0.01")
SERVICE_KINDS = (
    Need.RENTAL_BIKE,
    Need.RENTAL_EBIKE,
    Need.RENTAL_SCOOTER,
    Need.RENTAL_CAR,
    Need.DRIVING_SCHOOL,
    Need.DIAGNOSTIC,
)
RENTAL_SERVICE = {
    VehicleKind.BIKE: Need.RENTAL_BIKE,
    VehicleKind.EBIKE: Need.RENTAL_EBIKE,
    VehicleKind.SCOOTER: Need.RENTAL_SCOOTER,
    VehicleKind.CAR: Need.RENTAL_CAR,
}
SERVICE_LABELS = {kind.value: kind.label for kind in SERVICE_KINDS}
SERVICE_LABELS[Need.DIAGNOSTIC.value] = DiagnosticKind.ENTRY.label
VEHICLE_LABELS = dict(VehicleKind.choices)
OUTCOME_LABELS = dict(Outcome.choices)


def service_labels() -> dict:
    """The services of services.by_kind, in order: the core's, then those of each report
    section a module registered (mobility/registry.py), one entry per kind."""
    labels = dict(SERVICE_LABELS)
    for section in registry.sections_in_order():
        labels.update(section.service_labels)
    return labels


def sections() -> dict:
    """The report's sections and their titles, in reading order: the modules' parts
    (mobility/registry.py) come after the driving school."""
    result = {}
    for code, title in SECTIONS.items():
        result[code] = title
        if code == "drivingschool":
            for section in registry.sections_in_order():
                result[section.code] = section.title
    return result


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


def _mean(value, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def usage_report(scope: Scope, *, threshold_value: int | None = None) -> Report:
    """Compute the whole report for `scope` (a fixed number of aggregate queries), read
    from the replica when one is configured (mobility/db_router.py)."""
    with replica_reads():
        return _usage_report(scope, threshold_value=threshold_value)


def _usage_report(scope: Scope, *, threshold_value: int | None) -> Report:
    import pandas as pd  # loaded on the first report, not at start-up

    limit = threshold() if threshold_value is None else threshold_value
    mask = _Masker(limit)
    names = queries.names(scope)
    data: dict = {
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

    # Referrals, by prescriber organisation: a breakdown of the total.
    referrals = queries.referrals_by_prescriber(scope)
    by_prescriber = referrals.own.sort_values(["count", "organisation"], ascending=[False, True])
    parts = referrals.map(
        lambda frame: {
            int(pk): int(count)
            for pk, count in zip(frame["prescriber_id"], frame["count"], strict=True)
        }
    )
    # The parts in the order shown: ties of the secondary masking go to the first.
    ordered = {int(pk): parts.own[int(pk)] for pk in by_prescriber["prescriber_id"]}
    masked_prescribers = secrecy.masked_parts(ordered, limit, enclosing=parts.enclosing)
    data["referrals"] = {
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
        data["referrals"]["by_prescriber"].append(
            {"organisation": row.organisation, "organisation_id": row.prescriber_id, "count": count}
        )

    # People met: sex is a breakdown; QPV and RSA each split the people in two.
    people = queries.people_met(scope)
    met = people.map(lambda p: p["met"])
    sexes = mask.breakdown(
        "people", people.map(lambda p: {"women": p["women"], "men": p["men"], "other": p["other"]})
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
    data["people"] = {
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

    # Services started, per kind: a breakdown of their total.
    rentals = queries.rentals_started_by_kind(scope)
    enrolments = queries.enrolments_started(scope)
    diagnostics = queries.entry_diagnostics(scope)
    contributed = [section.services(scope) for section in registry.sections_in_order()]
    kinds = list(service_labels())

    def started(index: int | None) -> dict[str, int]:
        def pick(layered):
            return layered.own if index is None else layered.enclosing[index]

        by_kind = pick(rentals)
        counts = pd.Series(
            {RENTAL_SERVICE[kind]: by_kind.get(kind, 0) for kind in VehicleKind.values},
            dtype="int64",
        )
        counts[Need.DRIVING_SCHOOL] = pick(enrolments)
        counts[Need.DIAGNOSTIC] = pick(diagnostics)
        for people in contributed:
            for kind, count in pick(people).items():
                counts[kind] = count
        counts = counts.reindex(kinds, fill_value=0)
        return {kind: int(value) for kind, value in counts.items()}

    services = Layered(started(None), tuple(started(i) for i in range(len(rentals.enclosing))))
    by_kind = mask.breakdown("services.by_kind", services)
    data["services"] = {
        "total": mask.count(
            "services.total",
            services.map(lambda counts: sum(counts.values())),
            hide=by_kind.hides_total,
        ),
        "by_kind": by_kind.parts,
    }

    # Fleet: volumes per vehicle kind, masked where fewer than the threshold rode.
    days = queries.rental_days_by_kind(scope)
    km = queries.km_by_kind(scope)
    people_by_kind = days.map(
        lambda groups: {
            kind: int(groups.get(kind, {}).get("people", 0)) for kind in VehicleKind.values
        }
    )
    rental_days = {kind: int(days.own.get(kind, {}).get("days", 0)) for kind in VehicleKind.values}
    renters = queries.renters(scope)
    money_in = queries.revenue(scope)
    returned = queries.returned_rentals(scope)
    capacity = None if scope.filters_people else queries.fleet_capacity_days(scope)
    data["fleet"] = {
        "rental_days": mask.by_people("fleet.rental_days", rental_days, people_by_kind),
        "km": mask.by_people(
            "fleet.km", {kind: int(km.get(kind, 0)) for kind in VehicleKind.values}, people_by_kind
        ),
        "occupancy_rate": mask.rate(
            "fleet.occupancy_rate",
            min(sum(rental_days.values()), capacity or 0),
            capacity,
            people=renters,
        ),
        "revenue": money(
            mask.over_people("fleet.revenue", money_in["collected"], people=money_in["payers"])
        ),
        "charged": money(
            mask.over_people("fleet.charged", money_in["charged"], people=money_in["payers"])
        ),
        "average_rental_days": mask.over_people(
            "fleet.average_rental_days",
            _mean(returned["days"] / returned["count"]) if returned["count"] else None,
            people=returned["people"],
        ),
        "rentals_returned": mask.count("fleet.rentals_returned", returned["people"]),
        "renters": mask.count("fleet.renters", renters),
    }

    # Driving school: rates over the people concerned, against the department's.
    lessons = queries.attendance(scope)
    exams = queries.exams(scope)
    averages = queries.departmental_averages(scope)
    school = {
        "enrolled": mask.count("drivingschool.enrolled", queries.enrolled(scope)),
        "attendance_rate": mask.rate(
            "drivingschool.attendance_rate",
            lessons["attended"],
            lessons["counted"],
            people=lessons["people"],
        ),
    }
    for kind in ExamKind.values:
        sat = exams.map(lambda by_kind, kind=kind: by_kind[kind])
        presented = sat.map(lambda counts: counts["presented"])
        passed = mask.count(f"drivingschool.{kind}.passed", sat.map(lambda c: c["passed"]))
        average = averages[kind]
        # Sittings are not people, but they would give back a small group: they are shown
        # only where the people behind them are (those who sat, those who passed).
        sittings = mask.over_people(
            f"drivingschool.{kind}.sittings", sat.own["sittings"], people=presented
        )
        sittings_passed = mask.over_people(
            f"drivingschool.{kind}.sittings_passed",
            sat.own["sittings_passed"],
            people=sat.map(lambda c: c["passed"]),
        )
        school[kind] = {
            "presented": mask.count(f"drivingschool.{kind}.presented", presented),
            "passed": passed,
            "pass_rate": mask.rate(
                f"drivingschool.{kind}.pass_rate",
                sat.own["passed"],
                sat.own["presented"],
                people=presented,
                numerator_masked=passed is None,
            ),
            "sittings": sittings,
            "sittings_passed": sittings_passed,
            "sitting_pass_rate": mask.rate(
                f"drivingschool.{kind}.sitting_pass_rate",
                sat.own["sittings_passed"],
                sat.own["sittings"],
                people=presented,
                numerator_masked=passed is None or sittings_passed is None,
            ),
            "departmental_average": None if average is None else round(float(average), 4),
        }
    data["drivingschool"] = school

    # The modules' parts (the accompaniment actions: per type, and the aids per funder).
    for section in registry.sections_in_order():
        data[section.code] = section.compute(
            scope,
            mask,
            lambda kind: by_kind.parts.get(kind, 0) is None,
            money=money,
            hours=lambda minutes: round(minutes / 60, 1),
        )

    # Pathways: openings, exits per outcome (a breakdown), durable solutions.
    paths = queries.pathways(scope)
    closed = paths.map(lambda p: p["closed"])
    outcomes = mask.breakdown(
        "outcomes",
        paths.map(lambda p: {outcome: p[f"outcome_{outcome}"] for outcome in Outcome.values}),
    )
    durable = mask.breakdown(
        "",
        paths.map(
            lambda p: {"durable_solution": p["durable"], "not_durable": p["closed"] - p["durable"]}
        ),
        shown={"durable_solution"},
    )
    data["pathways"] = {
        "opened": mask.count("pathways.opened", paths.map(lambda p: p["opened"])),
        "closed": mask.count(
            "pathways.closed", closed, hide=outcomes.hides_total or durable.hides_total
        ),
    }
    data["outcomes"] = outcomes.parts
    data["durable_solution"] = durable.parts["durable_solution"]
    data["durable_solution_rate"] = mask.rate(
        "durable_solution_rate",
        paths.own["durable"],
        closed.own,
        people=closed,
        numerator_masked=durable.parts["durable_solution"] is None,
    )

    # Potentiel de mobilité, entry and exit of the same pathways.
    potential = queries.mobility_potential(scope)
    cohort = potential["people"]
    entry_mean, exit_mean = _mean(potential["entry_mean"]), _mean(potential["exit_mean"])
    delta = None
    if potential["entry_mean"] is not None:
        delta = _mean(potential["exit_mean"] - potential["entry_mean"])
    data["mobility_potential"] = {
        "entry_mean": mask.over_people("mobility_potential.entry_mean", entry_mean, people=cohort),
        "exit_mean": mask.over_people("mobility_potential.exit_mean", exit_mean, people=cohort),
        "delta_mean": mask.over_people("mobility_potential.delta_mean", delta, people=cohort),
        "people": mask.count("mobility_potential.people", cohort),
    }

    # Budget prorated to the period, and the cost per person met.
    total_budget, funder_budget = prorated_budget(queries.budget_lines(scope), scope)
    data["budget"] = {
        "amount": money(total_budget),
        "funder_amount": money(funder_budget) if scope.funder_id else None,
    }
    cost = None
    if total_budget is not None and met.own:
        cost = total_budget / met.own
    data["cost_per_beneficiary"] = money(mask.over_people("cost_per_beneficiary", cost, people=met))
    data["secrecy"] = {"threshold": limit, "masked": list(mask.masked)}
    return Report(data=data, masked=list(mask.masked), threshold=limit)


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
    "fleet": _("Location de véhicules"),
    "drivingschool": _("Auto-école sociale"),
    "pathways": _("Parcours et sorties"),
    "mobility_potential": _("Potentiel de mobilité"),
    "budget": _("Budget"),
}


def rows(report: Report) -> list[Row]:
    """Every figure of the report with its section and French label, in reading order."""
    data = report.data
    out: list[Row] = []
    titles = sections()
    labels = service_labels()

    def add(section, code, label, value, unit):
        out.append(Row(str(titles[section]), code, str(label), value, unit, report.is_masked(code)))

    referrals = data["referrals"]
    add("referrals", "referrals.total", _("Fiches de liaison reçues"), referrals["total"], "count")
    add(
        "referrals",
        "referrals.organisations",
        _("Structures prescriptrices"),
        referrals["organisations"],
        "count",
    )
    for index, item in enumerate(referrals["by_prescriber"]):
        out.append(
            Row(
                str(SECTIONS["referrals"]),
                f"referrals.by_prescriber.{index}.count",
                str(
                    _("Fiches reçues de : %(organisation)s")
                    % {"organisation": item["organisation"]}
                ),
                item["count"],
                "count",
                report.is_masked(f"referrals.by_prescriber.{index}.count"),
            )
        )
    people = data["people"]
    for code, label, unit in (
        ("met", _("Personnes reçues (fiches acceptées)"), "count"),
        ("women", _("dont femmes"), "count"),
        ("men", _("dont hommes"), "count"),
        ("other", _("dont sexe autre ou non précisé"), "count"),
        ("qpv_count", _("Habitant un quartier prioritaire (QPV)"), "count"),
        ("qpv", _("Part des habitants d'un QPV"), "rate"),
        ("rsa_count", _("Bénéficiaires du RSA"), "count"),
        ("rsa", _("Part des bénéficiaires du RSA"), "rate"),
    ):
        add("people", f"people.{code}", label, people[code], unit)
    add("services", "services.total", _("Services démarrés"), data["services"]["total"], "count")
    for kind, value in data["services"]["by_kind"].items():
        add(
            "services",
            f"services.by_kind.{kind}",
            _("Personnes ayant démarré : %(service)s") % {"service": labels[kind]},
            value,
            "count",
        )
    fleet = data["fleet"]
    for kind, value in fleet["rental_days"].items():
        add(
            "fleet",
            f"fleet.rental_days.{kind}",
            _("Jours de location : %(kind)s") % {"kind": VEHICLE_LABELS[kind]},
            value,
            "days",
        )
    for kind, value in fleet["km"].items():
        add(
            "fleet",
            f"fleet.km.{kind}",
            _("Km parcourus : %(kind)s") % {"kind": VEHICLE_LABELS[kind]},
            value,
            "km",
        )
    for code, label, unit in (
        ("renters", _("Personnes ayant roulé sur la période"), "count"),
        ("occupancy_rate", _("Taux d'occupation de la flotte"), "rate"),
        ("revenue", _("Recettes encaissées"), "money"),
        ("charged", _("Montants facturés (locations et dommages)"), "money"),
        ("rentals_returned", _("Personnes ayant rendu un véhicule"), "count"),
        ("average_rental_days", _("Durée moyenne d'une location rendue (jours)"), "days"),
    ):
        add("fleet", f"fleet.{code}", label, fleet[code], unit)
    school = data["drivingschool"]
    add(
        "drivingschool",
        "drivingschool.enrolled",
        _("Personnes en formation"),
        school["enrolled"],
        "count",
    )
    add(
        "drivingschool",
        "drivingschool.attendance_rate",
        _("Taux d'assiduité"),
        school["attendance_rate"],
        "rate",
    )
    for kind, title in ((ExamKind.THEORY, _("code")), (ExamKind.DRIVING, _("conduite"))):
        exam = school[kind]
        for code, label, unit in (
            ("presented", _("Présentés à l'examen (%(exam)s)"), "count"),
            ("passed", _("Reçus à l'examen (%(exam)s)"), "count"),
            ("pass_rate", _("Taux de réussite par personne (%(exam)s)"), "rate"),
            ("sittings", _("Passages de l'examen (%(exam)s)"), "count"),
            ("sittings_passed", _("Passages réussis (%(exam)s)"), "count"),
            ("sitting_pass_rate", _("Taux de réussite par passage (%(exam)s)"), "rate"),
            (
                "departmental_average",
                _("Moyenne départementale par passage (%(exam)s)"),
                "rate",
            ),
        ):
            add(
                "drivingschool",
                f"drivingschool.{kind}.{code}",
                label % {"exam": title},
                exam[code],
                unit,
            )
    for section in registry.sections_in_order():
        for code, label, value, unit in section.rows(data):
            add(section.code, code, label, value, unit)
    add("pathways", "pathways.opened", _("Parcours ouverts"), data["pathways"]["opened"], "count")
    add(
        "pathways", "pathways.closed", _("Sorties de parcours"), data["pathways"]["closed"], "count"
    )
    for outcome, value in data["outcomes"].items():
        add(
            "pathways",
            f"outcomes.{outcome}",
            _("Sorties : %(outcome)s") % {"outcome": OUTCOME_LABELS[outcome]},
            value,
            "count",
        )
    add(
        "pathways",
        "durable_solution",
        _("Sorties avec une solution de mobilité durable"),
        data["durable_solution"],
        "count",
    )
    add(
        "pathways",
        "durable_solution_rate",
        _("Part des sorties avec une solution durable"),
        data["durable_solution_rate"],
        "rate",
    )
    potential = data["mobility_potential"]
    for code, label, unit in (
        ("people", _("Parcours mesurés (diagnostics d'entrée et de sortie)"), "count"),
        ("entry_mean", _("Potentiel moyen à l'entrée (sur 100)"), "score"),
        ("exit_mean", _("Potentiel moyen à la sortie (sur 100)"), "score"),
        ("delta_mean", _("Progression moyenne (points)"), "score"),
    ):
        add("mobility_potential", f"mobility_potential.{code}", label, potential[code], unit)
    add(
        "budget",
        "budget.amount",
        _("Budget de la période (au prorata)"),
        data["budget"]["amount"],
        "money",
    )
    if data["scope"]["funder"]:
        add(
            "budget",
            "budget.funder_amount",
            _("dont apport du financeur destinataire"),
            data["budget"]["funder_amount"],
            "money",
        )
    add(
        "budget",
        "cost_per_beneficiary",
        _("Coût par personne reçue"),
        data["cost_per_beneficiary"],
        "money",
    )
    return out
