import os
import subprocess
import sys

from django.conf import settings

ENVIRONMENT = {
    key: value
    for key, value in os.environ.items()
    if key not in {"SECRET_KEY", "DEBUG", "ALLOW_INSECURE_SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
}


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={
            **ENVIRONMENT,
            "DJANGO_SETTINGS_MODULE": "mobility.settings",
            "DATABASE_URL": "sqlite:///:memory:",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_web_server_refuses_to_start_without_a_secret_key():
    result = run("import mobility.wsgi")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_offline_commands_run_without_a_secret_key():
    result = run(
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('makemigrations', '--check', '--dry-run')"
    )
    assert result.returncode == 0, result.stderr
