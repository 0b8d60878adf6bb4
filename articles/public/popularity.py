"""Most read articles, counted in the cache and written to the database in batches.

A page view costs an addition in the process's memory and no query:
record_view() counts it there, and every PUSH_EVERY seconds a view adds
the process's counts to the cache, to a counter per day, edition and
article (so a page served from the page cache stays nearly free). Every
FLUSH_EVERY seconds the first push to come along flushes the counters into
ArticleViews rows (flush_views(); `manage.py flush_article_views` does the
same), so no cron job is needed. most_read() ranks by the flushed counts
only, so it lags the reads by at most a push and a flush interval and its
cached ranking. A process that stops loses at most PUSH_EVERY seconds of
its own counts.

With Redis (REDIS_URL) the counters are shared by every application
server and each operation is atomic. With the local-memory cache each
process counts and flushes its own readers, and the cache may evict a
counter under pressure: the counts are then approximate, never wrong in
kind, since most_read() shows only what Article.objects.public() allows.

The counters of a day and edition are found through a registry: the push
that creates articles' counters (an add() that makes them) takes the next
slot numbers from one cache.incr() and writes each article's id into its
slot. Each slot has a single writer, so, unlike a list read and written
back, no concurrent registration can be lost. On Redis a push, and a
flush's subtraction, cost one round trip however many articles were read
(newsroom/redis_cache.py), not one or two per article.
"""

import hashlib
import logging
import threading
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import Case, F, Sum, Value, When
from django.dispatch import receiver
from django.utils import timezone

from articles.caching import generation, http_cache
from articles.models import EDITIONS, Article, ArticleViews, public_listing

logger = logging.getLogger(__name__)

PUSH_EVERY = 2  # seconds
FLUSH_EVERY = 60  # seconds
FLUSH_LOCK = "popularity:flush-lock"
# Today and yesterday: the views counted just before midnight are flushed after it.
FLUSH_DAYS = 2
# Long enough for a counter to outlive the last flush that reads it.
KEEP_FOR = 3 * 24 * 3600
UPDATE_BATCH = 500
# The most-read lists pages show (home: today and this week; articles: today), and their length.
SHOWN_DAYS = (1, 7)
MOST_READ_LENGTH = 5
# What the lists were at the last flush: new counts that leave them so keep the generation.
RANKING_DIGEST_KEY = "popularity:ranking-digest"

# This process's counts not yet in the cache: (day, language, article id) -> views.
_buffered: Counter = Counter()
_buffer_lock = threading.Lock()
_pushed_at = 0.0  # time.monotonic() of the last push


def record_view(article_id: int, language: str) -> None:
    """Count one read of the article in the edition `language`, in memory.

    At most once every PUSH_EVERY seconds, it adds the counts to the cache,
    first flushing the views counted before them into the database if
    FLUSH_EVERY seconds have passed (the only time it touches the database).
    """
    if language not in EDITIONS:
        return
    with _buffer_lock:
        _buffered[local_date(), language, article_id] += 1
        due = time.monotonic() - _pushed_at >= PUSH_EVERY
    if not due:
        return
    counts = take_buffered()
    if cache.add(FLUSH_LOCK, True, FLUSH_EVERY):
        try:
            flush_views(push=False)
        except DatabaseError:
            logger.exception("Article views were not flushed; they stay counted in the cache.")
    add_to_cache(counts)


def take_buffered() -> Counter:
    """This process's counts since the last push, leaving none behind."""
    global _buffered, _pushed_at
    with _buffer_lock:
        counts, _buffered = _buffered, Counter()
        _pushed_at = time.monotonic()
    return counts


def add_to_cache(counts: Counter) -> None:
    """Add this process's counts to the shared counters, registering the counters it makes."""
    named = {counter_key(day, language, pk): (day, language, pk) for day, language, pk in counts}
    made = add_to_counters({key: counts[named[key]] for key in named})
    new = defaultdict(list)
    for key in sorted(made):
        day, language, article_id = named[key]
        new[day, language].append(article_id)
    for (day, language), article_ids in new.items():
        register(day, language, article_ids)


