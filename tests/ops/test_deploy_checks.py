"""The documented production environment passes Django's deployment checks, warning-free."""

import secrets
import subprocess
import sys

from django.conf import settings

ENV_FILE = settings.BASE_DIR / "deploy" / "env.example"


def documented_environment() -> dict[str, str]:
    environment = {}
    for line in ENV_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            environment[key] = value.strip('"')
    return environment


def test_the_documented_environment_passes_check_deploy_without_a_warning():
    environment = documented_environment()
    assert environment["SECRET_KEY"] == "à-remplacer"
    environment["SECRET_KEY"] = secrets.token_urlsafe(50)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stdout + result.stderr


def test_behind_https_plain_http_is_redirected_but_the_health_check_answers(settings, client, db):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/connexion/").status_code == 301
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
