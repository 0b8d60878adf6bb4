"""Reads from a PostgreSQL replica where a stale answer is harmless; everything else on the primary.

With DATABASE_REPLICA_URL unset there is no `replica` alias and the router
answers nothing, leaving Django's single database. With it set, a read goes to
the replica only inside a block that allows it: the pinning middleware
(newsroom.primary_pinning) opens one for a public page read by someone with no
session and no recent write. Everywhere else (the admin, signed-in editors,
previews, management commands, the shell) reads stay on the primary, as does:

- every write, and every read within a transaction on the primary, which
  expects to see what the transaction wrote;
- the models a write is read back from at once, or that must never be stale:
  sessions, users and groups, the admin log, content types, revisions.

The replica holds the same rows, so relations between objects read from either
database are allowed; migrations run on the primary only.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"

PRIMARY_ONLY_APPS = frozenset(
    {
        "admin",
        "auth",
        "contenttypes",
        "reversion",
        "sessions",
        # Staff accounts: sign-in codes, sign-in lock-outs, the audit log.
        "accounts",
        "axes",
        "django_otp",
        "otp_static",
        "otp_totp",
    }
)

_replica_allowed: ContextVar[bool] = ContextVar("replica_allowed", default=False)


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def read_from_primary() -> Iterator[None]:
    """Every read within the block (or the decorated function) goes to the primary."""
    token = _replica_allowed.set(False)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


def allow_replica_reads() -> None:
    """Let the reads of the current request use the replica.

    Only the pinning middleware calls it, inside the read_from_primary() block
    that wraps the request, whose end takes the permission back.
    """
    _replica_allowed.set(True)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if not has_replica():
            return None
        if (
            not _replica_allowed.get()
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        # Objects related to one already read come from the same database.
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        return REPLICA

    def db_for_write(self, model, **hints) -> str | None:
        return PRIMARY if has_replica() else None

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        return db == PRIMARY
