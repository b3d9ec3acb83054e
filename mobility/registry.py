"""What each module adds to the core, registered from its AppConfig.ready().

The core (mobility/) is the base the modules lean on: platforms, people, referrals,
pathways, notifications, the API and the pages' frame. It never imports a module
(diagnostics/, fleet/, drivingschool/, accompaniment/; tests/mobility/test_registry.py
scans its imports). What it shows or runs of a module comes from this registry, filled in
by each module's `ready()`:

- `timeline`: contributors to the beneficiary file's one time line (diagnostics, rentals,
  driving school, actions), each behind the file section that may see it; a line may
  carry the buttons of its follow-up, from a template of its module;
- `pathway_prefetches` and `pathway_fields` / `service_rows`: what a pathway read (API
  and file) prefetches and returns of each module;
- `demo_loaders` (run by `manage.py seed_demo`, in their order) and `demo_referral_steps`
  (run on each demo fiche accepted or closed);
- `menu`: the entries of the navigation bar;
- `api_routers` and `urls`: mounted by mobility/api.py and mobility/urls.py;
- `report_sections`: parts of the funder report (mobility/reports/definition.py): each
  module's figures (fleet, driving school, actions, mobility potential), their people in
  services.by_kind, their rows, tables and charts;
- `daily_work`: a module's part of a daily job of mobility/jobs.py (the job, its time and
  its record stay in the core's schedule);
- `orientation_recorders`: the module that keeps a pathway's orientations to partners
  (accompaniment/) records the ones another module makes (the fleet's microcredit);
- `contract_end_sources`: where a person's work contract end is read when the fiche gave
  none (the documents app: the contract on file), for the fleet's eligibility, so that
  one module never imports another;
- `funded_sessions`: the sessions with an attendance sheet (lessons, workshops) that a
  funder pays for in a period, for its audit of the signed sheets
  (mobility/attendance_audit.py);
- `signed_pdfs`: for each kind of signed document (mobility/signing.py), the module's
  renderer of its frozen PDF;
- `upload_paths`: the pages and API routes of a module that take files, whose request body
  may exceed DATA_UPLOAD_MAX_MEMORY_SIZE (mobility.middleware.RequestBodyLimitMiddleware).

Registration happens once per process, at start-up, before any request; each `register_*`
refuses a second entry under the same name (a module registered twice is a bug).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class TimelineItem:
    """One dated line of the beneficiary file's time line."""

    day: date
    module: str  # the file section it belongs to: "diagnostics", "rentals", ...
    kind_label: str  # what it is, in French ("Diagnostic d'entrée", "Location"...)
    label: str
    detail: str = ""
    status: str = ""  # a code, for the chip's colour
    status_label: str = ""
    url: str = ""
    # What the reader may do from the line (record an outcome, a payment...): a template
    # of the module, rendered under it with `item` (this line) in its context, and what
    # that template reads. The contributor sets them only for a reader who may act.
    actions_template: str = ""
    subject: Any = field(default=None, compare=False)


# A contributor gets the reader, the person and their pathways (a list) and returns the
# items; it may run a fixed number of queries, never one per item.
TimelineContributor = Callable[[Any, Any, list], Iterable[TimelineItem]]


@dataclass(frozen=True)
class MenuEntry:
    key: str  # the module's URL namespace: the entry is current on its pages
    label: str
    url_name: str
    roles: frozenset
    order: int


# Where the core's own parts of the funder report stand (mobility/reports/definition.py);
# a module's section takes a position between them, and keeps it in the JSON, the flat
# table, the page and the files.
REPORT_POSITIONS = {"referrals": 10, "people": 20, "services": 30, "pathways": 70, "budget": 90}


def _nothing(_data) -> list:
    return []


@dataclass(frozen=True)
class ReportSection:
    """A part of the funder report contributed by a module.

    `compute(scope, masker, services_masked, money=, hours=)` gives its JSON part under
    `code` (`masker` records what it masks; `services_masked(kind)` tells whether the
    kind's entry of services.by_kind is masked); `rows(data)` its figures for the flat
    table as (code, label, value, unit); `grids(data)` its tables for the page and the
    PDF as (title, columns, lines); `charts(report)` its charts
    (mobility.reports.presentation.Chart). `order` places it among the core's parts
    (REPORT_POSITIONS) and the other modules'.

    `services(scope)` gives the people per service kind it adds to `services.by_kind`
    (Layered[dict]), listed in `service_labels`' order; `service_order` places them among
    the other modules' (default: `order`)."""

    code: str
    title: str
    compute: Callable
    rows: Callable
    order: int
    service_labels: dict = field(default_factory=dict)
    services: Callable | None = None
    service_order: int | None = None
    grids: Callable = _nothing
    charts: Callable = _nothing


