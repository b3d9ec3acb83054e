"""A database outage under a stream of check-ins (run on purpose, never in the test suite).

    .venv/bin/python bench/database_outage.py [--stop-seconds 8] [--server auto]

It serves the project as production does (gunicorn when installed, else runserver, with
DEBUG off and JSON logs) on a dedicated PostgreSQL database of the local cluster
(`mobility_outage` by default, created, migrated and seeded if needed), creates demo
rentals through the API, then streams authenticated check-ins
(`POST /api/v1/fleet/rentals/{id}/checkins` with an Idempotency-Key, retried with the same
key on a 503 as the fleet tablet does) while it stops the PostgreSQL cluster for a few
seconds and starts it again. It then checks, and prints the counts:

- no response was a 500 (nor any 5xx but the 503 of the outage), none was other than JSON;
- every check-in answered with a 2xx is in the database, and none is there twice.

CAREFUL: stopping the cluster stops it for every database and every person using this
machine. The stop lasts at most 10 s, and the cluster is started again whatever happens
(try/finally, also on Ctrl-C or SIGTERM). `--no-outage` runs the same stream without
stopping anything, to try the script itself.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mobility_outage"
MAX_STOP_SECONDS = 10
CONDITION_OK = dict.fromkeys(("tyres", "brakes", "lights", "body", "cleanliness"), "ok")
# A referral can be typed in up to a year after its reception: one check-in a day, the
# rental started this many days ago allows as many check-ins.
RENTAL_DAYS = 360


def today() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()  # the service's day


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---- the database and the cluster


def ensure_database(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1].split("?")[0]
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            log(f"base {name} créée")


def cluster(action: str, version_and_name: str) -> None:
    version, name = version_and_name.split("/")
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action]
    if action == "stop":
        command += ["--mode", "fast"]
    subprocess.run(command, check=True, timeout=60)


def wait_for_database(database_url: str, timeout: float = 60) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(database_url, connect_timeout=2) as connection:
                connection.execute("SELECT 1")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# ---- the service


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def service_environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "LOG_FORMAT": "json",
        # The stream is faster than a person; throttling is not what is measured here.
        "API_THROTTLE_USER": "1000000/min",
        # The referents' e-mails are not what is measured either.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
    }


def manage(env: dict[str, str], *arguments: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(arguments)} a échoué :\n{result.stderr}")
    return result.stdout


def start_server(kind: str, env: dict[str, str], port: int, log_file) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent))
    if kind == "auto":
        kind = "gunicorn" if gunicorn else "runserver"
    if kind == "gunicorn":
        if not gunicorn:
            sys.exit("gunicorn n'est pas installé dans cet environnement : --server runserver.")
        command = [
            gunicorn,
            "mobility.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "30",
        ]
    else:
        command = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    log(f"serveur : {kind} sur le port {port}")
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


# ---- HTTP


@dataclass
class Answer:
    status: int  # 0: no HTTP answer at all
    body: dict | None  # None: not JSON
    headers: dict = field(default_factory=dict)


def call(base: str, method: str, path: str, token: str, body=None, headers=None) -> Answer:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw, answer_headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, raw, answer_headers = error.code, error.read(), error.headers
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return Answer(0, None)
    parsed = None
    if answer_headers.get("Content-Type", "").startswith("application/json"):
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
    return Answer(status, parsed, dict(answer_headers))


def expect(answer: Answer, status: int, what: str) -> dict:
    if answer.status != status or answer.body is None:
        sys.exit(f"{what} : réponse {answer.status} inattendue : {answer.body}")
    return answer.body


def wait_for_server(base: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/connexion/", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    sys.exit("le serveur n'a pas répondu à temps")


# ---- the demo rentals


def letters(n: int) -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(n))


ACCEPT_IN_THE_PAST = """
import json, sys
from datetime import date
from mobility import services
from mobility.models import Referral, User
adviser = User.objects.get(username="conseiller")
opened_on = date.fromisoformat(sys.argv[1])
pathways = []
for pk in json.loads(sys.argv[2]):
    referral = services.referral_accept(
        referral=Referral.objects.get(pk=pk), by=adviser, opened_on=opened_on
    )
    pathways.append(referral.pathway_id)
