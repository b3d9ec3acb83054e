"""Does a one-platform report cost the same whatever the size of the network? (run on
purpose, never in the test suite)

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mobility_bench \\
        .venv/bin/python bench/report_scales.py [--scales 0.1 1] [--runs 5]

For each scale it uses its own database, named after DATABASE_URL's with the number of
platforms appended (mobility_bench_10p, mobility_bench_100p), built by
bench/report_national.py's generator if missing (a few minutes at scale 1), then reused.
Platform 1 is the same in every network (1,000 people, 140 vehicles, 200 enrolments, their
year): it prints, for each scale, the best of --runs one-platform annual reports, and the
network-wide attendance aggregate (every attendance row of the year, the heaviest single
query of the network report), then the ratio of the largest scale to the smallest. The
target is a ratio under 1.3 for the one-platform report.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mobility.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")

import report_national  # noqa: E402


def best(function, runs: int) -> float:
    function()  # warm: the first run loads pandas and fills PostgreSQL's buffers
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def use_database(base_url: str, platforms: int) -> str:
    """Point Django's default connection at this scale's database, created if missing."""
    import psycopg

    name = f"{base_url.rsplit('/', 1)[1].split('?')[0]}_{platforms}p"
    server = base_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    from django.core.management import call_command
    from django.db import connection as django_connection

    django_connection.close()
    django_connection.settings_dict["NAME"] = name
    call_command("migrate", verbosity=0)
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.1, 1.0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        sys.exit("Ce banc d'essai demande PostgreSQL : DATABASE_URL=postgres://...")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from mobility.reports import queries
    from mobility.reports.definition import usage_report
    from mobility.reports.queries import Scope

    start, end = report_national.YEAR_START, report_national.YEAR_END
    results = []
    for scale in sorted(args.scales):
        platforms = max(2, round(100 * scale))
        name = use_database(base_url, platforms)
        with connection.cursor() as cursor:
            if report_national.built_scale(cursor) != platforms:
                print(f"Construction de {platforms} plateformes dans {name}...", flush=True)
                with transaction.atomic():
                    report_national.build(cursor, platforms)
            attendance_rows = report_national.counts(cursor)["émargements"]
            # What autovacuum does on a live database: the visibility map that lets the
            # reports' covering indexes answer without visiting the table.
            cursor.execute("VACUUM (ANALYZE) drivingschool_attendance, drivingschool_lesson")
        today = timezone.localdate()
        one = Scope(start=start, end=end, platform_ids=(1,), today=today, funder_id=6)
        network = Scope(
            start=start, end=end, platform_ids=tuple(range(1, platforms + 1)), today=today
        )
        single = best(lambda one=one: usage_report(one), args.runs)
        aggregate = best(lambda network=network: queries.attendance(network), args.runs)
        results.append((platforms, single, aggregate))
        print(
            f"{platforms:>4} plateformes ({attendance_rows:>9,} émargements) : rapport d'une "
            f"plateforme {single:6.3f} s ; assiduité du réseau {aggregate:6.3f} s".replace(
                ",", " "
            ),
            flush=True,
        )
    (small, small_single, _), (large, large_single, _) = results[0], results[-1]
    print(
        f"Rapport d'une plateforme, {large} plateformes / {small} : "
        f"{large_single / small_single:.2f} (objectif < 1,3)"
    )


if __name__ == "__main__":
    main()
