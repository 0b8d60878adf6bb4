"""Faults: Redis going away, PostgreSQL dropping the connection, saves and imports cut short.

The Redis tests start a redis-server of their own (the suite needs the
binary: `make system-packages` installs it), point the cache at it and stop
and start it under the site. The PostgreSQL test runs on CI's PostgreSQL pass.
"""

import logging
import os
import signal
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse

from articles.caching import generation
from articles.desk import presence
from articles.models import Article, Byline
from articles.public import popularity
from newsroom import redis_cache
from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article, make_author, make_tag
from tests.redis_server import RETRY_AFTER

pytestmark = pytest.mark.slow

LEGACY = Path(__file__).parent / "fixtures" / "legacy"


def public_pages(article: Article) -> dict[str, str]:
    return {
        "home": "/en/",
        "latest": "/en/news/",
        "article": article.get_absolute_url("en"),
        "feed": "/en/rss/",
    }


def read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.django_db
def test_pages_are_served_from_the_database_while_redis_is_down_and_cached_when_it_is_back(
    client, redis_server, cache_in_redis
):
    article = make_article(title_en="Harvest begins early")
    pages = public_pages(article)
    for url in pages.values():
        assert "Harvest begins early" in read(client, url)
    assert redis_server.client().exists(f":1:{generation.KEY}")

    redis_server.stop()
    newer = make_article(title_en="Rail strike ends")
    for name, url in pages.items():
        page = read(client, url)
        assert "Harvest begins early" in page
        if name != "article":
            assert "Rail strike ends" in page, name
    assert "Rail strike ends" in read(client, newer.get_absolute_url("en"))

    redis_server.start()
    time.sleep(RETRY_AFTER)
    for name, url in pages.items():
        page = read(client, url)
        assert "Harvest begins early" in page
        if name != "article":
            assert "Rail strike ends" in page, name
    keys = redis_server.client().keys()
    assert f":1:{generation.KEY}".encode() in keys
    # Pages are kept whole again, with the generation they were made in.
    assert any(key.startswith(b":1:page:") for key in keys)


@pytest.mark.django_db
def test_a_save_made_while_redis_was_away_shows_when_it_comes_back_with_its_old_data(
    client, redis_server, cache_in_redis
):
    make_article(title_en="Old news")
    assert "Old news" in read(client, "/en/news/")  # kept, under the version of the time

    redis_server.stop(save=True)
    # The save's signal cannot delete the content version now.
    make_article(title_en="Saved during the outage")
    redis_server.start()
    assert redis_server.client().exists(f":1:{generation.KEY}")  # back, as it was
    time.sleep(RETRY_AFTER)

    page = read(client, "/en/news/")
    assert "Saved during the outage" in page
    assert "Old news" in page


@pytest.mark.django_db
def test_only_the_keys_written_during_an_outage_are_forgotten_when_redis_is_back(
    redis_server, cache_in_redis
):
    cache = cache_in_redis
    cache.set_many({"untouched": "kept", "rewritten": "old", "deleted": "old"})

    redis_server.stop(save=True)
    cache.set("rewritten", "new")
    cache.delete("deleted")
    redis_server.start()
    time.sleep(RETRY_AFTER)

    assert cache.get_many(["untouched", "rewritten", "deleted"]) == {"untouched": "kept"}


@pytest.mark.django_db
def test_too_many_writes_lost_in_an_outage_empty_the_cache_when_redis_is_back(
    redis_server, cache_in_redis, monkeypatch
):
    monkeypatch.setattr(redis_cache, "MAX_LOST_KEYS", 2)
    cache = cache_in_redis
    cache.set("untouched", "kept")

    redis_server.stop(save=True)
    for key in ("one", "two", "three"):
        cache.set(key, "new")
    redis_server.start()
    time.sleep(RETRY_AFTER)

    assert cache.get("untouched") is None
    assert redis_server.client().dbsize() == 0


