"""A refusal must change nothing: `with nothing_written(): ...` counts the rows of every
table of the project (the history tables and the notifications included) before and after
the block, and names each table whose count moved."""

from __future__ import annotations

from contextlib import contextmanager

from django.apps import apps

PROJECT_APPS = (
    "mobility",
    "fleet",
    "drivingschool",
    "diagnostics",
    "accompaniment",
    "documents",
)


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }


@contextmanager
def nothing_written(*, allowed=()):
    """`allowed`: model labels a refusal may legitimately write (none by default)."""
    before = row_counts()
    yield
    after = row_counts()
    moved = {
        label: f"{before[label]} → {after[label]}"
        for label in before
        if before[label] != after[label] and label not in allowed
    }
    assert not moved, f"a refused request wrote rows: {moved}"
