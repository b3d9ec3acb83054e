"""The service under load, each path beside the cheapest page of the site (run on purpose,
never in the test suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mobility_bench \\
        .venv/bin/python bench/http_load.py [--scale 0.1] [--seconds 10] [--connections 8]

It builds (or reuses) the national dataset of bench/report_national.py at --scale in the
PostgreSQL database of DATABASE_URL, adds on its platform 1 the accounts of a working day
(admin, adviser, fleet agent, instructor, prescriber, with API tokens and signed-in
sessions) and 24 rentals started 200 days ago for the check-ins, collects the static files,
then starts gunicorn as production runs it (gunicorn.conf.py, --workers sync workers,
DEBUG=0, Redis cache) and drives it with `wrk` (Debian package `wrk`) at --connections
connections for --seconds per run:

- the floor: the sign-in page (GET /connexion/), the cheapest page of the site;
- each path alone: API reads and writes, pages, the one-platform report JSON, openapi.json;
- a mixed working day: advisers reading the inbox and files, fleet tablets posting
  check-ins, instructors posting sheets, prescribers posting fiches, a few reports.

Every write is a real one: each check-in is a new day of one of the rentals, each fiche a
new person, each attendance sheet flips its rows. It prints, per run, requests/s,
p50/p95/p99 latency, the answers that were not 2xx/3xx (errors), and the ratios to the
floor: throughput (floor ÷ path) and p95 (path ÷ floor). Targets: API within 4x the floor's
throughput, pages within 6x, report JSON within 10x, p95 under 4x the floor's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mobility.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")

import report_national  # noqa: E402

PASSWORD = "banc-essai-http"  # noqa: S105  (bench accounts of a throwaway database)
CHECKIN_RENTALS = 24
CHECKIN_DAYS_BACK = 200
SHEET_LESSONS = 16


@dataclass
class Call:
    """One kind of request: wrk's Lua builds it, with a counter for the writes."""

    name: str
    group: str  # floor, api, page, report
    method: str
    path: str
    headers: dict = field(default_factory=dict)
    body: str = ""
    lua: str = ""  # a Lua expression returning (path, body) from the counter `n`


def lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def lua_table(calls: list[Call], weights: list[int]) -> str:
    lines = ["local calls = {"]
    for call, weight in zip(calls, weights, strict=True):
        headers = ", ".join(
            f"[ {lua_string(key)} ] = {lua_string(value)}" for key, value in call.headers.items()
        )
        builder = call.lua or f"function(n) return {lua_string(call.path)}, nil end"
        lines.append(
            f"  {{method = {lua_string(call.method)}, headers = {{{headers}}}, "
            f"weight = {weight}, build = {builder}}},"
        )
    lines.append("}")
    return "\n".join(lines)