@pytest.mark.django_db
def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(
    client, redis_server, cache_in_redis, caplog, settings
):
    settings.CONTENT_RECHECK_SECONDS = 0  # each read asks Redis, even for a page kept in memory
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="newsroom.redis_cache"):
        for _ in range(3):
            read(client, "/en/")
            time.sleep(RETRY_AFTER)  # so that the next request tries Redis again
        redis_server.start()
        read(client, "/en/")

    said = [record.getMessage() for record in caplog.records if record.name == redis_cache.__name__]
    assert len(said) == 2, said
    assert said[0].startswith(f"Redis at {redis_server.url} does not answer")
    assert said[1].startswith(f"Redis at {redis_server.url} answers again")


@pytest.mark.django_db
def test_after_a_failure_redis_is_left_alone_for_a_while_then_used_again(
    settings, redis_server, cache_in_redis
):
    retry_after = 5
    options = {"RETRY_AFTER": retry_after}
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "OPTIONS": options},
    }
    cache = caches["default"]
    redis_server.stop()
    assert cache.get("answer") is None
    failed_at = time.monotonic()

    redis_server.start()
    redis_server.client().set(":1:answer", 42)
    assert cache.get("answer") is None  # not asked again yet
    assert time.monotonic() - failed_at < retry_after  # (or this test proves nothing)
    time.sleep(retry_after - (time.monotonic() - failed_at))
    assert cache.get("answer") == 42


