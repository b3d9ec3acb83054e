"""Reports and exports may read from a PostgreSQL replica (DATABASE_REPLICA_URL).

They are the long reads of the service (a year of a network's rows): on a replica they
leave the primary to the short reads and writes of the working day. A report may lag the
primary by the replication delay (usually under a second), which a report for funders
never notices; everything else, writes above all, stays on the primary. Without a replica
configured, everything runs on `default`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """The reads inside go to the replica when one is configured (writes never do)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica_reads.get() and settings.REPLICA_READS:
            return REPLICA
        return None  # default

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's very rows: an object read there is the same.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's schema through replication.
        return db != REPLICA