LUA = """
{table}
local total = 0
for _, call in ipairs(calls) do total = total + call.weight end
local n = 0
local offset = 0
function init(args)
  offset = tonumber(args[1]) or 0
  n = offset
end
function request()
  n = n + 1
  local pick = (n * 7919) % total
  for _, call in ipairs(calls) do
    if pick < call.weight then
      local path, body = call.build(n)
      return wrk.format(call.method, path, call.headers, body)
    end
    pick = pick - call.weight
  end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50),
    latency:percentile(95), latency:percentile(99)))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(platforms: int) -> dict:
    """The dataset, the accounts and the rows the writes need; what the calls need to know."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from drivingschool.models import Lesson
    from fleet import services as fleet_services
    from fleet.models import Rental
    from mobility import tokens
    from mobility.enums import OrganisationKind, PathwayStatus, Role
    from mobility.models import Beneficiary, Membership, Organisation, Pathway, Platform, User

    with connection.cursor() as cursor:
        if report_national.built_scale(cursor) != platforms:
            print(f"Construction de l'année 2025 de {platforms} plateformes...", flush=True)
            with transaction.atomic():
                report_national.build(cursor, platforms)
    platform = Platform.objects.get(pk=1)
    prescriber_org = Organisation.objects.filter(
        platform=platform, kind=OrganisationKind.PRESCRIBER
    ).first()
    users, headers, cookies = {}, {}, {}
    for username, role in (
        ("banc_admin", Role.ADMIN),
        ("banc_conseil", Role.ADVISER),
        ("banc_flotte", Role.FLEET),
        ("banc_moniteur", Role.INSTRUCTOR),
        ("banc_prescripteur", Role.PRESCRIBER),
    ):
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": "Banc", "last_name": role.label}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
        Membership.objects.get_or_create(
            user=user,
            platform=platform,
            role=role,
            organisation=prescriber_org if role == Role.PRESCRIBER else None,
        )
        users[role] = user
        headers[role] = {"Authorization": f"Bearer {tokens.issue_token(user=user, label='banc')}"}
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies[role] = {"Cookie": f"sessionid={session.session_key}"}

    today = timezone.localdate()
    start = today - timedelta(days=CHECKIN_DAYS_BACK)
    # Rentals of this bench with at least 100 days left to check in (else, new ones).
    rentals = [
        rental
        for rental in Rental.objects.filter(platform=platform, start_date=start, status="open")
        .annotate(last=Max("checkins__date"))
        .order_by("pk")
        if rental.last is None or (today - rental.last).days > 100
    ]
    if len(rentals) < CHECKIN_RENTALS:
        print("Locations ouvertes pour les points étapes...", flush=True)
        fleet_user = users[Role.FLEET]
        busy = Rental.objects.filter(status="open").values("pathway_id")
        pathways = list(
            Pathway.objects.filter(platform=platform, status=PathwayStatus.OPEN)
            .exclude(pk__in=busy)
            .order_by("pk")[: CHECKIN_RENTALS - len(rentals)]
        )
        for index, pathway in enumerate(pathways):
            vehicle = fleet_services.vehicle_create(
                by=fleet_user, platform=platform, kind="ebike", label=f"Banc {len(rentals)} {index}"
            )
            rentals.append(
                fleet_services.rental_create(
                    by=users[Role.ADMIN],
                    pathway=pathway,
                    vehicle=vehicle,
                    start_date=start,
                    deposit=0,
                    contract_signed=True,
                    home_work_km=12,
                    override_reason="Banc d'essai : location de charge.",
                )
            )
    lessons = list(
        Lesson.objects.filter(
            platform=platform, start__lt=timezone.now(), cancelled_at__isnull=True
        )
        .prefetch_related("enrolments")
        .order_by("-start")[:SHEET_LESSONS]
    )
    beneficiary = Beneficiary.objects.filter(platform=platform, pathways__isnull=False).first()
    return {
        "headers": headers,
        "cookies": cookies,
        "prescriber_id": prescriber_org.pk,
        "rentals": [rental.pk for rental in rentals],
        "checkin_start": start,
        "today": today,
        "lessons": [
            (lesson.pk, sorted(enrolment.pk for enrolment in lesson.enrolments.all()))
            for lesson in lessons
        ],
        "beneficiary_id": beneficiary.pk,
    }


def checkin_days(data: dict) -> list[tuple[int, int]]:
    """Each check-in rental, with the days since its start already checked in."""
    from django.db.models import Max

    from fleet.models import CheckIn

    last = dict(
        CheckIn.objects.filter(rental_id__in=data["rentals"])
        .values_list("rental_id")
        .annotate(last=Max("date"))
    )
    start = data["checkin_start"]
    return [(pk, (last[pk] - start).days if pk in last else 0) for pk in data["rentals"]]


