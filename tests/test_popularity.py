"""Most read: views counted in the cache, flushed in batches, ranked among public articles only."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from articles import workflow
from articles.caching import generation
from articles.models import LANGUAGE_CODES, Article, ArticleViews
from articles.public import popularity
from articles.public.popularity import FLUSH_EVERY, FLUSH_LOCK, flush_views, most_read, record_view
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")


def hold_flush_lock() -> None:
    """Flushes happen when a test asks, not whenever a view finds the lock free."""
    cache.set(FLUSH_LOCK, True, FLUSH_EVERY)


@pytest.fixture(autouse=True)
def _flush_lock_held():
    hold_flush_lock()


@pytest.fixture(autouse=True)
def _each_view_pushed(monkeypatch):
    """Each view reaches the cache at once (tested below: views wait in memory first)."""
    monkeypatch.setattr(popularity, "PUSH_EVERY", 0)


def test_views_wait_in_memory_and_reach_the_cache_in_one_push(monkeypatch):
    monkeypatch.setattr(popularity, "PUSH_EVERY", 3600)
    popularity.take_buffered()  # the last push was just now
    article = make_article()
    read(article, "kk", times=4)
    day = popularity.local_date()
    assert cache.get(popularity.counter_key(day, "kk", article.pk)) is None
    assert flush_views() == 1
    assert views_in_database(article, "kk") == 4
    assert cache.get(popularity.counter_key(day, "kk", article.pk)) == 0


def read(article: Article, language: str, times: int = 1) -> None:
    for _ in range(times):
        record_view(article.pk, language)


def views_in_database(article: Article, language: str) -> int:
    return sum(
        ArticleViews.objects.filter(article=article, language=language).values_list(
            "views", flat=True
        )
    )


def test_a_view_is_counted_without_a_database_query():
    article = make_article()
    with CaptureQueriesContext(connection) as queries:
        read(article, "kk", times=3)
    assert len(queries) == 0
    assert not ArticleViews.objects.exists()


def test_the_first_view_after_the_flush_interval_flushes_the_views_before_it():
    article = make_article()
    read(article, "kk", times=2)
    cache.delete(FLUSH_LOCK)  # the interval has passed
    read(article, "kk")
    assert views_in_database(article, "kk") == 2
    assert flush_views() == 1
    assert views_in_database(article, "kk") == 3


def test_a_view_flushing_nothing_makes_no_query():
    article = make_article()
    cache.delete(FLUSH_LOCK)
    with CaptureQueriesContext(connection) as queries:
        read(article, "kk")
    assert len(queries) == 0


def test_flushing_writes_the_counts_per_article_language_and_day():
    first, second = make_article(), make_article()
    read(first, "kk", times=3)
    read(first, "ru")
    read(second, "kk", times=2)
    assert flush_views() == 3
    today = timezone.localdate(timezone.now(), ALMATY)
    assert set(ArticleViews.objects.values_list("article", "language", "day", "views")) == {
        (first.pk, "kk", today, 3),
        (first.pk, "ru", today, 1),
        (second.pk, "kk", today, 2),
    }


def test_a_second_flush_right_after_writes_nothing():
    article = make_article()
    read(article, "kk", times=2)
    assert flush_views() == 1
    assert flush_views() == 0
    assert views_in_database(article, "kk") == 2


def test_views_between_flushes_add_up_and_none_is_lost():
    article = make_article()
    read(article, "en", times=2)
    flush_views()
    read(article, "en", times=5)
    assert flush_views() == 1
    read(article, "en")
    flush_views()
    assert ArticleViews.objects.get(article=article, language="en").views == 8


def test_flushing_keeps_the_views_counted_while_it_ran(monkeypatch):
    """A flush takes away only what it wrote; a view counted meanwhile waits for the next."""
    article = make_article()
    read(article, "ru", times=2)
    bulk_create = ArticleViews.objects.bulk_create

    def read_during_flush(*args, **kwargs):
        read(article, "ru")
        return bulk_create(*args, **kwargs)

    monkeypatch.setattr(ArticleViews.objects, "bulk_create", read_during_flush)
    flush_views()
    monkeypatch.undo()
    assert views_in_database(article, "ru") == 2
    flush_views()
    assert views_in_database(article, "ru") == 3


def test_one_push_of_many_articles_counts_and_registers_each_once(monkeypatch):
    monkeypatch.setattr(popularity, "PUSH_EVERY", 3600)
    popularity.take_buffered()
    articles = [make_article() for _ in range(12)]
    for times, article in enumerate(articles, start=1):
        read(article, "kk", times=times)
        read(article, "ru")
    popularity.flush_views(push=True)
    read(articles[0], "kk", times=2)  # counted again: no new slot
    popularity.flush_views(push=True)
    day = popularity.local_date()
    assert cache.get(popularity.slots_key(day, "kk")) == 12
    assert cache.get(popularity.slots_key(day, "ru")) == 12
    assert [views_in_database(article, "kk") for article in articles] == [
        3,
        *range(2, 13),
    ]
    assert {views_in_database(article, "ru") for article in articles} == {1}


def test_on_redis_counters_are_made_added_to_and_taken_from_in_bulk(request):
    redis_cache = request.getfixturevalue("cache_in_redis")  # the project's backend
    made = redis_cache.add_to_counters({"a": 3, "b": 1}, 60)
    assert made == {"a", "b"}
    assert redis_cache.add_to_counters({"a": 2, "c": 5}, 60) == {"c"}
    assert redis_cache.get_many(["a", "b", "c"]) == {"a": 5, "b": 1, "c": 5}
    redis = redis_cache._cache.get_client()
    assert 0 < redis.ttl(redis_cache.make_key("c")) <= 60  # made with the timeout given
    redis_cache.delete("c")  # evicted between a flush's read and its subtraction
    redis_cache.subtract_from_counters({"a": 4, "c": 5})
    assert redis_cache.get_many(["a", "c"]) == {"a": 1}


def test_views_of_a_deleted_article_are_dropped():
    kept, deleted = make_article(), make_article()
    read(kept, "kk")
    read(deleted, "kk")
    deleted.delete()
    assert flush_views() == 1
    assert list(ArticleViews.objects.values_list("article", flat=True)) == [kept.pk]


def test_yesterdays_last_views_are_flushed_after_midnight():
    with time_machine.travel(datetime(2026, 3, 2, 23, 59, tzinfo=ALMATY), tick=False) as clock:
        article = make_article()
        read(article, "kk", times=2)
        clock.shift(timedelta(minutes=2))
        hold_flush_lock()
        read(article, "kk")
        assert flush_views() == 2
    assert dict(ArticleViews.objects.values_list("day", "views")) == {
        datetime(2026, 3, 2).date(): 2,
        datetime(2026, 3, 3).date(): 1,
    }


def test_the_management_command_flushes_and_prints_the_count():
    read(make_article(), "kk")
    read(make_article(), "ru", times=4)
    out = StringIO()
    call_command("flush_article_views", stdout=out)
    assert out.getvalue().strip() == "Flushed 2 view counters."
    assert sum(ArticleViews.objects.values_list("views", flat=True)) == 5


def test_most_read_today_and_this_week_rank_by_their_own_days():
    with time_machine.travel(datetime(2026, 3, 2, 12, tzinfo=ALMATY), tick=False) as clock:
        weekly, daily, old = make_article(), make_article(), make_article()
        read(old, "ru", times=20)
        flush_views()
        clock.shift(timedelta(days=7))
        hold_flush_lock()
        read(weekly, "ru", times=10)
        flush_views()
        clock.shift(timedelta(days=3))
        hold_flush_lock()
        read(weekly, "ru")
        read(daily, "ru", times=3)
        flush_views()
        assert most_read("ru", 1) == [daily, weekly]
        assert most_read("ru", 7) == [weekly, daily]


def test_most_read_is_limited_and_has_the_category_at_hand():
    category = make_category()
    articles = [make_article(category=category) for _ in range(4)]
    for times, article in enumerate(articles, start=1):
        read(article, "kk", times=times)
    flush_views()
    top = most_read("kk", 1, limit=3)
    assert top == articles[:0:-1]
    with CaptureQueriesContext(connection) as queries:
        assert [article.category for article in top] == [category] * 3
    assert len(queries) == 0


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_most_read_counts_the_readers_of_its_own_language(language):
    other = next(code for code in LANGUAGE_CODES if code != language)
    popular_elsewhere, read_here = make_article(), make_article()
    read(popular_elsewhere, other, times=10)
    read(read_here, language, times=2)
    flush_views()
    assert most_read(language, 7) == [read_here]


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_most_read_shows_only_articles_public_in_its_language(language):
    other = next(code for code in LANGUAGE_CODES if code != language)
    live = make_article()
    unpublished = [
        make_article(status=Article.Status.DRAFT),
        make_article(status=Article.Status.WITHDRAWN),
        make_article(published_at=timezone.now() + timedelta(hours=2)),
        make_article(languages=[other]),
    ]
    for article in [live, *unpublished]:
        read(article, language, times=5)
    flush_views()
    assert most_read(language, 1) == [live]
    assert most_read(language, 7) == [live]


def test_an_article_withdrawn_after_being_read_leaves_the_list_at_once():
    first, second = make_article(), make_article()
    read(first, "kk", times=5)
    read(second, "kk", times=3)
    flush_views()
    assert most_read("kk", 1) == [first, second]  # the ranking is now cached
    workflow.article_withdraw(first, None, reason="Wrong figures.")
    assert most_read("kk", 1) == [second]


def test_an_article_whose_language_goes_offline_leaves_that_list_only():
    article = make_article()
    read(article, "ru", times=2)
    read(article, "en", times=2)
    flush_views()
    assert most_read("ru", 7) == [article]
    article.published_at_ru = None
    article.save()
    assert most_read("ru", 7) == []
    assert most_read("en", 7) == [article]


def test_a_withdrawn_article_gives_its_place_to_the_next_one():
    articles = [make_article() for _ in range(3)]
    for times, article in enumerate(articles, start=1):
        read(article, "en", times=times)
    flush_views()
    assert most_read("en", 1, limit=2) == [articles[2], articles[1]]
    workflow.article_withdraw(articles[2], None, reason="Wrong figures.")
    assert most_read("en", 1, limit=2) == [articles[1], articles[0]]


def queries_of_most_read(ranking_cached: bool) -> int:
    flush_views()
    cache.clear()
    hold_flush_lock()
    if ranking_cached:
        most_read("ru", 7)
    with CaptureQueriesContext(connection) as queries:
        most_read("ru", 7)
    return len(queries)


@pytest.mark.parametrize("ranking_cached", [False, True])
def test_most_read_costs_one_query_however_many_articles(ranking_cached):
    for article in [make_article() for _ in range(3)]:
        read(article, "ru")
    with_three = queries_of_most_read(ranking_cached)
    for article in [make_article() for _ in range(27)]:
        read(article, "ru", times=2)
    assert queries_of_most_read(ranking_cached) == with_three == 1


def test_the_partial_lists_the_articles_with_their_links():
    with translation.override("ru"):
        article = make_article()
        html = render_to_string(
            "includes/most_read.html", {"articles": [article], "heading_id": "most-read-today"}
        )
    assert 'aria-labelledby="most-read-today"' in html
    assert '<h2 id="most-read-today">' in html
    assert f'<a href="{article.get_absolute_url("ru")}">{article.title_ru}</a>' in html


def test_the_partial_renders_nothing_without_articles():
    html = render_to_string("includes/most_read.html", {"articles": [], "heading_id": "x"})
    assert html.strip() == ""


def test_new_counts_that_leave_every_list_as_it_was_keep_the_most_read_generation():
    leader, runner_up = make_article(), make_article()
    read(leader, "en", 3)
    read(runner_up, "en", 1)
    flush_views()
    ranked_with = generation.ranking_generation()
    assert most_read("en", days=1) == [leader, runner_up]

    read(runner_up, "en", 1)  # 2 against 3: the same order
    flush_views()
    assert generation.ranking_generation() == ranked_with

    read(runner_up, "en", 5)  # 7 against 3: the lists move
    flush_views()
    assert generation.ranking_generation() != ranked_with
    assert most_read("en", days=1) == [runner_up, leader]


def test_kept_rankings_are_those_of_the_new_generation_and_cost_no_query():
    article = make_article()
    read(article, "en", 2)
    flush_views()
    with CaptureQueriesContext(connection) as queries:
        ranked = most_read("en", days=7)
    assert ranked == [article]
    assert len(queries) == 1  # the articles, by id: the ranking was made by the flush
