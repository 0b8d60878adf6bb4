"""Django's Redis cache backend, keeping its Redis client objects and riding out an outage.

Django's client makes a new `redis.Redis` for every cache operation, and
each one builds its table of response callbacks: a page's few cache reads
spent more time there than on the network. A `redis.Redis` is safe to share
(its connection pool hands each command a connection), so one per server is
kept and reused.

A cache is only a cache, so the site keeps serving while Redis is down.
When Redis does not answer (connection refused or cut, a timeout, still
loading its data), an operation acts as on an empty cache that keeps
nothing: a read misses, a write is dropped, add() adds nothing and incr()
finds no key. Short socket timeouts make a dead Redis cost milliseconds
rather than seconds, and after a failure Redis is left alone for
RETRY_AFTER seconds, so an outage does not add a timeout to every request.
The outage is logged once when it starts and once when it ends.

A dropped write may leave an older value behind, in a Redis that comes back
with its data (a network cut, a restart from its dump): the content version
a save could not delete would serve the pages of before the save. So each
process remembers the keys it failed to write, and deletes them when Redis
answers again, before anything else reads them (with too many to remember,
it empties the cache). A process that served a public page during the
outage failed to write the content version too, so it forgets it as well.
"""

import logging
import threading
import time
from collections import defaultdict
from functools import partial
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError, ResponseError, TimeoutError

from newsroom.redis_tracking import TrackedKeys

logger = logging.getLogger(__name__)

# Redis answers in well under a millisecond on a working network.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.2, "socket_timeout": 0.5}
# Seconds Redis is left alone after a failure (OPTIONS["RETRY_AFTER"] changes it).
RETRY_AFTER = 5.0
# Past this many keys dropped in one outage, the whole cache is emptied when Redis is back.
MAX_LOST_KEYS = 10_000
DELETE_BATCH = 1000
# BusyLoadingError (a restarted Redis reading its dump) is a ConnectionError.
UNANSWERED = (ConnectionError, TimeoutError)
_NO_ANSWER = object()
EVERYTHING = "everything"  # what clear() writes


