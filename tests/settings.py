"""Settings for the test suite: the real settings, with test-only secrets and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

from mobility.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run at once, in the process that enqueues them (after the commit), so a test reads
# the outcome right away. The tests of background work switch to the database backend and
# its worker (tests/background.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Serve static files from the finders: the suite does not run collectstatic.
WHITENOISE_AUTOREFRESH = True
# Sign-in throttling is off, except in the test that switches it on: the test client's
# login() gives django-axes no request to count.
AXES_ENABLED = False
# The suite calls the API far faster than a person: throttling has its own test.
API_THROTTLE_USER = "100000/min"
# Pages link plain static names: the suite does not run collectstatic (tests/ops proves the
# hashed names that production serves).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One process, and query counts that do not depend on the cache: the shared cache of
# production (Redis or the database) is proven in tests/ops with real server processes.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A replica alias that is the test database itself, unused unless a test turns
# REPLICA_READS on (tests/reports/test_replica_reads.py proves the routing with it).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
REPLICA_READS = False
