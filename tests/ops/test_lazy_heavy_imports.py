"""A worker that never draws a report or a PDF never loads pandas or WeasyPrint.

They cost seconds and tens of megabytes per worker at start-up (bench/worker_start.py).
"""

import subprocess
import sys

from django.conf import settings

HEAVY = ("pandas", "weasyprint", "openpyxl")


def test_loading_the_whole_site_does_not_load_pandas_or_weasyprint():
    code = (
        "import sys, django; django.setup();"
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        "from mobility.wsgi import application;"
        f"print(','.join(name for name in {HEAVY!r} if name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