@dataclass(frozen=True)
class SheetLine:
    """One person's line of a session's attendance sheet, as a funder's audit reads it."""

    key: str  # the line's key among the sheet's signatures: "attendance:<id>"
    person_id: int
    person: str
    status: str  # the attendance code ("" while not recorded)
    status_label: str
    attended: bool  # present or late: the person signs the line
    late_minutes: int | None
    funded: bool  # the funder of the audit pays for this person's place


@dataclass(frozen=True)
class FundedSession:
    """A session a funder pays for, with its sheet's lines (the persons booked)."""

    kind: str  # the kind of its signed sheet: "lesson_sheet" or "workshop_sheet"
    session: Any  # the model instance the signed sheet is about
    label: str
    start: datetime
    duration_minutes: int
    leader: str  # the instructor or facilitator, who signs to close the sheet
    lines: tuple[SheetLine, ...]
    url: str = ""


# A selector gets (platform_id=, funder_id=, start=, end=) with aware datetimes (start
# included, end excluded) and returns the sessions held then that the funder pays for, not
# cancelled, in a fixed number of queries.
FundedSessionsSelector = Callable[..., Iterable[FundedSession]]


@dataclass
class Registry:
    timeline: dict[str, tuple[str, TimelineContributor]] = field(default_factory=dict)
    pathway_prefetches: dict[str, Callable[[], list]] = field(default_factory=dict)
    pathway_fields: dict[str, Callable] = field(default_factory=dict)
    service_rows: dict[str, tuple[Callable, bool]] = field(default_factory=dict)
    demo_loaders: dict[str, tuple[int, Callable]] = field(default_factory=dict)
    demo_referral_steps: dict[str, dict[str, Callable]] = field(default_factory=dict)
    menu: dict[str, MenuEntry] = field(default_factory=dict)
    api_routers: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    urls: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    report_sections: dict[str, ReportSection] = field(default_factory=dict)
    daily_work: dict[str, Callable] = field(default_factory=dict)
    orientation_recorders: dict[str, Callable] = field(default_factory=dict)
    contract_end_sources: dict[str, Callable] = field(default_factory=dict)
    funded_sessions: dict[str, FundedSessionsSelector] = field(default_factory=dict)
    signed_pdfs: dict[str, Callable] = field(default_factory=dict)
    upload_paths: dict[str, tuple[re.Pattern, Callable[[], int]]] = field(default_factory=dict)

    @staticmethod
    def _add(table: dict, name: str, value) -> None:
        if name in table:
            raise ValueError(f"« {name} » est déjà enregistré.")
        table[name] = value

    # ---- what the modules call from their ready()

    def register_timeline(self, name: str, *, section: str, contributor) -> None:
        self._add(self.timeline, name, (section, contributor))

    def register_pathway_prefetch(self, name: str, prefetches: Callable[[], list]) -> None:
        self._add(self.pathway_prefetches, name, prefetches)

    def register_pathway_field(self, name: str, resolver: Callable) -> None:
        self._add(self.pathway_fields, name, resolver)

    def register_service_rows(self, name: str, rows: Callable, *, casework_only: bool) -> None:
        """`rows(pathway)` gives the pathway's services of the module; `casework_only`:
        fleet staff and instructors do not read them."""
        self._add(self.service_rows, name, (rows, casework_only))

    def register_demo(self, name: str, loader: Callable, *, order: int) -> None:
        """`loader(platform=, users=, today=)` seeds the module's demo on the main platform."""
        self._add(self.demo_loaders, name, (order, loader))

    def register_demo_referral_step(self, name: str, **steps: Callable) -> None:
        """Steps run on each demo fiche: `accepted(referral=, by=, today=)`,
        `closing(referral=, by=, closed_on=)`."""
        self._add(self.demo_referral_steps, name, steps)

    def register_menu(self, entry: MenuEntry) -> None:
        self._add(self.menu, entry.key, entry)

    def register_api(self, name: str, *, router: str, prefix: str, order: int) -> None:
        """`router`: the dotted path of the module's django-ninja Router, mounted under
        /api/v1/<prefix> (imported when the API is built, not at start-up)."""
        self._add(self.api_routers, name, (order, prefix, router))

    def register_urls(self, name: str, *, prefix: str, module: str, order: int) -> None:
        """`module`: the dotted path of the module's URLconf, included under `prefix`."""
        self._add(self.urls, name, (order, prefix, module))

    def register_report_section(self, section: ReportSection) -> None:
        self._add(self.report_sections, section.code, section)

    def register_daily_work(self, job: str, work: Callable) -> None:
        """`work(today=)` does the module's part of the daily job named `job` and returns
        a count for the job's record."""
        self._add(self.daily_work, job, work)

    def register_orientation_recorder(self, name: str, recorder: Callable) -> None:
        """`recorder(by=, pathway=, answers=, partner=, day=, outcome=, announced=)` records
        (or follows up) an orientation of the pathway to `partner`, typed by the platform's
        catalogue entry answering the recommendation code `answers`; `outcome` is one of
        `pending`, `done`, `refused`, `abandoned`; `announced`: the referent was already
        told of the orientation by the caller. Returns what it recorded, or None when the
        catalogue has no such entry. It runs inside the caller's transaction and may raise
        the caller's errors (mobility.errors)."""
        self._add(self.orientation_recorders, name, recorder)

    def register_contract_end_source(self, name: str, source: Callable) -> None:
        """`source(beneficiary)` gives the end date of the person's work contract as the
        module knows it, or None."""
        self._add(self.contract_end_sources, name, source)

    def register_funded_sessions(self, name: str, selector: FundedSessionsSelector) -> None:
        """`selector(platform_id=, funder_id=, start=, end=)`: the module's sessions that
        the funder pays for in the period (FundedSession), for the signed-sheets audit."""
        self._add(self.funded_sessions, name, selector)

    def register_signed_pdf(self, kind: str, renderer: Callable) -> None:
        """`renderer(document, signatures) -> bytes`: the frozen PDF of a signed document of
        `kind` (mobility.enums.SignedDocumentKind), embedding each signature (see
        mobility.signing.signature_blocks) and the content hash."""
        self._add(self.signed_pdfs, kind, renderer)

    def register_upload_path(self, name: str, *, pattern: str, max_bytes: Callable[[], int]):
        """Request paths matching `pattern` (a regular expression on the path) take files:
        their body may weigh up to `max_bytes()` (read at each request: the settings)."""
        self._add(self.upload_paths, name, (re.compile(pattern), max_bytes))

    # ---- what the core reads

    def record_orientation(self, **orientation) -> list:
        """Hand an orientation to every module that keeps orientations (none: nothing is
        recorded besides the caller's own record)."""
        recorded = (recorder(**orientation) for recorder in self.orientation_recorders.values())
        return [item for item in recorded if item is not None]

    def upload_limit(self, path: str) -> int | None:
        """The largest body a registered upload path takes (None: not an upload path)."""
        limits = [limit() for pattern, limit in self.upload_paths.values() if pattern.match(path)]
        return max(limits) if limits else None

    def timeline_for(self, user, beneficiary, pathways: list, sees: Iterable[str]) -> list:
        """The person's time line, from every contributor whose section the reader sees,
        oldest first."""
        sees = set(sees)
        items: list[TimelineItem] = []
        for section, contributor in self.timeline.values():
            if section in sees:
                items.extend(contributor(user, beneficiary, pathways))
        return sorted(items, key=lambda item: (item.day, item.module, item.label))

    def all_pathway_prefetches(self) -> list:
        return [
            lookup for prefetches in self.pathway_prefetches.values() for lookup in prefetches()
        ]

    def pathway_services(self, pathway, *, casework: bool) -> list[dict]:
        rows = [
            row
            for rows_of, casework_only in self.service_rows.values()
            if casework or not casework_only
            for row in rows_of(pathway)
        ]
        return sorted(rows, key=lambda row: (row["started_on"], row["kind"]))

    def demo_in_order(self) -> list[Callable]:
        return [loader for _order, loader in sorted(self.demo_loaders.values(), key=lambda x: x[0])]

    def menu_in_order(self) -> list[MenuEntry]:
        return sorted(self.menu.values(), key=lambda entry: entry.order)

    def routers_in_order(self) -> list[tuple[str, str]]:
        return [(prefix, router) for _o, prefix, router in sorted(self.api_routers.values())]

    def urls_in_order(self) -> list[tuple[str, str]]:
        return [(prefix, module) for _o, prefix, module in sorted(self.urls.values())]

    def contract_end(self, beneficiary) -> date | None:
        """The first end of a work contract a source knows of (None: none does)."""
        for source in self.contract_end_sources.values():
            end = source(beneficiary)
            if end is not None:
                return end
        return None

    def sessions_funded(
        self, *, platform_id: int, funder_id: int, start: datetime, end: datetime
    ) -> list[FundedSession]:
        """Every module's sessions that the funder pays for in [start, end), by start."""
        sessions = [
            session
            for selector in self.funded_sessions.values()
            for session in selector(
                platform_id=platform_id, funder_id=funder_id, start=start, end=end
            )
        ]
        return sorted(sessions, key=lambda session: (session.start, session.kind, session.label))

    def sections_in_order(self) -> list[ReportSection]:
        return sorted(self.report_sections.values(), key=lambda section: section.order)

    def services_in_order(self) -> list[ReportSection]:
        """The sections that add people to services.by_kind, in that breakdown's order."""
        with_services = [s for s in self.report_sections.values() if s.services is not None]
        return sorted(
            with_services,
            key=lambda s: s.order if s.service_order is None else s.service_order,
        )


registry = Registry()
