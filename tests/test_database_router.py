"""Readers' pages read from the replica; the admin, editors, previews and writes use the primary.

In the test settings the replica is a test mirror: a second connection to the
test database. It sees only committed rows, so these tests commit
(transaction=True) and name both databases; they also put back the pinning
middleware that the other tests run without (newsroom/settings_test.py).
"""

from contextlib import ExitStack, contextmanager

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ArticleViews, Category
from articles.public.popularity import flush_views, record_view
from articles.public.preview import preview_path
from newsroom import routers
from newsroom.primary_pinning import PIN_COOKIE, PrimaryPinningMiddleware
from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

PINNING = "newsroom.primary_pinning.PrimaryPinningMiddleware"


@pytest.fixture(autouse=True)
def _pinning_middleware(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, PINNING]
    # Every visit renders its page: none is answered from the whole-page cache.
    settings.PAGE_CACHE_SECONDS = 0


class Queries:
    """The SQL each database ran within the block."""

    def __enter__(self):
        self._stack = ExitStack()
        self.primary = self._stack.enter_context(CaptureQueriesContext(connections["default"]))
        self.replica = self._stack.enter_context(CaptureQueriesContext(connections["replica"]))
        return self

    def __exit__(self, *exc):
        self._stack.close()

    def on(self, database: str, containing: str = "") -> list[str]:
        captured = self.primary if database == "default" else self.replica
        return [query["sql"] for query in captured.captured_queries if containing in query["sql"]]


@contextmanager
def reader_request():
    """A block in which reads may use the replica, as in a reader's request."""
    with routers.read_from_primary():
        routers.allow_replica_reads()
        yield


def visit(client, path: str, **extra):
    """GET `path` as the first reader since the content changed; the response and its queries.

    The cache starts empty, and a visit to another page first puts there what
    every page shares, so only this page's own queries are counted.
    """
    cache.clear()
    client.get(reverse("articles:authors"))
    with Queries() as queries:
        response = client.get(path, **extra)
    assert response.status_code == 200, path
    return response, queries


def test_a_readers_article_page_reads_from_the_replica_alone(client):
    article = make_article(category=make_category())
    _response, queries = visit(client, article.get_absolute_url())
    assert queries.on("replica", '"articles_article"')
    assert queries.on("default") == []


@pytest.mark.parametrize(
    "path",
    [
        "/kk/",
        "/kk/news/",
        "/kk/rss/",
        "/kk/search/?q=Article",
        "/sitemap-articles-kk.xml",
    ],
)
def test_lists_feeds_search_and_sitemaps_read_from_the_replica(client, path):
    make_article()
    _response, queries = visit(client, path)
    assert queries.on("replica", '"articles_article"')
    assert queries.on("default") == []


def test_the_admin_opens_and_saves_an_article_on_the_primary(client):
    article = make_article()
    editor = signed_in(client, make_user(superuser=True))
    with Queries() as queries:
        assert editor.get(change_url(article)).status_code == 200
        saved = editor.post(change_url(article), change_form_data(article, title_en="Edited"))
    assert saved.status_code == 302
    assert queries.on("default", 'UPDATE "articles_article"')
    assert queries.replica.captured_queries == []
    assert Article.objects.get(pk=article.pk).title_en == "Edited"


def test_a_signed_in_editor_reads_the_public_page_from_the_primary(client):
    article = make_article()
    signed_in(client, make_user(superuser=True))
    _response, queries = visit(client, article.get_absolute_url())
    assert queries.on("default", '"articles_article"')
    assert queries.replica.captured_queries == []


def test_a_write_keeps_the_client_on_the_primary_for_the_replicas_lag(
    client, settings, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    article = make_article()
    signed_out_write = client.post(reverse("admin:login"), {"username": "x", "password": "y"})
    pin = signed_out_write.cookies[PIN_COOKIE]
    assert pin["max-age"] == settings.REPLICA_LAG_SECONDS == 10
    assert pin["httponly"]

    time_machine.shift(9)
    _response, pinned = visit(client, article.get_absolute_url())
    assert pinned.on("default", '"articles_article"')
    assert pinned.replica.captured_queries == []

    # A client that keeps the cookie past its max-age is no longer pinned.
    time_machine.shift(2)
    _response, unpinned = visit(client, article.get_absolute_url())
    assert unpinned.on("replica", '"articles_article"')
    assert unpinned.on("default") == []


def test_reading_never_pins(client):
    article = make_article()
    response, _queries = visit(client, article.get_absolute_url())
    assert PIN_COOKIE not in response.cookies


def test_a_preview_link_opened_without_an_account_reads_from_the_primary(client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    _response, queries = visit(client, preview_path(draft, "kk"))
    assert queries.on("default", '"articles_article"')
    assert queries.replica.captured_queries == []


def test_view_counts_flushed_during_a_readers_request_are_written_to_the_primary():
    article = make_article()
    with reader_request(), Queries() as queries:
        record_view(article.pk, "kk")
        flush_views()
    assert queries.on("default", '"articles_articleviews"')
    assert all(sql.startswith("SELECT") for sql in queries.on("replica"))
    assert ArticleViews.objects.get(article=article).views == 1


@pytest.mark.parametrize("model", [Session, get_user_model(), LogEntry, Version])
def test_sessions_users_the_admin_log_and_revisions_are_always_read_from_the_primary(model):
    with reader_request():
        assert router.db_for_read(Article) == "replica"
        assert router.db_for_read(model) == "default"


def test_reads_within_a_transaction_see_its_writes_on_the_primary():
    with reader_request(), transaction.atomic():
        assert router.db_for_read(Article) == "default"


def test_outside_a_request_everything_reads_from_the_primary():
    assert router.db_for_read(Article) == "default"


def test_an_object_read_from_the_replica_is_saved_to_the_primary():
    category = make_category()
    replica_copy = Category.objects.using("replica").get(pk=category.pk)
    replica_copy.name_en = "Renamed"
    replica_copy.save()
    assert replica_copy._state.db == "default"
    assert Category.objects.get(pk=category.pk).name_en == "Renamed"


def test_objects_from_both_databases_may_be_related():
    article = make_article()
    article.category = Category.objects.using("replica").get(pk=make_category().pk)
    article.save()
    assert Article.objects.get(pk=article.pk).category_id == article.category_id


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate("replica", "articles")


def test_without_a_replica_the_router_and_middleware_stand_aside(monkeypatch):
    monkeypatch.setattr(routers, "has_replica", lambda: False)
    assert routers.PrimaryReplicaRouter().db_for_read(Article) is None
    assert routers.PrimaryReplicaRouter().db_for_write(Article) is None
    with pytest.raises(MiddlewareNotUsed):
        PrimaryPinningMiddleware(lambda request: None)


def test_pages_made_right_after_a_save_read_the_primary_so_none_is_kept_stale(
    client, settings, time_machine
):
    """A page made now is cached until the next change: it must not miss the last one."""
    time_machine.move_to(timezone.now(), tick=False)
    article = make_article()  # committed: the replica may lag behind it
    with Queries() as settling:
        assert client.get(article.get_absolute_url()).status_code == 200
    assert settling.on("default", '"articles_article"')
    assert settling.replica.captured_queries == []

    time_machine.shift(settings.REPLICA_LAG_SECONDS + 1)
    with Queries() as settled:
        assert client.get("/kk/news/").status_code == 200
    assert settled.on("replica", '"articles_article"')
    # On the primary only the new content generation's look at what goes live next.
    assert [sql for sql in settled.on("default") if "ORDER BY 1 ASC LIMIT 1" not in sql] == []