def add_to_counters(deltas: dict[str, int]) -> set[str]:
    """Add each delta to its counter, made at 0 if missing; return the keys of those made."""
    if hasattr(cache, "add_to_counters"):
        # Redis (newsroom/redis_cache.py): all in one round trip, not two per article.
        return cache.add_to_counters(deltas, KEEP_FOR)
    made = set()
    for key, delta in deltas.items():
        if cache.add(key, 0, KEEP_FOR):
            made.add(key)
        try:
            cache.incr(key, delta)
        except ValueError:  # expired or evicted since add()
            cache.set(key, delta, KEEP_FOR)
    return made


def subtract_from_counters(deltas: dict[str, int]) -> None:
    """Subtract each delta from its counter; a counter gone meanwhile stays gone."""
    if hasattr(cache, "subtract_from_counters"):
        cache.subtract_from_counters(deltas)
        return
    for key, delta in deltas.items():
        try:
            cache.decr(key, delta)
        except ValueError:  # expired meanwhile: nothing left to keep
            pass


def flush_views(now: datetime | None = None, push: bool = True) -> int:
    """Add the cached counts of today and yesterday to ArticleViews; return how many were written.

    This process's counts not yet in the cache go there first (unless `push` is False).

    Each counter is then decreased by the amount written rather than
    deleted, so views counted meanwhile stay for the next flush, and two
    flushes that overlap still add up (the database adds with F()). The
    views of an article deleted meanwhile are dropped.
    """
    if push:
        add_to_cache(take_buffered())
    today = local_date(now)
    editions = [
        (today - timedelta(days=back), code) for back in range(FLUSH_DAYS) for code in EDITIONS
    ]
    sizes = cache.get_many([slots_key(day, code) for day, code in editions])
    slots = {
        slot_key(day, code, number): (day, code)
        for day, code in editions
        for number in range(1, sizes.get(slots_key(day, code), 0) + 1)
    }
    if not slots:
        return 0
    counters = {}
    for key, article_id in cache.get_many(list(slots)).items():
        day, code = slots[key]
        counters[counter_key(day, code, article_id)] = (day, code, article_id)
    counts = {key: count for key, count in cache.get_many(list(counters)).items() if count}
    if not counts:
        return 0
    article_ids = {counters[key][2] for key in counts}
    # In the transaction: on the primary, which a replica may lag (a deleted article).
    with transaction.atomic():
        existing = set(
            Article.objects.filter(pk__in=article_ids).order_by().values_list("pk", flat=True)
        )
        pending = {
            counters[key]: count for key, count in counts.items() if counters[key][2] in existing
        }
        add_views(pending)
    rank_anew(today)
    subtract_from_counters(counts)
    return len(pending)


def rank_anew(today: date) -> None:
    """Rank every most-read list pages show; a new most-read generation if any of them moved.

    Pages kept whole carry the generation they were made with: new counts that
    leave every list as it was leave them, and their validators, alone.
    """
    rankings = {
        (code, days): ranked_ids(code, days, MOST_READ_LENGTH, today)
        for code in EDITIONS
        for days in SHOWN_DAYS
    }
    # Of what pages show: the spares (for articles gone offline) may move unseen.
    shown = sorted((place, ranking[:MOST_READ_LENGTH]) for place, ranking in rankings.items())
    digest = hashlib.sha256(repr(shown).encode()).hexdigest()
    if cache.get(RANKING_DIGEST_KEY) == digest and cache.get(generation.RANKING_KEY):
        return
    counts = time.time_ns()
    # The new lists, kept already under the new generation, then the generation itself.
    cache.set_many(
        {
            ranking_key(counts, code, today, days, MOST_READ_LENGTH): ranking
            for (code, days), ranking in rankings.items()
        },
        FLUSH_EVERY,
    )
    cache.set(RANKING_DIGEST_KEY, digest, None)
    cache.set(generation.RANKING_KEY, counts, None)


