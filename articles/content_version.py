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

An article page's own parts (the article with its bylines, tags, category
and pictures, rendered) are what costs to make, and they do not depend on
other articles: they are kept under the article's own stamp instead
(article_key()), which changes when that article changes (its save or
delete, its bylines or tags, a go-live in one of its languages) or when
something any article page shows changes (an author, category, tag or
image, a bulk load). Its related articles are kept under its stamp too,
and under one that any article's save renews (LISTED_STAMP), but not a
go-live: a newly live article joins related lists within RELATED_SECONDS.
Another article's go-live then costs the pages read these hours only their
latest headlines, and a save also their related articles, not their making.

With Redis (REDIS_URL) every process sees a change within a moment: a
process that read the version less than settings.CONTENT_RECHECK_SECONDS
ago serves the whole pages it keeps in memory without asking again
(recent()), unless it made a change itself or a go-live fell due. The local-
memory cache is per process, so there the token, the stamps and every entry
keyed by them live at most settings.CONTENT_CACHE_SECONDS (a few seconds): a
change made in another process shows after that long at most.
"""

import contextvars
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from articles.process_memory import ProcessMemory, footprint
from articles.release import RELEASE

KEY = "content-version"
# The stamp of what every article page may show of other objects (authors, categories...).
SHARED_STAMP = "article-stamp:shared"
# The stamp of what related-article lists show of other articles: renewed by any article's
# save or delete (a related article withdrawn or retitled leaves every list at once), not
# by a go-live (a newly live article joins the lists within RELATED_SECONDS).
LISTED_STAMP = "article-stamp:listed"
RELATED_SECONDS = 15 * 60
# Until when go-lives have been looked for: those after it change their articles' stamps.
GO_LIVES_SEEN = "go-lives-seen-until"
# More articles gone live at once than this renew every article's stamp instead.
MOST_GO_LIVES = 500
# The remembered values each process keeps in its own memory, the most recently used, up
# to PARTS_MEMORY_MB: room for the parts of some thousands of article pages, so that the
# articles read these hours cost no round trip to the cache (about 35 KB each as weighed,
# and 7 KB more for their related articles).
_in_process = ProcessMemory(capacity=settings.PARTS_MEMORY_MB * 1024 * 1024, weight=footprint)
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
        return f"v:{RELEASE}:{self.token}:{digest(parts)}"


def digest(parts: tuple) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def stamp_key(pk: int) -> str:
    return f"article-stamp:{pk}"


def stamp_keys(pk: int) -> list[str]:
    """The stamps article_key() reads (the page cache fetches them with the version)."""
    return [SHARED_STAMP, LISTED_STAMP, stamp_key(pk)]


def article_key(pk: int, *parts, listing_others: bool = False) -> str:
    """A cache key for article `pk`'s own parts: it changes when the article does, or
    something every article page shows (see the module's docstring), not when others do.

    `listing_others`: the value lists other articles (related ones), so the key also
    changes with any article's save, and once every RELATED_SECONDS (at a time of its
    own for each article, so that they are not all made again at once).
    One round trip to the cache, or none if the request fetched the stamps already."""
    keys = stamp_keys(pk)
    fetched = _request_stamps.get()
    found = fetched[1] if fetched and fetched[0] == pk else cache.get_many(keys)
    shared, listed, own = (found.get(key) or new_stamp(key) for key in keys)
    if listing_others:
        parts = (*parts, listed, related_period_start(pk, time.time()))
    return f"a:{RELEASE}:{pk}:{shared}:{own}:{digest(parts)}"


def related_period_start(pk: int, moment: float) -> int:
    """When the RELATED_SECONDS period of article `pk`'s related articles that holds `moment`
    began (in Unix time): each article's periods begin at a time of their own."""
    offset = pk * 7919 % RELATED_SECONDS
    return int((moment + offset) // RELATED_SECONDS * RELATED_SECONDS - offset)


def new_stamp(key: str) -> str:
    stamp = secrets.token_hex(6)
    if cache.add(key, stamp, settings.CONTENT_CACHE_SECONDS):
        return stamp
    # Another process made one first: share it (or, if it is gone again, use one of our own).
    return cache.get(key) or stamp


# Read once per request: every fragment of a page belongs to the same version.
_request_version: contextvars.ContextVar[Version | None] = contextvars.ContextVar(
    "content_version", default=None
)


# The stamps of the article a request's address names, fetched with the version: (pk, found).
_request_stamps: contextvars.ContextVar[tuple[int, dict] | None] = contextvars.ContextVar(
    "article_stamps", default=None
)


def current() -> Version:
    """The current version (one cache read, or none within a request that has read it)."""
    version = _request_version.get()
    if version is None:
        version = from_cache(cache.get(KEY))
    return version


# The version this process last read from the cache, and when (see recent()).
_recent: tuple[float, Version] | None = None


def from_cache(version: Version | None) -> Version:
    """`version` as read from the cache, or a new one if it was missing or a go-live is due."""
    global _recent
    if version is None or version.is_due(time.time()):
        version = renew()
    _recent = (time.time(), version)
    return version


def forget_recent() -> None:
    """This process changed the content: it asks the cache for the version next time."""
    global _recent
    _recent = None


def recent() -> Version | None:
    """The version this process read less than CONTENT_RECHECK_SECONDS ago, unless a go-live
    or banner expiry is due since, or this process changed the content since: it may serve
    the pages it keeps of that version without asking the cache."""
    if _recent is None:
        return None
    read_at, version = _recent
    now = time.time()
    if not 0 <= now - read_at < settings.CONTENT_RECHECK_SECONDS or version.is_due(now):
        return None
    return version


def renew() -> Version:
    """Make a new token, remembering the next moment the content changes by itself."""
    now = time.time()
    forget_gone_live(now)
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
    """Anything readers see may have changed: every page and article is made anew."""
    forget_keys([KEY, SHARED_STAMP, LISTED_STAMP])


def forget_articles(pks) -> None:
    """These articles changed: the pages that may show them, and their own parts, are made anew."""
    forget_keys([KEY, LISTED_STAMP, *(stamp_key(pk) for pk in pks)])


def forget_keys(keys: list[str]) -> None:
    """At once, and again when the transaction commits (see the module's docstring)."""
    cache.delete_many(keys)
    _request_version.set(None)
    _request_stamps.set(None)
    forget_recent()
    transaction.on_commit(lambda: committed(keys))


def committed(keys: list[str]) -> None:
    cache.set(WRITTEN_AT_KEY, time.time(), None)
    cache.delete_many(keys)
    forget_recent()


def forget_gone_live(now: float) -> None:
    """Articles gone live in an edition since the last look get new stamps: their pages
    gain that edition's address (language links, hreflang), or exist at all."""
    # Never looked, or the cache lost when: any published article may have gone live since.
    gone_live = went_live_between(cache.get(GO_LIVES_SEEN, 0.0), now)
    if gone_live is None:
        cache.delete(SHARED_STAMP)  # too many to list: every article's parts are made anew
    elif gone_live:
        cache.delete_many([stamp_key(pk) for pk in gone_live])
    cache.set(GO_LIVES_SEEN, now, None)


def went_live_between(since: float, until: float) -> list[int] | None:
    """Published articles with a go-live time in (since, until] in any language (one
    indexed query); None if there are more than MOST_GO_LIVES."""
    from django.db.models import Q

    from articles.languages import LANGUAGE_CODES, localized
    from articles.models import Article

    after, up_to = (datetime.fromtimestamp(moment, tz=UTC) for moment in (since, until))
    went_live = Q(pk__in=[])
    for code in LANGUAGE_CODES:
        column = localized("published_at", code)
        went_live |= Q(**{f"{column}__gt": after, f"{column}__lte": up_to})
    pks = list(
        Article.objects.filter(went_live, status=Article.Status.PUBLISHED)
        .order_by()
        .values_list("pk", flat=True)[: MOST_GO_LIVES + 1]
    )
    return None if len(pks) > MOST_GO_LIVES else pks


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
    return remembered(current().key(*parts), compute)


def prefetch(keys: list[str]) -> None:
    """Fetch those of `keys` this process does not keep in one round trip, into its memory,
    for remembered() to find (a page that needs several entries waits for the cache once)."""
    missing = [key for key in keys if _in_process.get(key) is None]
    if missing:
        for key, kept in cache.get_many(missing).items():
            _in_process.put(key, kept)


def remembered(key: str, compute):
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
    forget_recent()


def connect_signals() -> None:
    """Forget the version (and the stamps concerned) whenever something readers see is saved
    or deleted."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from articles.models import Article, Author, Byline, Category, Image, Tag

    def shared_changed(sender, **kwargs):
        forget()

    def article_changed(sender, instance, **kwargs):
        forget_articles([instance.pk])

    def byline_changed(sender, instance, **kwargs):
        forget_articles([instance.article_id])

    def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
        if not action.startswith("post_"):
            return
        if not reverse:
            forget_articles([instance.pk])
        elif pk_set:
            forget_articles(pk_set)
        else:
            forget()  # a tag taken off all its articles: which ones is not told

    handlers = {
        Article: article_changed,
        Byline: byline_changed,
        Author: shared_changed,
        Category: shared_changed,
        Image: shared_changed,
        Tag: shared_changed,
    }
    # weak=False: the handlers live only here.
    for model, handler in handlers.items():
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"version-save-{model}")
        post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"version-del-{model}")
    m2m_changed.connect(
        tags_changed, sender=Article.tags.through, weak=False, dispatch_uid="version-tags"
    )


def stamps_fetched(pk: int, found: dict, version: Version) -> tuple[int, dict] | None:
    """Article `pk`'s stamps as `found` with `version`, for RequestScope; None if `version`
    was made anew since the fetch, which may have renewed them (a go-live)."""
    return None if version is not found.get(KEY) else (pk, found)


class RequestScope:
    """Holds one version for the length of a request (used by the page cache middleware),
    and the stamps of the article its address names, read in the same round trip."""

    def __init__(self, version: Version, stamps: tuple[int, dict] | None = None):
        self.version = version
        self.stamps = stamps

    def __enter__(self) -> Version:
        self._reset = _request_version.set(self.version), _request_stamps.set(self.stamps)
        return self.version

    def __exit__(self, *exc) -> None:
        _request_version.reset(self._reset[0])
        _request_stamps.reset(self._reset[1])
