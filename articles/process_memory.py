"""What a process keeps in its own memory of entries it read from the shared cache.

Only for entries whose key names one version of the content (see
articles.content_version): such an entry never changes, so a copy here is
as good as the shared one, and reading it costs no round trip to Redis.
The entries used least recently go first when the memory is full.
"""

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import is_dataclass
from threading import Lock

MISSING = object()
# What footprint() counts for any value but text and containers (a model instance, say).
OBJECT_BYTES = 2048
# Python's overhead for each string or container.
OVERHEAD_BYTES = 64


class ProcessMemory:
    """A least-recently-used store of at most `capacity`, each entry weighing `weight(value)`."""

    def __init__(self, capacity: int, weight: Callable[[object], int] = lambda value: 1):
        self.capacity = capacity
        self.weight = weight
        self._entries: OrderedDict[str, tuple[object, int]] = OrderedDict()
        self._total = 0
        self._lock = Lock()  # a threaded server's requests share it

    def get(self, key: str, default=None):
        with self._lock:
            found = self._entries.get(key, MISSING)
            if found is MISSING:
                return default
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: str, value) -> None:
        weight = self.weight(value)
        if weight > self.capacity:
            return
        with self._lock:
            if key in self._entries:
                self._total -= self._entries.pop(key)[1]
            self._entries[key] = (value, weight)
            self._total += weight
            while self._total > self.capacity:
                _key, (_value, dropped) = self._entries.popitem(last=False)
                self._total -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._total = 0

    def __len__(self) -> int:
        return len(self._entries)


def footprint(value) -> int:
    """Roughly the bytes `value` takes in memory: the text it holds, a little for the rest.

    The parts of pages are nearly all text, so weighing entries by it bounds
    a memory in bytes. Cyrillic text takes two bytes a character in Python.
    """
    if isinstance(value, str):
        return OVERHEAD_BYTES + (len(value) if value.isascii() else 2 * len(value))
    if isinstance(value, bytes):
        return OVERHEAD_BYTES + len(value)
    if isinstance(value, (list, tuple)):
        return OVERHEAD_BYTES + sum(footprint(item) for item in value)
    if isinstance(value, dict):
        return OVERHEAD_BYTES + sum(footprint(k) + footprint(v) for k, v in value.items())
    if is_dataclass(value) and not isinstance(value, type):
        # Its fields' values, read from its __dict__: dataclasses.fields() costs more.
        return OVERHEAD_BYTES + sum(footprint(item) for item in vars(value).values())
    return OBJECT_BYTES