def add_views(counts: dict[tuple[date, str, int], int]) -> None:
    """Add each (day, language, article_id)'s count to its ArticleViews row, made if missing."""
    ArticleViews.objects.bulk_create(
        [
            ArticleViews(article_id=article_id, language=language, day=day)
            for day, language, article_id in sorted(counts)
        ],
        ignore_conflicts=True,
    )
    by_edition = defaultdict(dict)
    for (day, language, article_id), count in sorted(counts.items()):
        by_edition[day, language][article_id] = count
    for (day, language), by_article in by_edition.items():
        article_ids = list(by_article)
        for start in range(0, len(article_ids), UPDATE_BATCH):
            batch = article_ids[start : start + UPDATE_BATCH]
            added = Case(
                *(When(article_id=pk, then=Value(by_article[pk])) for pk in batch),
                default=Value(0),
            )
            ArticleViews.objects.filter(day=day, language=language, article_id__in=batch).update(
                views=F("views") + added
            )


def most_read(language: str, days: int, limit: int = MOST_READ_LENGTH) -> list[Article]:
    """The public articles of `language` most read in the last `days` days (1 is today).

    One query, whatever the number of articles. The ranking is cached for
    FLUSH_EVERY seconds, but the articles are always fetched through
    Article.objects.public(), so a withdrawn article disappears at once;
    the ranking keeps spares to fill its place.
    """
    if days < 1:
        raise ValueError("days must be 1 or more.")
    today = local_date()
    key = ranking_key(generation.ranking_generation(), language, today, days, limit)
    public = public_listing(language)
    ranking = cache.get(key)
    if ranking is None:
        articles = list(ranked(public, language, days, limit, today))
        cache.set(key, [article.pk for article in articles], FLUSH_EVERY)
    else:
        found = public.in_bulk(ranking)
        articles = [found[pk] for pk in ranking if pk in found]
    return articles[:limit]


def ranked(articles, language: str, days: int, limit: int, today: date):
    """`articles` most read in `language` in the `days` days to `today`: twice `limit`, the
    rest spares for those that go offline."""
    return (
        articles.filter(
            views__language=language,
            views__day__range=(today - timedelta(days=days - 1), today),
        )
        .alias(reads=Sum("views__views"))
        .filter(reads__gt=0)
        .order_by("-reads", "-pk")[: 2 * limit]
    )


def ranked_ids(language: str, days: int, limit: int, today: date) -> list[int]:
    public = Article.objects.public(language).order_by()
    return list(ranked(public, language, days, limit, today).values_list("pk", flat=True))


def ranking_key(counts: int, language: str, today: date, days: int, limit: int) -> str:
    return f"popularity:ranking:{counts}:{language}:{today.isoformat()}:{days}:{limit}"


def local_date(now: datetime | None = None) -> date:
    """The date in settings.TIME_ZONE: a day of views runs from local midnight."""
    return timezone.localdate(now or timezone.now(), timezone.get_default_timezone())


def counter_key(day: date, language: str, article_id: int) -> str:
    return f"popularity:views:{day.isoformat()}:{language}:{article_id}"


def slots_key(day: date, language: str) -> str:
    return f"popularity:slots:{day.isoformat()}:{language}"


def slot_key(day: date, language: str, number: int) -> str:
    return f"{slots_key(day, language)}:{number}"


def register(day: date, language: str, article_ids: list[int]) -> None:
    """Note that the articles have counters for the day and edition, for flush_views() to find.

    One incr() takes a block of slot numbers for them all: each slot still has one writer.
    """
    key = slots_key(day, language)
    cache.add(key, 0, KEEP_FOR)
    try:
        last = cache.incr(key, len(article_ids))
    except ValueError:  # expired or evicted since add()
        cache.set(key, last := len(article_ids), KEEP_FOR)
    first = last - len(article_ids) + 1
    slots = {slot_key(day, language, first + n): pk for n, pk in enumerate(article_ids)}
    cache.set_many(slots, KEEP_FOR)


@receiver(http_cache.kept_page_read, dispatch_uid="popularity.kept_page_read")
def count_kept_page_read(sender, read: tuple[int, str], **kwargs) -> None:
    """A page served whole from the cache still counts its reader."""
    record_view(*read)
