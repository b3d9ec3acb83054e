"""Helpers for the tests of background work: the real task worker, and mail servers
that misbehave."""

from __future__ import annotations

import os
import signal
import socket
import socketserver
import sys
import threading
from io import StringIO
from pathlib import Path
from urllib.parse import quote

from django.core.management import call_command
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def run_worker() -> str:
    """Run django-tasks' own worker (`manage.py db_worker`) here until no task is due."""
    # The worker installs its own signal handlers: give the test process its own back.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    out = StringIO()
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval=0", stdout=out
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    return out.getvalue()


class HangingSmtpServer:
    """An SMTP relay that accepts connections and never says a word."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.1)
        self.port = self.socket.getsockname()[1]
        self.connected = threading.Event()
        self._connections: list[socket.socket] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self.socket.accept()
            except TimeoutError:
                continue
            self._connections.append(conn)
            self.connected.set()

    def close(self) -> None:
        self._stopping.set()
        self._thread.join()
        for conn in self._connections:
            conn.close()
        self.socket.close()


class RecordingSmtpServer(socketserver.ThreadingTCPServer):
    """A working SMTP relay, just enough of the protocol, that keeps what it receives."""

    daemon_threads = True

    def __init__(self) -> None:
        self.messages: list[str] = []
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        self.port = self.server_address[1]
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1})
        self._thread.start()

    def close(self) -> None:
        self.shutdown()
        self._thread.join()
        self.server_close()


class _SmtpSession(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 test ESMTP")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command == "DATA":
                self.reply("354 go ahead")
                data = []
                while (body := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(body.decode())
                self.server.messages.append("".join(data))
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:  # EHLO, MAIL FROM, RCPT TO, RSET, NOOP
                self.reply("250 ok")


def subprocess_environment(**overrides: str) -> dict[str, str]:
    """The environment of a `manage.py` process on the test database, production settings."""
    settings_dict = connection.settings_dict
    user = quote(settings_dict["USER"] or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict["PASSWORD"] else ""
    url = (
        f"postgres://{user}{password}@{settings_dict['HOST'] or 'localhost'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mobility.settings",
        "SECRET_KEY": "tests-only-secret-key",
        "DEBUG": "0",
        "DATABASE_URL": url,
        "PYTHONUNBUFFERED": "1",
        **overrides,
    }


def manage_command(*args: str) -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), *args]
