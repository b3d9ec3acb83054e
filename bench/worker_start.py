"""How long a web worker takes to start, and how much memory it holds, before and after
pandas and WeasyPrint moved to their first use (run on purpose, never in the test suite).

    .venv/bin/python bench/worker_start.py [--runs 7]

Each figure is the median of --runs fresh Python processes, each of which:
- floor: sets Django up, nothing else (the least any worker does);
- worker now: loads what a gunicorn worker loads before its first answer (the WSGI
  application and every URL of the site and the API);
- worker with pandas and WeasyPrint at start: the same, plus the two libraries, as every
  worker did before they moved to their first use (openpyxl with them).
Times and peak memory (VmHWM) are printed as they are and as ratios to the floor measured
in the same run: the machine is shared and noisy, the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETUP = "import django; django.setup()\n"
WORKER = (
    SETUP + "from mobility.wsgi import application\n"
    "from django.urls import get_resolver; get_resolver().url_patterns\n"
)
EAGER = WORKER + "import pandas, weasyprint, openpyxl\n"
MEASURE = """
import time
started = time.perf_counter()
{code}
elapsed = time.perf_counter() - started
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(elapsed, int(peak.split()[1]) / 1024)
"""

CASES = {
    "floor (Django set up)": SETUP,
    "worker now": WORKER,
    "worker with pandas and WeasyPrint at start": EAGER,
}


def measure(code: str) -> tuple[float, float]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mobility.settings",
        "SECRET_KEY": "benchmark-only-secret-key",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "-c", MEASURE.format(code=code)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, megabytes = result.stdout.split()
    return float(seconds), float(megabytes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    figures = {}
    for _ in range(runs):  # interleaved, so that a burst of load hits every case alike
        for name, code in CASES.items():
            figures.setdefault(name, []).append(measure(code))
    floor_time = statistics.median(seconds for seconds, _ in figures["floor (Django set up)"])
    floor_memory = statistics.median(mb for _, mb in figures["floor (Django set up)"])
    print(f"{'':45} {'start':>8} {'× floor':>8} {'memory':>9} {'× floor':>8}")
    for name, values in figures.items():
        seconds = statistics.median(value[0] for value in values)
        megabytes = statistics.median(value[1] for value in values)
        print(
            f"{name:45} {seconds:7.2f}s {seconds / floor_time:8.1f} "
            f"{megabytes:6.0f} MB {megabytes / floor_memory:8.2f}"
        )


if __name__ == "__main__":
    main()