print(json.dumps(pathways))
"""


def accept_in_the_past(env: dict[str, str], referrals: list[int], opened_on: date) -> list[int]:
    """Accept the fiches as typed in later, on the day they arrived (the page allows it;
    the API opens a pathway today), through the same service."""
    result = subprocess.run(
        [PYTHON, "-c", "import django; django.setup()\n" + ACCEPT_IN_THE_PAST]
        + [opened_on.isoformat(), json.dumps(referrals)],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "mobility.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        sys.exit(f"acceptation des fiches : échec\n{result.stderr}")
    return json.loads(result.stdout.splitlines()[-1])


def create_rentals(
    base: str, env: dict[str, str], adviser: str, fleet: str, count: int
) -> list[tuple[int, date]]:
    """`count` open bike rentals started RENTAL_DAYS ago, each for a new person."""
    organisations = expect(
        call(base, "GET", "/api/v1/organisations?kind=prescriber", adviser), 200, "organisations"
    )
    prescriber = organisations["items"][0]["id"]
    started = today() - timedelta(days=RENTAL_DAYS)
    referrals = []
    for _ in range(count):
        referral = expect(
            call(
                base,
                "POST",
                "/api/v1/referrals",
                adviser,
                {
                    "prescriber": prescriber,
                    "referent": {"name": "Banc d'essai", "email": "banc@example.org"},
                    "person": {
                        "first_name": "Essai",
                        "last_name": "Panne" + letters(8).capitalize(),
                        "birth_date": "1990-01-01",
                        "sex": "x",
                        "commune": "Sedan",
                    },
                    "job": {"kind": "job", "contract": "cdi", "home_work_km": 5},
                    "needs": ["rental_bike"],
                    "received_on": started.isoformat(),
                },
            ),
            201,
            "fiche de liaison",
        )
        referrals.append(referral["id"])
    pathways = accept_in_the_past(env, referrals, started)
    rentals = []
    for index, pathway_id in enumerate(pathways):
        vehicle = expect(
            call(
                base,
                "POST",
                "/api/v1/fleet/vehicles",
                fleet,
                {"kind": "bike", "label": f"Vélo panne {index + 1}", "odometer_km": 0},
            ),
            201,
            "véhicule",
        )
        rental = expect(
            call(
                base,
                "POST",
                "/api/v1/fleet/rentals",
                fleet,
                {
                    "pathway_id": pathway_id,
                    "vehicle_id": vehicle["id"],
                    "start_date": started.isoformat(),
                    "deposit": "150.00",
                    "contract_signed": True,
                },
            ),
            201,
            "location",
        )
        rentals.append((rental["id"], started))
    return rentals


# ---- the stream


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    non_json: int = 0
    no_answer: int = 0
    recorded: dict = field(default_factory=dict)  # Idempotency-Key -> check-in id (2xx)
    lock: threading.Lock = field(default_factory=threading.Lock)


def stream(base: str, token: str, rentals, run: str, tally: Tally, stop: threading.Event):
    """One tablet: check-ins day after day on its rentals, each retried with the same key
    until it is answered by something else than a 503 (or no answer)."""
    starts = dict(rentals)
    days = dict(rentals)  # rental -> day of its last check-in
    while not stop.is_set():
        for rental_id in list(days):
            day = days[rental_id] + timedelta(days=1)
            if day > today():
                days.pop(rental_id)
                continue
            key = f"panne-{run}-{rental_id}-{day.isoformat()}"
            body = {
                "date": day.isoformat(),
                "odometer_km": (day - starts[rental_id]).days * 10,
                "condition": CONDITION_OK,
            }
            while True:
                answer = call(
                    base,
                    "POST",
                    f"/api/v1/fleet/rentals/{rental_id}/checkins",
                    token,
                    body,
                    {"Idempotency-Key": key},
                )
                with tally.lock:
                    if answer.status == 0:
                        tally.no_answer += 1
                    else:
                        tally.statuses[answer.status] += 1
                        if answer.body is None:
                            tally.non_json += 1
                    if 200 <= answer.status < 300 and answer.body is not None:
                        tally.recorded[key] = answer.body["id"]
                if answer.status in (0, 503) and not stop.is_set():
                    # The tablet waits (at most Retry-After) and tries again with the same key.
                    time.sleep(min(float(answer.headers.get("Retry-After", 1)), 0.5))
                    continue
                break
            if answer.status not in (0, 503):
                days[rental_id] = day
            if stop.is_set():
                return
        if not days:
            return


# ---- the run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("OUTAGE_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--cluster", default="15/main", help="version/nom du cluster local")
    parser.add_argument("--server", choices=["auto", "gunicorn", "runserver"], default="auto")
    parser.add_argument(
        "--stop-seconds",
        type=float,
        default=6,
        help="durée de l'arrêt, arrêt du cluster compris (10 au plus ; le redémarrage s'y ajoute)",
    )
    parser.add_argument("--before", type=float, default=4, help="secondes de flux avant l'arrêt")
    parser.add_argument("--after", type=float, default=6, help="secondes de flux après le retour")
    parser.add_argument("--tablets", type=int, default=2, help="clients en parallèle")
    parser.add_argument("--no-outage", action="store_true", help="ne rien arrêter (essai)")
    options = parser.parse_args()
    if not 0 < options.stop_seconds <= MAX_STOP_SECONDS:
        parser.error(f"--stop-seconds : entre 0 et {MAX_STOP_SECONDS} secondes")
    if "@127.0.0.1" not in options.database_url and "@localhost" not in options.database_url:
        parser.error("la base doit être sur le cluster local (127.0.0.1) : c'est lui qui s'arrête")

    ensure_database(options.database_url)
    env = service_environment(options.database_url)
    log("migrate et seed_demo…")
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    adviser = manage(env, "create_api_token", "conseiller", "--label", "banc panne").split()[-1]
    fleet = manage(env, "create_api_token", "flotte", "--label", "banc panne").split()[-1]

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = Path(tempfile.mkdtemp(prefix="panne-")) / "server.log"
    with server_log.open("w") as log_file:
        server = start_server(options.server, env, port, log_file)
    try:
        wait_for_server(base)
        rentals = create_rentals(base, env, adviser, fleet, count=2 * options.tablets)
        log(f"{len(rentals)} locations créées : {[rental_id for rental_id, _ in rentals]}")
        tally, stop = Tally(), threading.Event()
        run = secrets.token_hex(4)
        tablets = [
            threading.Thread(
                target=stream, args=(base, fleet, rentals[i :: options.tablets], run, tally, stop)
            )
            for i in range(options.tablets)
        ]
        for tablet in tablets:
            tablet.start()
        time.sleep(options.before)
        stopped_for = outage(options)
        time.sleep(options.after)
        stop.set()
        for tablet in tablets:
            tablet.join(timeout=60)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    wait_for_database(options.database_url)
    return report(options, tally, rentals, stopped_for, server_log)


def outage(options) -> float:
    """Stop the cluster, keep it down --stop-seconds in all (its shutdown included: a fast
    shutdown waits for a checkpoint), start it again whatever happens; return how long it
    was unreachable, until it accepted a connection again."""
    if options.no_outage:
        log("--no-outage : le cluster reste en marche")
        time.sleep(options.stop_seconds)
        return 0.0

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupted)
    started = time.monotonic()
    try:
        log(f"arrêt du cluster PostgreSQL {options.cluster}")
        cluster("stop", options.cluster)
        log(f"arrêté en {time.monotonic() - started:.1f} s")
        time.sleep(max(0.0, options.stop_seconds - (time.monotonic() - started)))
    finally:
        log(f"redémarrage du cluster PostgreSQL {options.cluster}")
        cluster("start", options.cluster)
        signal.signal(signal.SIGTERM, previous)
    wait_for_database(options.database_url)
    stopped_for = time.monotonic() - started
    log(f"cluster de retour après {stopped_for:.1f} s")
    return stopped_for


def report(options, tally: Tally, rentals, stopped_for: float, server_log: Path) -> int:
    import psycopg

    rental_ids = [rental_id for rental_id, _ in rentals]
    with psycopg.connect(options.database_url) as connection:
        in_database = [
            row[0]
            for row in connection.execute(
                "SELECT id FROM fleet_checkin WHERE rental_id = ANY(%s)", [rental_ids]
            )
        ]
    acknowledged = set(tally.recorded.values())
    missing = acknowledged - set(in_database)
    duplicates = len(in_database) - len(set(in_database))
    unacknowledged = set(in_database) - acknowledged
    server_errors = sum(
        n for status, n in tally.statuses.items() if status >= 500 and status != 503
    )
    lines = server_log.read_text(errors="replace").splitlines()
    json_lines = 0
    for line in lines:
        try:
            json.loads(line)
            json_lines += 1
        except ValueError:
            pass

    print()
    print(f"PostgreSQL injoignable       : {stopped_for:.1f} s")
    print(f"réponses par statut          : {dict(sorted(tally.statuses.items()))}")
    print(f"sans réponse HTTP            : {tally.no_answer}")
    print(f"réponses non JSON            : {tally.non_json}")
    print(f"réponses 5xx autres que 503  : {server_errors}")
    print(f"points étapes acquittés (2xx): {len(acknowledged)}")
    print(f"  dont absents de la base    : {len(missing)}")
    print(
        f"points étapes en base        : {len(in_database)} (doublons : {duplicates}, "
        f"enregistrés sans 2xx reçu : {len(unacknowledged)})"
    )
    print(f"journal du serveur           : {server_log} ({json_lines}/{len(lines)} lignes JSON)")
    failures = []
    if server_errors:
        failures.append("des réponses 5xx autres que 503")
    if tally.non_json:
        failures.append("des réponses non JSON")
    if missing:
        failures.append(f"des points étapes acquittés absents de la base : {sorted(missing)}")
    if duplicates or unacknowledged:
        failures.append("des points étapes en double ou sans accusé")
    if not options.no_outage and not tally.statuses.get(503):
        failures.append("aucun 503 : la panne n'a pas été vue par le flux")
    if not acknowledged:
        failures.append("aucun point étape enregistré")
    print()
    if failures:
        print("ÉCHEC : " + " ; ".join(failures) + ".")
        return 1
    print("OK : aucune 500, tout en JSON, chaque 2xx est en base, une seule fois.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
