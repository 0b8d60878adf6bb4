"""A few keys read once, then known in this process until Redis says they changed.

Redis's server-assisted client-side caching (`CLIENT TRACKING`, Redis 6 on):
a connection of its own reads the keys, and Redis remembers what it read and
pushes an `invalidate` message down that connection as soon as any client
changes, deletes or expires one of them, or empties the database. Until then
a read is answered from this process's memory, with no round trip.

redis-py's own client-side caching does the same for every key, but refuses
servers older than 7.4 (Debian 12 ships 7.0). The content generation needs it
for two small keys (newsroom/redis_cache.py's get_many_tracked()).

Never stale:
- the messages waiting on the socket are read before every answer (a poll,
  not a round trip), so a change is known as soon as its message arrives;
- a process that may have missed a message forgets everything it knew: when
  the connection breaks, after a fork, and when Redis has not been heard from
  for CHECK_EVERY seconds, it pings first (a network cut that leaves the
  socket open costs a ping a second, not a stale page);
- this process's own writes forget their keys at once (forget()), without
  waiting for their message.

Redis tracks keys by name in every database of the server, so a change to
the same key in another database (another site, another test worker) only
makes this process read it again.
"""

import os
import threading
import time
from collections.abc import Callable, Iterable

from redis.connection import AbstractConnection
from redis.exceptions import ConnectionError, ResponseError, TimeoutError

# How long what is known is trusted without a word from Redis.
CHECK_EVERY = 1.0


class TrackedKeys:
    """Values of keys, read through a tracking connection and kept until invalidated."""

    def __init__(self, connect: Callable[[], AbstractConnection]):
        self._connect = connect  # a new, unconnected RESP3 connection
        self._lock = threading.Lock()
        self._connection: AbstractConnection | None = None
        self._pid = 0
        self._known: dict[str, bytes | None] = {}
        self._heard_at = 0.0  # time.monotonic()
        self.refused = False  # the server has no tracking: callers read it each time

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes | None]:
        """The raw value of each key (None for a missing one). Raises what redis-py raises."""
        keys = list(keys)
        with self._lock:
            try:
                return self._read(keys)
            except (ConnectionError, TimeoutError):
                # Its connection was closed (a restart, an idle timeout, CLIENT KILL):
                # a new one, once, before telling the caller Redis is away.
                self._drop()
                try:
                    return self._read(keys)
                except BaseException:
                    self._drop()
                    raise
            except BaseException:
                self._drop()
                raise

    def _read(self, keys: list[str]) -> dict[str, bytes | None]:
        connection = self._connection_now()
        self._hear(connection)
        # What is known now: a message read during the MGET below may forget some of it,
        # but it was current when this read began, as the MGET's answers are.
        found = {key: self._known[key] for key in keys if key in self._known}
        if missing := [key for key in keys if key not in found]:
            connection.send_command("MGET", *missing)
            # Messages about keys changed before this read are handled first.
            read = dict(zip(missing, connection.read_response(), strict=True))
            self._heard_at = time.monotonic()
            self._known.update(read)
            found |= read
        return {key: found[key] for key in keys}

    def forget(self, keys: Iterable[str] | None = None) -> None:
        """Forget these keys (all, with None): this process has just written them."""
        with self._lock:
            if keys is None:
                self._known.clear()
            else:
                for key in keys:
                    self._known.pop(key, None)

    def _connection_now(self) -> AbstractConnection:
        if self._connection is not None and self._pid != os.getpid():
            # A forked child shares its parent's socket: it must not read the parent's messages.
            self._connection = None
            self._known.clear()
        if self._connection is None:
            connection = self._connect()
            connection.connect()
            connection.send_command("CLIENT", "TRACKING", "ON")
            try:
                connection.read_response()
            except ResponseError:  # a server without it (before Redis 6, some proxies)
                self.refused = True
                connection.disconnect()
                raise
            # The parser's hook, as redis-py's own client-side cache sets it.
            connection._parser.set_invalidation_push_handler(
                lambda message: self._invalidated(message)
            )
            self._connection, self._pid = connection, os.getpid()
            self._known.clear()
            self._heard_at = time.monotonic()
        return self._connection

    def _hear(self, connection: AbstractConnection) -> None:
        """Apply the messages that have arrived; ping first if Redis has been quiet too long."""
        if time.monotonic() - self._heard_at >= CHECK_EVERY:
            connection.send_command("PING")
            connection.read_response()
            self._heard_at = time.monotonic()
        while connection.can_read(timeout=0):
            connection.read_response(push_request=True)

    def _invalidated(self, message: list) -> None:
        # ["invalidate", [key, ...]], or ["invalidate", None] when the database was emptied.
        keys = message[1]
        if keys is None:
            self._known.clear()
            return
        for key in keys:
            self._known.pop(key.decode() if isinstance(key, bytes) else key, None)

    def _drop(self) -> None:
        """Forget everything: a message may have been missed."""
        connection, self._connection = self._connection, None
        self._known.clear()
        if connection is not None and self._pid == os.getpid():
            connection.disconnect()