def calls_for(data: dict) -> dict[str, Call]:
    from mobility.enums import Role

    api, cookie = data["headers"], data["cookies"]
    json_headers = {"Content-Type": "application/json"}
    # Check-ins: the c-th of the run is the next day of rental c % R (read from the
    # database before each run), its odometer 10 km further a day.
    rentals = checkin_days(data)
    rental_table = "{" + ", ".join(f"{{{pk}, {skipped}}}" for pk, skipped in rentals) + "}"
    start = data["checkin_start"]
    checkin = (
        f"function(n) local r = {rental_table}; local R = #r; "
        f"checkins = (checkins or 0) + 1; local c = checkins - 1; local k = c % R + 1; "
        f"local d = r[k][2] + 1 + math.floor(c / R); "
        f"local t = os.time({{year={start.year}, month={start.month}, day={start.day}, "
        f"hour=12}}) + d * 86400; "
        f"return '/api/v1/fleet/rentals/' .. r[k][1] .. '/checkins', "
        f'string.format(\'{{"date": "%s", "odometer_km": %d, "condition": '
        f'{{"tyres": "ok", "brakes": "ok", "lights": "ok", "body": "ok", '
        f'"cleanliness": "ok"}}}}\', os.date(\'%Y-%m-%d\', t), 1000 + d * 10) end'
    )
    # Attendance: sheet n of lesson n % L, every row present or late in turn.
    sheets = []
    for lesson_pk, enrolments in data["lessons"]:
        present = json.dumps([{"enrolment_id": pk, "status": "present"} for pk in enrolments])
        late = json.dumps(
            [{"enrolment_id": pk, "status": "late", "late_minutes": 5} for pk in enrolments]
        )
        sheets.append(f"{{{lesson_pk}, {lua_string(present)}, {lua_string(late)}}}")
    attendance = (
        f"function(n) local s = {{{', '.join(sheets)}}}; local L = #s; local k = n % L + 1; "
        f"local body = s[k][2]; if math.floor(n / L) % 2 == 1 then body = s[k][3] end; "
        f"return '/api/v1/drivingschool/lessons/' .. s[k][1] .. '/attendance', body end"
    )
    # Fiches: a new person each time (letters from the counter: names refuse digits).
    fiche = json.dumps(
        {
            "prescriber": data["prescriber_id"],
            "referent": {"name": "Sophie Lambert", "email": "sophie@ml.example", "phone": ""},
            "person": {
                "first_name": "Yasmina",
                "last_name": "NAME",
                "birth_date": "1997-02-14",
                "sex": "f",
                "phone": "06 12 34 56 78",
                "email": "",
                "address": "12 rue du Lac",
                "postal_code": "08200",
                "commune": "Sedan",
                "qpv": True,
                "rsa": True,
                "rqth": False,
            },
            "licence": {"held": False, "since": None},
            "job": {
                "kind": "job",
                "contract": "cdd",
                "start_date": (data["today"] + timedelta(days=30)).isoformat(),
                "address": "Zone industrielle, Glaire",
                "home_work_km": 14,
                "atypical_hours": True,
            },
            "needs": ["rental_scooter"],
            "comment": "Banc d'essai.",
        }
    )
    referral = (
        "function(n) local name = ''; local m = n + os.time() * 1000; "
        "while m > 0 do name = name .. string.char(97 + m % 26); m = math.floor(m / 26) end; "
        f"local body = string.gsub({lua_string(fiche)}, 'NAME', 'Banc' .. name); "
        "return '/api/v1/referrals', body end"
    )
    report = "/api/v1/reports/usage?start=2025-01-01&end=2025-12-31&platform=1&format=json"
    calls = [
        Call("page de connexion (plancher)", "floor", "GET", "/connexion/"),
        Call("API : liste des fiches", "api", "GET", "/api/v1/referrals", api[Role.ADVISER]),
        Call(
            "API : POST point étape",
            "api",
            "POST",
            "",
            {**api[Role.FLEET], **json_headers},
            lua=checkin,
        ),
        Call(
            "API : POST émargement",
            "api",
            "POST",
            "",
            {**api[Role.INSTRUCTOR], **json_headers},
            lua=attendance,
        ),
        Call(
            "API : POST fiche de liaison",
            "api",
            "POST",
            "",
            {**api[Role.PRESCRIBER], **json_headers},
            lua=referral,
        ),
        Call("page : fiches reçues", "page", "GET", "/fiches/", cookie[Role.ADVISER]),
        Call(
            "page : dossier d'une personne",
            "page",
            "GET",
            f"/beneficiaires/{data['beneficiary_id']}/",
            cookie[Role.ADVISER],
        ),
        Call("page : tableau de la flotte", "page", "GET", "/flotte/", cookie[Role.FLEET]),
        Call("rapport JSON d'une plateforme", "report", "GET", report, api[Role.ADMIN]),
        Call("API : openapi.json", "api", "GET", "/api/openapi.json"),
    ]
    return {call.name: call for call in calls}


# A working day, in requests: advisers read, tablets and instructors write, a few reports.
MIX = {
    "API : liste des fiches": 10,
    "API : POST point étape": 10,
    "API : POST émargement": 5,
    "API : POST fiche de liaison": 5,
    "page : fiches reçues": 20,
    "page : dossier d'une personne": 25,
    "page : tableau de la flotte": 20,
    "rapport JSON d'une plateforme": 1,
    "page de connexion (plancher)": 4,
}