@pytest.mark.django_db
def test_a_hung_redis_costs_a_fraction_of_a_second_once_and_then_nothing(
    redis_server, cache_in_redis
):
    cache = cache_in_redis
    cache.set("answer", 42)
    os.kill(redis_server.process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        assert cache.get("answer") is None
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(20):
            assert cache.get("answer") is None
        rest = time.monotonic() - started
    finally:
        os.kill(redis_server.process.pid, signal.SIGCONT)
    # redis-py's default socket timeout is none at all: a hung Redis would hang every page.
    assert first < 2
    assert rest < 0.1


@pytest.mark.django_db
def test_every_cache_operation_acts_as_on_an_empty_cache_while_redis_is_down(
    redis_server, cache_in_redis
):
    cache = cache_in_redis
    redis_server.stop()

    assert cache.get("key", "default") == "default"
    assert cache.get_many(["key", "other"]) == {}
    assert cache.has_key("key") is False
    assert cache.add("lock", True, 60) is False  # a lock is not taken
    cache.set("key", 1)
    assert cache.get_or_set("key", "made") == "made"
    assert cache.set_many({"key": 1, "other": 2}) == ["key", "other"]
    with pytest.raises(ValueError):
        cache.incr("counter")
    with pytest.raises(ValueError):
        cache.decr("counter")
    assert cache.add_to_counters({"counter": 1}) == set()  # nothing made, nothing counted
    cache.subtract_from_counters({"counter": 1})
    assert cache.touch("key") is False
    assert cache.delete("key") is False
    cache.delete_many(["key", "other"])
    cache.clear()


@pytest.mark.django_db
def test_reads_counted_and_editors_present_carry_on_while_redis_is_down(
    client, redis_server, cache_in_redis, admin_user, monkeypatch
):
    article = make_article(title_en="Counted")
    redis_server.stop()
    monkeypatch.setattr(popularity, "PUSH_EVERY", 0)  # every read goes to the cache at once

    assert "Counted" in read(client, article.get_absolute_url("en"))
    popularity.record_view(article.pk, "en")
    assert popularity.flush_views() == 0
    assert popularity.most_read("en", days=1) == []
    assert presence.mark_present(article.pk, admin_user) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_the_site_reconnects_by_itself_after_postgresql_drops_its_connection():
    article = make_article(title_en="Still here")
    connection.close()
    handler = WSGIHandler()

    def serve(path: str) -> tuple[str, str]:
        """The status and page of a request, as gunicorn would have it handled."""
        status = []
        response = handler(RequestFactory().get(path).environ, lambda s, h: status.append(s))
        try:
            return status[0], b"".join(response).decode()
        finally:
            response.close()  # request_finished: Django keeps or closes the connection

    assert serve(article.get_absolute_url("en"))[0] == "200 OK"
    assert connection.connection is not None  # kept for the next request (CONN_MAX_AGE)
    backend_pid = connection.connection.info.backend_pid
    # What a restart of PostgreSQL does to the site's connection.
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
            assert cursor.fetchone() == (True,)
    finally:
        other.close()
    # Nothing kept anywhere: the page is made from the database.
    cache.clear()

    status, page = serve(article.get_absolute_url("en"))
    assert status == "200 OK"
    assert "Still here" in page
    assert connection.connection.info.backend_pid != backend_pid


def byline_save_failing_at(number: int, monkeypatch) -> None:
    """Byline.save() raises on its `number`th call, half-way through a save of the article."""
    save, calls = Byline.save, []

    def failing(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == number:
            raise RuntimeError("the database went away")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Byline, "save", failing)


@pytest.fixture
def editor():
    return signed_in(Client(raise_request_exception=False), make_user(superuser=True))


@pytest.mark.django_db(transaction=True)
def test_an_article_added_with_a_save_cut_short_is_not_added_at_all(editor, monkeypatch):
    first, second, tag = make_author(), make_author(), make_tag()
    data = change_form_data(
        Article(),
        title_en="Half-written",
        body_en="Text.",
        status=Article.Status.PUBLISHED,
        based_on_version="",
        tags=[tag.pk],
        **{
            "bylines-TOTAL_FORMS": "2",
            "bylines-0-author": first.pk,
            "bylines-0-position": "0",
            "bylines-1-author": second.pk,
            "bylines-1-position": "1",
        },
    )
    byline_save_failing_at(2, monkeypatch)

    response = editor.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 500
    assert not Article.objects.exists()
    assert not Byline.objects.exists()
    assert not tag.articles.exists()


@pytest.mark.django_db(transaction=True)
def test_an_edit_cut_short_leaves_the_article_as_it_was(editor, monkeypatch):
    first, second, third = make_author(), make_author(), make_author()
    kept_tag, new_tag = make_tag(), make_tag()
    article = make_article(title_en="As it was", authors=[first, second])
    article.tags.add(kept_tag)
    article.refresh_from_db()
    data = change_form_data(
        article,
        title_en="Half-edited",
        tags=[new_tag.pk],
        **{
            "bylines-TOTAL_FORMS": "3",
            "bylines-0-position": "2",
            "bylines-2-author": third.pk,
            "bylines-2-position": "0",
        },
    )
    byline_save_failing_at(2, monkeypatch)

    response = editor.post(change_url(article), data)

    assert response.status_code == 500
    stored = Article.objects.get()
    assert stored.title_en == "As it was"
    assert stored.edit_version == article.edit_version
    assert list(stored.tags.all()) == [kept_tag]
    bylines = Byline.objects.filter(article=article).order_by("position")
    assert [(byline.author, byline.position) for byline in bylines] == [(first, 0), (second, 1)]


@pytest.mark.django_db(transaction=True)
def test_an_import_cut_short_keeps_the_files_before_and_changes_nothing_after(
    tmp_path, monkeypatch
):
    """Each file is imported in a transaction of its own (tests/test_import.py: a new article)."""
    russian = LEGACY / "ru-budget-2027.txt"
    call_command("import_legacy", russian, stdout=StringIO())
    imported = Article.objects.get()
    corrected = tmp_path / russian.name
    corrected.write_text(russian.read_text().replace("АСТАНА.", "АСТАНА (исправлено)."))

    def fail(name):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("articles.interchange.importers.find_or_create_author", fail)
    kazakh = LEGACY / "kk-ekonomika.txt"  # no author: imported before the failure
    with pytest.raises(RuntimeError):
        call_command("import_legacy", kazakh, corrected, stdout=StringIO())

    assert Article.objects.count() == 2
    assert Article.objects.filter(title_kk__startswith="Үкімет шағын бизнесті").exists()
    stored = Article.objects.get(pk=imported.pk)
    assert stored.body_ru == imported.body_ru
    assert stored.edit_version == imported.edit_version
    assert Byline.objects.filter(article=imported).count() == 1
