"""`CACHE_URL` to a Django cache: one cache that every process of the service shares.

Throttling counts calls in the cache: a cache per process would let each gunicorn worker
grant the whole limit. So the default is a table of the database, and Redis when given.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

SCHEMES = {
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
    "db": "django.core.cache.backends.db.DatabaseCache",
    # A cache of the process only: for tests and a one-process demo, never behind workers.
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
}


def cache_from_url(url: str) -> dict:
    """`redis://host:6379/0`, `db://table_name` or `locmem://` to a CACHES entry."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ImproperlyConfigured(
            f"CACHE_URL must start with one of {', '.join(sorted(SCHEMES))}://, not {url!r}"
        )
    config = {"BACKEND": SCHEMES[parts.scheme], "KEY_PREFIX": "mobility"}
    if parts.scheme.startswith("redis"):
        config["LOCATION"] = url
    elif parts.scheme == "db":
        if not parts.netloc:
            raise ImproperlyConfigured("CACHE_URL db:// needs a table name: db://mobility_cache")
        config["LOCATION"] = parts.netloc
    return config
