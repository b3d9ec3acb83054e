"""What the web server loads once, in gunicorn's master process, before it forks workers.

Every worker then starts with pandas, WeasyPrint, openpyxl, every URL module and the
OpenAPI schema already in memory (shared with the master until written), so no person's
first request after a start or a worker's recycling pays seconds for them
(bench/worker_start.py). Only gunicorn.conf.py calls this: management commands and the
test suite keep loading the heavy libraries at their first use
(tests/ops/test_lazy_heavy_imports.py).
"""

from __future__ import annotations

import importlib

# The libraries the reports, exports and PDFs import at their first use, with the modules
# of ours that wrap them.
HEAVY_MODULES = (
    "pandas",
    "weasyprint",
    "openpyxl",
    "openpyxl.styles",
    "mobility.pdf",
    "mobility.spreadsheets",
    "mobility.reports.formats",
)


def warm() -> list[str]:
    """Load the site as a worker's first requests would; the modules loaded, in order."""
    from django.db import connections
    from django.urls import get_resolver

    from mobility.wsgi import application  # noqa: F401  (sets Django up)

    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    for name in HEAVY_MODULES:
        importlib.import_module(name)
    from mobility.api import api

    api.get_openapi_schema()
    # Nothing above should touch the database; if something did, a connection must never
    # be shared by the forked workers.
    connections.close_all()
    return list(HEAVY_MODULES)