def start_server(env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "mobility.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{env['PORT']}/connexion/"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn s'est arrêté :\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    sys.exit(f"gunicorn ne répond pas :\n{log.read_text()[-3000:]}")


def check(url: str, call: Call) -> None:
    """A read answers 200 itself (not a redirect to the sign-in page, which wrk would count
    as a success)."""
    if call.lua:
        return
    request = urllib.request.Request(url + call.path, headers=call.headers, method=call.method)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        status = urllib.request.build_opener(NoRedirect).open(request, timeout=60).status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        sys.exit(f"{call.name} : {call.path} répond {status}, pas 200")


def run_wrk(url: str, calls: list[Call], weights: list[int], args, offset: int, tmp: Path):
    script = tmp / "calls.lua"
    script.write_text(LUA.format(table=lua_table(calls, weights)))
    command = [
        "wrk",
        "-t1",  # one Lua state: the counter numbers every write once
        f"-c{args.connections}",
        f"-d{args.seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        url,
        "--",
        str(offset),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", done.stdout)
    if match is None:
        sys.exit(f"wrk : {done.stdout}\n{done.stderr}\n(script {script})")
    requests, duration_us, socket_errors, status_errors, p50, p95, p99 = map(int, match.groups())
    return {
        "requests": requests,
        "rps": requests / (duration_us / 1e6),
        "errors": socket_errors + status_errors,
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="1 : 100 plateformes")
    parser.add_argument("--seconds", type=int, default=10, help="durée de chaque mesure")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--only", nargs="*", help="noms des chemins à mesurer (défaut : tous)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk manque : scripts/apt-install wrk (paquet Debian).")
    database_url = os.environ.get("DATABASE_URL", "")
    platforms = max(2, round(100 * args.scale))
    report_national.setup_django(database_url)
    data = prepare(platforms)
    calls = calls_for(data)
    names = list(calls)

    tmp = Path(tempfile.mkdtemp(prefix="http_load_"))
    static_root = Path(tempfile.gettempdir()) / "mobility_http_load_static"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST")) and key != "DEBUG"
    }
    env.update(
        DATABASE_URL=database_url,
        # The bench's own key: the sessions it signed in are valid for the server.
        SECRET_KEY=os.environ["SECRET_KEY"],
        DEBUG="0",
        PORT=str(free_port()),
        WEB_CONCURRENCY=str(args.workers),
        CACHE_URL=args.cache_url,
        API_THROTTLE_USER="10000000/min",
        STATIC_ROOT=str(static_root),
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
    )
    if not (static_root / "staticfiles.json").exists():
        print("collectstatic...", flush=True)
        subprocess.run(
            [str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    log = tmp / "gunicorn.log"
    server = start_server(env, log)
    url = f"http://127.0.0.1:{env['PORT']}"
    print(
        f"gunicorn {args.workers} processus, wrk {args.connections} connexions, "
        f"{args.seconds} s par mesure, {platforms} plateformes ; journal {log}",
        flush=True,
    )
    runs = [(name, [name], [1]) for name in names]
    runs.append(("journée mélangée", list(MIX), list(MIX.values())))
    if args.only:
        runs = [run for run in runs if run[0] in args.only or run[0] == names[0]]
    results = []
    try:
        for call in calls.values():
            check(url, call)
        # Each worker's first answers warm its caches: not measured. The counter goes on
        # from run to run (plus what wrk built but never sent), so every fiche is new; the
        # check-ins start again from each rental's last day, read before each run.
        warm = run_wrk(url, [calls[name] for name in MIX], list(MIX.values()), args, 0, tmp)
        offset = warm["requests"] + 1000
        for name, run_names, weights in runs:
            calls = calls_for(data)
            run_calls = [calls[run_name] for run_name in run_names]
            result = run_wrk(url, run_calls, weights, args, offset, tmp)
            offset += result["requests"] + 1000
            results.append((name, run_calls[0].group if len(run_calls) == 1 else "mix", result))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    floor = results[0][2]
    limits = {"api": 4, "page": 6, "report": 10, "mix": 6, "floor": 1}
    print()
    print(
        "| chemin | req/s | p50 ms | p95 ms | p99 ms | erreurs | × plancher (débit) "
        "| × plancher (p95) | objectif |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, group, result in results:
        slower = floor["rps"] / result["rps"] if result["rps"] else float("inf")
        p95 = result["p95"] / floor["p95"] if floor["p95"] else float("inf")
        target = f"≤ {limits[group]} ×" if group != "floor" else "—"
        print(
            f"| {name} | {result['rps']:.0f} | {result['p50']:.1f} | {result['p95']:.1f} | "
            f"{result['p99']:.1f} | {result['errors']} | {slower:.1f} | {p95:.1f} | {target} |"
        )
    if any(result["errors"] for _name, _group, result in results):
        print(f"\nDes réponses en erreur : voir {log}")


if __name__ == "__main__":
    main()
