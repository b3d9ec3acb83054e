"""The core leans on no module: what it shows or runs of diagnostics, fleet, driving school,
accompaniment, documents and imports (the funder report's sections included) comes from
mobility/registry.py, filled in by each module's ready()."""

import ast
from datetime import date
from pathlib import Path

import pytest

from mobility.registry import MenuEntry, Registry, ReportSection, TimelineItem, registry

ROOT = Path(__file__).resolve().parents[2]
MODULES = {"diagnostics", "fleet", "drivingschool", "accompaniment"}
# Every app beside the core: none may be imported from mobility/.
APPS = MODULES | {"documents", "imports"}


def imported_modules(path: Path) -> set[str]:
    """The top-level packages a Python file imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def core_files() -> list[Path]:
    """Every Python file of the core: its reports and management commands included."""
    files = [path for path in (ROOT / "mobility").rglob("*.py") if "migrations" not in path.parts]
    assert len(files) > 40
    assert any("reports" in path.parts for path in files)
    assert any("commands" in path.parts for path in files)
    return files


def test_the_core_imports_no_module():
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & APPS)
        for path in core_files()
        if imported_modules(path) & APPS
    }
    assert offenders == {}


def test_the_modules_import_one_another_only_through_the_registry():
    # The fleet reads the work contract on file through `contract_end_sources`, filled by
    # the documents app; the imports app (imports/) loads data into fleet and driving
    # school by design and is left out.
    leaning = APPS - {"imports"}
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & (leaning - {module}))
        for module in leaning
        for path in (ROOT / module).rglob("*.py")
        if "migrations" not in path.parts and imported_modules(path) & (leaning - {module})
    }
    assert offenders == {}


def test_the_scan_sees_an_import_at_any_depth(tmp_path):
    source = tmp_path / "example.py"
    source.write_text(
        "def f():\n    from fleet.report import revenue\n    import documents.services\n"
        "from . import sibling\n",
        encoding="utf-8",
    )
    assert imported_modules(source) == {"fleet", "documents"}


def test_every_module_registered_its_parts():
    assert set(registry.timeline) == MODULES
    assert [entry.key for entry in registry.menu_in_order()] == [
        "drivingschool",
        "fleet",
        "accompaniment",
    ]
    assert [prefix for prefix, _module in registry.urls_in_order()] == [
        "",
        "auto-ecole/",
        "actions/",
        "flotte/",
        "",  # the person's documents
    ]
    assert set(registry.api_routers) == MODULES | {"documents"}
    assert set(registry.daily_work) == {"fleet_alerts"}
    assert set(registry.contract_end_sources) == {"documents"}
    assert set(registry.upload_paths) == {"fleet_photos", "documents"}
    assert set(registry.demo_loaders) == {"drivingschool", "fleet", "accompaniment"}
    assert set(registry.demo_referral_steps["diagnostics"]) == {"accepted", "closing"}
    assert set(registry.pathway_fields) == {"diagnostics", "progress"}
    assert [section.code for section in registry.sections_in_order()] == [
        "fleet",
        "drivingschool",
        "actions",
        "mobility_potential",
    ]
    assert [section.code for section in registry.services_in_order()] == [
        "fleet",
        "drivingschool",
        "mobility_potential",
        "actions",
    ]
    # Each signed document's frozen PDF is rendered by the module that owns its object.
    assert {"rental_contract", "return_report", "learning_agreement"} <= set(registry.signed_pdfs)
    casework_only = {name for name, (_rows, only) in registry.service_rows.items() if only}
    assert casework_only == {"accompaniment"}


def test_a_name_is_registered_once():
    fresh = Registry()
    entry = MenuEntry("x", "X", "home", frozenset({"admin"}), 1)
    fresh.register_menu(entry)
    with pytest.raises(ValueError, match="déjà enregistré"):
        fresh.register_menu(entry)


def test_the_time_line_merges_the_contributors_by_date_within_what_the_reader_sees():
    fresh = Registry()

    def item(day, module):
        return TimelineItem(day=date(2026, 3, day), module=module, kind_label="", label=module)

    fresh.register_timeline(
        "a", section="rentals", contributor=lambda u, b, p: [item(9, "rentals"), item(1, "rentals")]
    )
    fresh.register_timeline(
        "b", section="actions", contributor=lambda u, b, p: [item(5, "actions")]
    )
    everything = fresh.timeline_for(None, None, [], {"rentals", "actions"})
    assert [(i.day.day, i.module) for i in everything] == [
        (1, "rentals"),
        (5, "actions"),
        (9, "rentals"),
    ]
    assert [i.module for i in fresh.timeline_for(None, None, [], {"rentals"})] == [
        "rentals",
        "rentals",
    ]


def test_a_report_section_takes_its_place_among_the_cores_parts(monkeypatch):
    from mobility.reports import definition

    fresh = Registry()

    def section(code, order, **extra):
        return ReportSection(code=code, title=code, compute=None, rows=None, order=order, **extra)

    fresh.register_report_section(section("late", 80, services=len, service_labels={"b": "B"}))
    fresh.register_report_section(
        section("early", 40, services=len, service_labels={"a": "A"}, service_order=85)
    )
    fresh.register_report_section(section("quiet", 60))
    monkeypatch.setattr(definition, "registry", fresh)
    assert list(definition.sections()) == [
        "referrals",
        "people",
        "services",
        "early",
        "quiet",
        "pathways",
        "late",
        "budget",
    ]
    assert [s.code for s in fresh.services_in_order()] == ["late", "early"]
    assert list(definition.service_labels()) == ["b", "a"]


def test_the_contract_end_comes_from_the_first_source_that_knows_it():
    fresh = Registry()
    assert fresh.contract_end("someone") is None
    fresh.register_contract_end_source("none", lambda person: None)
    fresh.register_contract_end_source("file", lambda person: date(2027, 1, 31))
    fresh.register_contract_end_source("later", lambda person: date(2030, 1, 1))
    assert fresh.contract_end("someone") == date(2027, 1, 31)


def test_an_upload_path_takes_the_largest_body_its_module_gives():
    fresh = Registry()
    fresh.register_upload_path("photos", pattern=r"^/photos/\d+/$", max_bytes=lambda: 5_000)
    fresh.register_upload_path("scans", pattern=r"^/photos/1/$", max_bytes=lambda: 9_000)
    assert fresh.upload_limit("/photos/2/") == 5_000
    assert fresh.upload_limit("/photos/1/") == 9_000
    assert fresh.upload_limit("/photos/2/autre/") is None
    assert registry.upload_limit("/flotte/locations/12/point-etape/") > 100 * 1024 * 1024
    assert registry.upload_limit("/api/v1/fleet/rentals/12/photos") > 100 * 1024 * 1024
    assert registry.upload_limit("/flotte/locations/12/paiement/") is None
    assert registry.upload_limit("/api/v1/fleet/rentals/12/checkins") is None
