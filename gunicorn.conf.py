"""gunicorn, as production runs it (`make serve`, deploy/systemd/mobility-web.service).

Every value can be set from the environment; see docs/deploiement.md.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Sync workers: the pages and the API are short database-bound requests.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A request that takes longer is stuck: the worker is replaced, the client gets a 502.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle each worker now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The application writes one JSON access line per request without the query string
# (which may hold a searched name): gunicorn's own access log would repeat it, with it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The proxy in front sets X-Forwarded-For/Proto; only trust it from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "mobility"
# The application loads once in the master, which then imports what a worker's first
# requests would (pandas, WeasyPrint, every URL, the OpenAPI schema: mobility/warmup.py)
# before forking: workers start warm, and share those pages of memory with the master.
# GUNICORN_PRELOAD=0 loads the application in each worker instead (a code reload on HUP).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").strip().lower() not in {"0", "false", "no"}


def when_ready(server):
    """In the master, once it listens and before the workers fork."""
    if preload_app:
        from mobility.warmup import warm

        server.log.info("Warmed up before forking: %s", ", ".join(warm()))
