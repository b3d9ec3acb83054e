"""Start the service the way `make serve` does, in its own PostgreSQL database, for tests
that need real server processes (hashed static files, one cache across processes)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection
from psycopg import sql

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_until_answering(url: str, process: subprocess.Popen, log: Path, seconds=600) -> None:
    # Long enough for migrations and collectstatic's compression on a loaded machine.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the service stopped:\n{log.read_text()[-4000:]}")
        try:
            if get(url)[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"the service did not answer {url}:\n{log.read_text()[-4000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class Service:
    """A served instance: its environment, address and processes."""

    env: dict
    port: int
    log: Path
    process: subprocess.Popen | None = None
    others: list[subprocess.Popen] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [str(ROOT / ".venv/bin/python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self, *processes: str) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(ROOT / "scripts/serve"), *processes],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until_answering(self.url + "/connexion/", self.process, self.log)

    def start_another_web_server(self) -> str:
        """One more gunicorn on the same database and cache, as a second machine would be."""
        port = free_port()
        with self.log.open("ab") as out:
            process = subprocess.Popen(
                [str(ROOT / ".venv/bin/gunicorn"), "mobility.wsgi:application"],
                cwd=ROOT,
                env={**self.env, "PORT": str(port), "WEB_CONCURRENCY": "1"},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.others.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_until_answering(url + "/connexion/", process, self.log)
        return url

    def started_processes(self) -> dict[str, int]:
        """honcho's own lines: `web.1 started (pid=123)`."""
        return {
            name: int(pid)
            for name, pid in re.findall(r"(\w+)\.1 started \(pid=(\d+)\)", self.log.read_text())
        }

    def stop(self) -> None:
        for process in [*self.others, *([self.process] if self.process else [])]:
            stop(process)


def postgres_admin():
    database = connection.settings_dict
    return psycopg.connect(
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        user=database["USER"] or "postgres",
        dbname="postgres",
        autocommit=True,
    )


def new_service(tmp_path: Path, **environment: str) -> Service:
    database = connection.settings_dict
    name = f"mobility_served_{uuid.uuid4().hex[:10]}"
    url = (
        f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{name}"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "HYPOTHESIS")) and key != "DEBUG"
    }
    env.update(
        DATABASE_URL=url,
        SECRET_KEY="served-tests-" + uuid.uuid4().hex,
        PORT=str(free_port()),
        WEB_CONCURRENCY="2",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        **environment,
    )
    env.setdefault("STATIC_ROOT", str(tmp_path / "staticfiles"))
    return Service(env=env, port=int(env["PORT"]), log=tmp_path / "serve.log")


def drop_database(service: Service) -> None:
    name = service.env["DATABASE_URL"].rsplit("/", 1)[1]
    with postgres_admin() as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
