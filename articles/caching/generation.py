"""The content generation: a token that changes whenever what readers see may have changed.

Whole pages, fragments and ETags carry it, so nothing cached outlives a
change: a new token, and every entry of the old one is simply never found
again (it expires in time). What changes what readers see:

- a save or delete of an article, author, category, tag, byline or image:
  a signal drops the token, at once and again when the transaction commits
  (a page made from the old rows in between is kept under a token nobody
  asks for);
- a scheduled go-live or the end of a breaking-news banner: the generation
  knows the next such moment, and the first request after it makes a new
  token, so a scheduled article never waits for a timeout or a cron job.

Most-read lists change as readers read; they have a generation of their own
(RANKING_KEY, renewed by articles/public/popularity.py), which the pages that show them
fold into their ETag.

With Redis (REDIS_URL) every process shares the token, and knows it until
Redis says it changed (shared()). The local-memory
cache is per process, so there the token lives at most
settings.CONTENT_CACHE_SECONDS: a change made in another process shows
after that long at most.
"""

import contextvars
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from django.utils import timezone

KEY = "content-generation"
# The most-read generation: a new one each time flushed counts change the rankings.
RANKING_KEY = "popularity:ranking-generation"
# Sent once a change to content is committed (read-your-writes listens: newsroom/primary_pinning).
content_committed = Signal()


@dataclass(frozen=True)
class Generation:
    token: str
    changed_at: float  # when the token was made: pages' Last-Modified
    next_change_at: float | None  # the next scheduled go-live or banner expiry, Unix time

    def is_due(self, now: float) -> bool:
        return self.next_change_at is not None and now >= self.next_change_at

    def seconds_left(self, now: float) -> float | None:
        """How long this generation holds at most: until the next scheduled change."""
        return None if self.next_change_at is None else max(0.0, self.next_change_at - now)


# Read once per request (the page cache middleware sets it): a page's parts agree.
_request_generation: contextvars.ContextVar[Generation | None] = contextvars.ContextVar(
    "content_generation", default=None
)


def current() -> Generation:
    """The current generation: the request's, else the cache's, else a new one."""
    generation = _request_generation.get()
    if generation is None:
        generation, _ranking = shared()
    return generation


def shared() -> tuple[Generation, int]:
    """The content generation and the most-read generation, as every process shares them.

    With Redis, known in this process until Redis says either changed
    (newsroom/redis_tracking.py): a request usually costs no round trip for them.
    """
    found = read_shared()
    return valid(found.get(KEY)), found.get(RANKING_KEY, 0)


def read_shared() -> dict:
    read = getattr(cache, "get_many_tracked", cache.get_many)
    return read([KEY, RANKING_KEY])


def valid(generation: Generation | None) -> Generation:
    """`generation` as read from the cache, or a new one if it is missing or a change is due."""
    if generation is None or generation.is_due(time.time()):
        return renew()
    return generation


def renew() -> Generation:
    now = time.time()
    generation = Generation(secrets.token_hex(6), now, next_scheduled_change())
    timeout = settings.CONTENT_CACHE_SECONDS
    if (left := generation.seconds_left(now)) is not None:
        timeout = max(1, min(timeout, int(left) + 1))
    cache.set(KEY, generation, timeout)
    return generation


def bump() -> None:
    """Anything readers see may have changed: every page is made anew, now and at commit."""
    cache.delete(KEY)
    _request_generation.set(None)
    transaction.on_commit(committed)


def committed() -> None:
    cache.delete(KEY)
    content_committed.send(sender=Generation)


class RequestScope:
    """Holds one generation for the length of a request."""

    def __init__(self, generation: Generation):
        self.generation = generation

    def __enter__(self) -> Generation:
        self._reset = _request_generation.set(self.generation)
        return self.generation

    def __exit__(self, *exc) -> None:
        _request_generation.reset(self._reset)


def next_scheduled_change() -> float | None:
    """The next future go-live time of a published article in any language, or banner expiry."""
    from articles.editions.languages import LANGUAGE_CODES, localized
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


# The most-read generation, read once per request (http_cache.PageCacheMiddleware).
_request_ranking: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "ranking_generation", default=None
)


def ranking_generation() -> int:
    """The most-read generation (articles/public/popularity.py renews it)."""
    generation = _request_ranking.get()
    return read_shared().get(RANKING_KEY, 0) if generation is None else generation


class RankingScope:
    """Holds one most-read generation for the length of a request."""

    def __init__(self, generation: int):
        self.generation = generation

    def __enter__(self) -> int:
        self._reset = _request_ranking.set(self.generation)
        return self.generation

    def __exit__(self, *exc) -> None:
        _request_ranking.reset(self._reset)


def remember(compute, *parts):
    """compute(), kept for the current generation under a key made of `parts`.

    Kept in each process (the "generation" cache): under the generation's token,
    an entry is never stale, wherever it was made.

    For what costs a query on every page and changes only with the content
    (a category's article count, the latest headlines).
    """
    # A digest: parts may come from an address (a slug, a page's cursor), which no cache
    # backend should get as a key as it is.
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()
    key = f"generation:{settings.RELEASE}:{current().token}:{digest}"
    kept = caches["generation"].get(key)
    if kept is None:
        kept = (compute(),)  # in a tuple, so that None is remembered too
        caches["generation"].set(key, kept, settings.CONTENT_CACHE_SECONDS)
    return kept[0]


def connect_signals() -> None:
    """A new generation whenever something readers see is saved or deleted."""
    from articles.models import SHOWN_EVERYWHERE, Article, Author, Byline, Image, Tag

    def changed(sender, **kwargs):
        bump()

    def tags_changed(sender, action, **kwargs):
        if action.startswith("post_"):
            bump()

    # weak=False: the handlers live only here.
    for model in (Article, Author, Byline, Image, Tag, *SHOWN_EVERYWHERE):
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"generation-{model}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"generation-d-{model}")
    m2m_changed.connect(
        tags_changed, sender=Article.tags.through, weak=False, dispatch_uid="generation-tags"
    )


# What kept_here() holds: {parts: (generation token, value)}, in this process only.
_kept_here: dict[tuple, tuple[str, object]] = {}


def kept_here(compute, *parts):
    """remember(), and the value itself held in this process for the generation.

    For what every page reads, several times (the site's identity, the
    navigation): the "generation" cache hands out a copy each time, which
    costs an unpickling each time (about 0.2 ms for the identity). The value
    is shared by every request, so it must never be changed in place.
    """
    token = current().token
    held = _kept_here.get(parts)
    if held is not None and held[0] == token:
        return held[1]
    value = remember(compute, *parts)
    _kept_here[parts] = (token, value)
    return value
