"""The content version: a token that changes whenever what readers see may have changed.

Cached pages and fragments carry the token in their keys, and pages carry it
in their ETag, so nothing cached outlives a change: a change makes a new
token and every old entry simply stops being found (it expires in time).

Three things change what readers see:
- a save or delete of an article, author, category, tag, byline or image:
  a signal forgets the token (at once, and again when the transaction
  commits, so a page rendered from the old data in between is not kept);
- a scheduled go-live time or the end of a breaking-news banner: the
  version remembers the next such moment, and the first request after it
  makes a new token, so a scheduled article never waits for a timeout;
- the most-read rankings, which change as readers read: they have a
  generation of their own (articles.popularity), folded into the ETag.

With Redis (REDIS_URL) every process sees a change at once. The local-
memory cache is per process, so there the token and every entry keyed by
it live at most settings.CONTENT_CACHE_SECONDS (a few seconds): a change
made in another process shows after that long at most.
"""

import contextvars
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from articles.process_memory import ProcessMemory, footprint

KEY = "content-version"
# The remembered values each process keeps in its own memory, the most recently used, up
# to this many bytes: room for the parts of some thousands of article pages, so that the
# articles read these hours cost no round trip to the cache (about 16 KB each).
KEPT_BYTES = 64 * 1024 * 1024
_in_process = ProcessMemory(capacity=KEPT_BYTES, weight=footprint)
# When content was last saved (committed): a replica may not have it yet.
WRITTEN_AT_KEY = "content-written-at"


@dataclass(frozen=True)
class Version:
    token: str
    changed_at: float  # when the token was made: the pages' Last-Modified
    next_change_at: float | None  # the next go-live or banner expiry, in Unix time
    written_at: float = 0.0  # the last save of content before this version was made

    def is_settling(self, lag: float) -> bool:
        """Whether the content was saved so recently that a replica may still lack it."""
        return time.time() - self.written_at < lag

    def is_due(self, now: float) -> bool:
        return self.next_change_at is not None and now >= self.next_change_at

    def key(self, *parts) -> str:
        """A cache key that belongs to this version of the content."""
        digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
        return f"v:{self.token}:{digest}"


# Read once per request: every fragment of a page belongs to the same version.
_request_version: contextvars.ContextVar[Version | None] = contextvars.ContextVar(
    "content_version", default=None
)


def current() -> Version:
    """The current version (one cache read, or none within a request that has read it)."""
    version = _request_version.get()
    if version is None:
        version = from_cache(cache.get(KEY))
    return version


def from_cache(version: Version | None) -> Version:
    """`version` as read from the cache, or a new one if it was missing or a go-live is due."""
    if version is None or version.is_due(time.time()):
        version = renew()
    return version


def renew() -> Version:
    """Make a new token, remembering the next moment the content changes by itself."""
    now = time.time()
    version = Version(
        token=secrets.token_hex(6),
        changed_at=now,
        next_change_at=next_scheduled_change(),
        written_at=cache.get(WRITTEN_AT_KEY, 0.0),
    )
    timeout = settings.CONTENT_CACHE_SECONDS
    if version.next_change_at is not None:
        timeout = max(1, min(timeout, int(version.next_change_at - now) + 1))
    cache.set(KEY, version, timeout)
    return version


def forget() -> None:
    """Content changed: the next reader gets a new version (see the module's docstring)."""
    cache.delete(KEY)
    _request_version.set(None)
    transaction.on_commit(committed)


def committed() -> None:
    cache.set(WRITTEN_AT_KEY, time.time(), None)
    cache.delete(KEY)


def next_scheduled_change() -> float | None:
    """The next future go-live time of a published article in any edition, or banner expiry."""
    from articles.languages import LANGUAGE_CODES, localized
    from articles.models import Article

    now = timezone.now()
    published = Article.objects.filter(status=Article.Status.PUBLISHED).order_by()
    # A script variant goes live with its source language: its column is a copy.
    columns = [localized("published_at", code) for code in LANGUAGE_CODES] + ["breaking_until"]
    moments: list[datetime] = []
    for column in columns:
        # One index range scan per column, stopping at the first row.
        moment = (
            published.filter(**{f"{column}__gt": now})
            .order_by(column)
            .values_list(column, flat=True)
            .first()
        )
        if moment is not None:
            moments.append(moment)
    return min(moments).timestamp() if moments else None


def remember(compute, *parts):
    """compute(), cached for the current version under a key made of `parts`.

    A key names one version of the content, so what it holds never changes:
    besides the shared cache, each process keeps the entries it used last in
    its own memory, and a page's fragments then cost no round trip at all.
    The current version is still read from the shared cache once a request.
    """
    key = current().key(*parts)
    kept = _in_process.get(key)
    if kept is None:
        kept = cache.get(key)
        if kept is None:
            kept = (compute(),)  # in a tuple, so that None is remembered too
            cache.set(key, kept, settings.CONTENT_CACHE_SECONDS)
        _in_process.put(key, kept)
    return kept[0]


def forget_in_process() -> None:
    """Drop this process's own copies (tests do, between tests)."""
    _in_process.clear()


def connect_signals() -> None:
    """Forget the version whenever something readers see is saved or deleted."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from articles.models import Article, Author, Byline, Category, Image, Tag

    def changed(sender, **kwargs):
        forget()

    # weak=False: `changed` lives only here.
    for model in (Article, Author, Byline, Category, Image, Tag):
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"version-save-{model}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"version-del-{model}")
    m2m_changed.connect(
        changed, sender=Article.tags.through, weak=False, dispatch_uid="version-tags"
    )


class RequestScope:
    """Holds one version for the length of a request (used by the page cache middleware)."""

    def __init__(self, version: Version):
        self.version = version

    def __enter__(self) -> Version:
        self._reset = _request_version.set(self.version)
        return self.version

    def __exit__(self, *exc) -> None:
        _request_version.reset(self._reset)