class ReusedClients(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(index)
        if client is None:
            client = clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class Outage:
    """Whether Redis at one location answers, shared by every thread of the process."""

    def __init__(self, location: str):
        self.location = location
        self.retry_after = RETRY_AFTER
        self.lock = threading.Lock()
        self.began: float | None = None  # time.monotonic()
        self.retry_at = 0.0
        self.lost: set[tuple[str, int | None]] = set()  # (key, version) of dropped writes
        self.lost_everything = False

    @property
    def is_on(self) -> bool:
        return self.began is not None

    def may_try(self) -> bool:
        return self.began is None or time.monotonic() >= self.retry_at

    def failed(self, error: Exception, writes) -> None:
        with self.lock:
            now = time.monotonic()
            if self.began is None:
                self.began = now
                logger.warning(
                    "Redis at %s does not answer (%s): pages are served without the cache, "
                    "and Redis is tried again every %g s.",
                    self.location,
                    error,
                    self.retry_after,
                )
            self.retry_at = now + self.retry_after
            self._lose(writes)

    def skipped(self, writes) -> None:
        if writes:
            with self.lock:
                self._lose(writes)

    def _lose(self, writes) -> None:
        if writes is EVERYTHING:
            self.lost_everything = True
        if self.lost_everything:
            self.lost.clear()
            return
        self.lost.update(writes)
        if len(self.lost) > MAX_LOST_KEYS:
            self.lost_everything = True
            self.lost.clear()

    def end(self, forget) -> None:
        """Redis answers again: forget(lost keys, everything?) first, then note the end."""
        with self.lock:
            if self.began is None:  # another thread ended it
                return
            forget(self.lost, self.lost_everything)
            logger.warning(
                "Redis at %s answers again after %.1f s; %s.",
                self.location,
                time.monotonic() - self.began,
                "the cache was emptied"
                if self.lost_everything
                else f"{len(self.lost)} keys written meanwhile were deleted",
            )
            self.began = None
            self.lost = set()
            self.lost_everything = False


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


_tracked: dict[str, TrackedKeys] = {}


def tracked_keys_of(location: str, connect) -> TrackedKeys:
    """The process's tracked keys at this server, shared by every thread's backend."""
    with _outages_lock:
        return _tracked.setdefault(location, TrackedKeys(connect))


def outage_of(location: str) -> Outage:
    with _outages_lock:
        return _outages.setdefault(location, Outage(shown(location)))


def forget_outages() -> None:
    """Start afresh, as if Redis had always answered (tests do, between tests)."""
    with _outages_lock:
        _outages.clear()
        for tracked in _tracked.values():
            tracked.forget()
        _tracked.clear()


def shown(location: str) -> str:
    """The servers' addresses without their passwords, for the log."""
    addresses = []
    for url in location.replace(";", ",").split(","):
        parts = urlsplit(url.strip())
        port = f":{parts.port}" if parts.port else ""
        addresses.append(f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}")
    return ", ".join(addresses)


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}
        retry_after = options.pop("RETRY_AFTER", RETRY_AFTER)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedClients
        # Django makes a backend per thread: the outage is the process's.
        self.outage = outage_of(server if isinstance(server, str) else ",".join(server))
        self.outage.retry_after = retry_after
        self.tracked = tracked_keys_of(self._servers[0], self._tracking_connection)

    def _tracking_connection(self):
        """A new connection to the first server, in RESP3, which carries tracking messages."""
        pool = self._cache._get_connection_pool(write=True)
        return pool.connection_class(**{**pool.connection_kwargs, "protocol": 3})

    def attempt(self, operation, *, writes=(), otherwise=None):
        """operation(), or `otherwise` if Redis does not answer (noting the writes dropped)."""
        try:
            return self._attempt(operation, writes, otherwise)
        finally:
            if writes:  # whatever happened, this process no longer knows what they hold
                self.tracked.forget(self._made_keys(writes))

    def _made_keys(self, writes) -> list[str] | None:
        if writes is EVERYTHING:
            return None
        return [self.make_key(key, version=version) for key, version in writes]

    def _attempt(self, operation, writes, otherwise):
        if not self.outage.may_try():
            self.outage.skipped(writes)
            return otherwise
        try:
            if self.outage.is_on:
                self.outage.end(self.forget)
            return operation()
        except UNANSWERED as error:
            self.outage.failed(error, writes)
            return otherwise

    def forget(self, lost, everything: bool) -> None:
        """Delete what may be older than a write the outage dropped."""
        if everything:
            super().clear()
            return
        by_version = defaultdict(list)
        for key, version in lost:
            by_version[version].append(key)
        for version, keys in by_version.items():
            for start in range(0, len(keys), DELETE_BATCH):
                super().delete_many(keys[start : start + DELETE_BATCH], version=version)

    def get(self, key, default=None, version=None):
        return self.attempt(partial(super().get, key, default, version), otherwise=default)

    def get_many(self, keys, version=None):
        return self.attempt(partial(super().get_many, keys, version), otherwise={})

    def get_many_tracked(self, keys, version=None) -> dict:
        """get_many() of a few small keys that rarely change, known in this process until
        Redis says they changed: usually no round trip (newsroom/redis_tracking.py)."""
        made = {self.make_and_validate_key(key, version=version): key for key in keys}

        def operation():
            if self.tracked.refused:
                return super(SharedClientRedisCache, self).get_many(keys, version)
            try:
                found = self.tracked.get_many(made)
            except ResponseError:  # a Redis without tracking (before 6.0)
                return super(SharedClientRedisCache, self).get_many(keys, version)
            loads = self._cache._serializer.loads
            return {made[key]: loads(value) for key, value in found.items() if value is not None}

        return self.attempt(operation, otherwise={})

    def has_key(self, key, version=None):
        return self.attempt(partial(super().has_key, key, version), otherwise=False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # False, like a key that exists: a caller using add() as a lock does not go ahead.
        operation = partial(super().add, key, value, timeout, version)
        return self.attempt(operation, writes=[(key, version)], otherwise=False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        operation = partial(super().set, key, value, timeout, version)
        self.attempt(operation, writes=[(key, version)])

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        operation = partial(super().touch, key, timeout, version)
        return self.attempt(operation, writes=[(key, version)], otherwise=False)

    def delete(self, key, version=None):
        operation = partial(super().delete, key, version)
        return self.attempt(operation, writes=[(key, version)], otherwise=False)

    def incr(self, key, delta=1, version=None):
        operation = partial(super().incr, key, delta, version)
        value = self.attempt(operation, writes=[(key, version)], otherwise=_NO_ANSWER)
        if value is _NO_ANSWER:
            raise ValueError(f"Key {key!r} not found: the cache does not answer.")
        return value

    def add_to_counters(self, deltas, timeout=DEFAULT_TIMEOUT, version=None) -> set:
        """Add each delta to its counter, made at 0 if missing, in one round trip.

        add() then incr() for many keys at once: the keys whose counters this
        made are returned. On an outage nothing is counted.
        """

        def operation():
            keys = [self.make_and_validate_key(key, version=version) for key in deltas]
            seconds = self.get_backend_timeout(timeout)
            with self._cache.get_client(write=True).pipeline(transaction=False) as pipeline:
                for key, delta in zip(keys, deltas.values(), strict=True):
                    pipeline.set(key, 0, ex=seconds, nx=True)
                    pipeline.incrby(key, delta)
                replies = pipeline.execute()
            return {key for key, made in zip(deltas, replies[::2], strict=True) if made}

        writes = [(key, version) for key in deltas]
        return self.attempt(operation, writes=writes, otherwise=set())

    def subtract_from_counters(self, deltas, version=None) -> None:
        """Subtract each delta from its counter in one round trip; one gone meanwhile stays gone."""

        def operation():
            keys = [self.make_and_validate_key(key, version=version) for key in deltas]
            client = self._cache.get_client(write=True)
            with client.pipeline(transaction=False) as pipeline:
                for key, delta in zip(keys, deltas.values(), strict=True):
                    pipeline.decrby(key, delta)
                left = pipeline.execute()
            # A counter evicted since it was read was made again below zero: drop it.
            if gone := [key for key, value in zip(keys, left, strict=True) if value < 0]:
                client.delete(*gone)

        self.attempt(operation, writes=[(key, version) for key in deltas])

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        operation = partial(super().set_many, data, timeout, version)
        writes = [(key, version) for key in data]
        return self.attempt(operation, writes=writes, otherwise=list(data))

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self.attempt(
            partial(super().delete_many, keys, version), writes=[(k, version) for k in keys]
        )

    def clear(self):
        return self.attempt(super().clear, writes=EVERYTHING, otherwise=False)
