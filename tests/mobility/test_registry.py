"""The core leans on no module: what it shows or runs of diagnostics, fleet, driving school
and accompaniment comes from mobility/registry.py, filled in by each module's ready()."""

import ast
from datetime import date
from pathlib import Path

import pytest

from mobility.registry import MenuEntry, Registry, TimelineItem, registry

ROOT = Path(__file__).resolve().parents[2]
MODULES = {"diagnostics", "fleet", "drivingschool", "accompaniment"}


def imported_modules(path: Path) -> set[str]:
    """The top-level packages a Python file imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def core_files(*, reports: bool) -> list[Path]:
    files = [
        path
        for path in (ROOT / "mobility").rglob("*.py")
        if "migrations" not in path.parts and (reports or "reports" not in path.parts)
    ]
    assert len(files) > 40
    return files


def test_the_core_imports_no_module():
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_modules(path) & MODULES)
        for path in core_files(reports=False)
        if imported_modules(path) & MODULES
    }
    assert offenders == {}


def test_the_report_reads_the_accompaniment_through_the_registry():
    # The report's own queries on rentals, lessons and diagnostics still live in
    # mobility/reports (README "Développer"); the accompaniment's part is registered.
    offenders = [
        str(path.relative_to(ROOT))
        for path in core_files(reports=True)
        if "accompaniment" in imported_modules(path)
    ]
    assert offenders == []


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
    assert set(registry.api_routers) == MODULES
    assert set(registry.daily_work) == {"fleet_alerts"}
    assert set(registry.demo_loaders) == {"drivingschool", "fleet", "accompaniment"}
    assert set(registry.demo_referral_steps["diagnostics"]) == {"accepted", "closing"}
    assert set(registry.pathway_fields) == {"diagnostics", "progress"}
    assert [section.code for section in registry.sections_in_order()] == ["actions"]
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
