"""What the app tells the edge cache: surrogate keys on public answers, and purges on change.

The edge here is a stand-in that records the PURGE requests it gets;
tests/test_edge.py runs the real Varnish with the project's VCL.
"""

import http.server
import io
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Byline
from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article, make_author, make_category, make_tag

pytestmark = pytest.mark.django_db


class RecordingEdge(http.server.ThreadingHTTPServer):
    """Answers every PURGE with 200 and keeps the keys it was asked to purge, in order."""

    def __init__(self):
        self.purges: list[set[str]] = []
        edge = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PURGE(self):  # noqa: N802 - the method's name
                edge.purges.append(set(self.headers.get("xkey-purge", "").split()))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def purged(self) -> set[str]:
        return set().union(*self.purges)


@pytest.fixture
def recording_edge(settings):
    server = RecordingEdge()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EDGE_CACHE_URLS = [server.url]
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what waits for the commit at its end, as a save's commit does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def keys_of(response) -> set[str]:
    return set(response["xkey"].split())


# Keys


def test_an_article_page_names_what_it_shows(client):
    category, author, tag = make_category(), make_author(), make_tag()
    related = make_article(category=category)
    article = make_article(category=category, authors=[author])
    article.tags.add(tag)
    response = client.get(article.get_absolute_url("en"))
    assert {
        f"article-{article.pk}",
        f"article-{related.pk}",  # among its related articles
        f"category-{category.pk}",
        f"author-{author.pk}",
        f"tag-{tag.pk}",
        "latest-en",  # the latest news beside it
        "edition-en",
        "site",
    } <= keys_of(response)


@pytest.mark.parametrize("kind", ["category", "author", "tag"])
def test_a_list_page_and_its_feeds_name_the_list_and_its_articles(client, kind):
    category, author, tag = make_category(), make_author(), make_tag()
    article = make_article(category=category, authors=[author])
    article.tags.add(tag)
    owner = {"category": category, "author": author, "tag": tag}[kind]
    for url in (owner.get_absolute_url("en"), owner.get_absolute_url("en") + "rss/"):
        response = client.get(url)
        assert {f"{kind}-{owner.pk}", f"article-{article.pk}"} <= keys_of(response), url


@pytest.mark.parametrize("url", ["/en/", "/en/news/", "/en/rss/", "/en/feed.json"])
def test_the_home_page_latest_news_and_feeds_name_the_editions_latest_news(client, url):
    article = make_article()
    assert {"latest-en", f"article-{article.pk}"} <= keys_of(client.get(url))


def test_the_edge_keeps_a_page_no_longer_than_until_the_next_scheduled_change(client, settings):
    settings.EDGE_MAX_AGE = 3600
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        make_article()
        assert client.get("/en/news/")["Surrogate-Control"] == "max-age=3600"
        make_article(published_at=now + timedelta(minutes=5))
        assert client.get("/en/news/")["Surrogate-Control"] == "max-age=300"


def test_pages_with_most_read_lists_are_kept_at_the_edge_only_briefly(client, settings):
    settings.EDGE_MAX_AGE, settings.EDGE_RANKED_MAX_AGE = 3600, 60
    article = make_article()
    assert client.get("/en/")["Surrogate-Control"] == "max-age=60"
    assert client.get(article.get_absolute_url("en"))["Surrogate-Control"] == "max-age=60"


def test_editors_search_and_previews_get_nothing_an_edge_may_keep(client):
    article = make_article()
    for url in ("/en/search/?q=x", reverse("admin:login")):
        response = client.get(url)
        assert "xkey" not in response and "Surrogate-Control" not in response, url
    signed_in(client, make_user("Editors"))
    response = client.get(article.get_absolute_url("en"))
    assert "xkey" not in response and "Surrogate-Control" not in response
    assert "private" in response["Cache-Control"]


# Purges


def test_publishing_purges_the_article_and_every_list_it_joins(client, recording_edge, committed):
    category, author, tag = make_category(), make_author(), make_tag()
    article = make_article(
        category=category, authors=[author], status=Article.Status.DRAFT, published_at=None
    )
    article.tags.add(tag)
    recording_edge.purges.clear()
    with committed():
        workflow.article_publish(article, None)
    assert {
        f"article-{article.pk}",
        "latest-kk",
        "latest-kk-latn",
        "latest-ru",
        "latest-en",
        f"category-{category.pk}",
        f"author-{author.pk}",
        f"tag-{tag.pk}",
    } <= recording_edge.purged()


def test_a_save_in_the_desk_is_one_purge_request_naming_the_old_and_new_category(
    client, recording_edge, committed
):
    old, new = make_category(), make_category()
    article = make_article(category=old)
    recording_edge.purges.clear()
    desk = signed_in(client, make_user("Editors"))
    with committed():
        response = desk.post(change_url(article), change_form_data(article, category=new.pk))
    assert response.status_code == 302
    [purge] = recording_edge.purges
    assert {f"article-{article.pk}", f"category-{old.pk}", f"category-{new.pk}"} <= purge


def test_bylines_and_tags_purge_the_article_and_their_pages(recording_edge, committed):
    article, author, tag = make_article(), make_author(), make_tag()
    recording_edge.purges.clear()
    with committed():
        Byline.objects.create(article=article, author=author, position=0)
        tag.articles.add(article)
    assert {f"article-{article.pk}", f"author-{author.pk}", f"tag-{tag.pk}"} <= (
        recording_edge.purged()
    )


def test_a_renamed_category_purges_every_page_for_the_navigation(recording_edge, committed):
    category = make_category()
    recording_edge.purges.clear()
    category.name_en = "Economy"
    with committed():
        category.save()
    assert {f"category-{category.pk}", "site"} <= recording_edge.purged()


@pytest.mark.parametrize("change", ["identity", "link", "page", "source"])
def test_what_every_page_shows_purges_every_page(recording_edge, committed, change):
    from articles.models import SiteIdentity, Source, StaticPage

    identity = SiteIdentity.load()
    identity.save()
    recording_edge.purges.clear()
    with committed():
        if change == "identity":
            identity.name_en = "Inform"
            identity.save()
        elif change == "link":
            identity.social_links.create(network="telegram", url="https://t.me/inform")
        elif change == "page":
            StaticPage(title_en="About us", body_en="<p>An agency.</p>").save()
        else:
            Source.objects.create(credit="Kazinform", name_kk="Қ", name_ru="К", name_en="K")
    assert "site" in recording_edge.purged()


def test_a_renamed_author_purges_their_pages_and_the_authors_index(recording_edge, committed):
    author = make_author()
    recording_edge.purges.clear()
    author.name_en = "Aigerim Bekova"
    with committed():
        author.save()
    assert {f"author-{author.pk}", "authors"} <= recording_edge.purged()


def test_nothing_is_purged_before_the_save_is_committed(
    recording_edge, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_article()
    assert recording_edge.purges == []
    for callback in callbacks:
        callback()
    assert recording_edge.purges


def test_an_edge_that_does_not_answer_never_fails_a_save(settings, committed, caplog):
    settings.EDGE_CACHE_URLS = ["http://127.0.0.1:9"]  # nothing listens there
    with committed():
        article = make_article(title_en="Saved anyway")
    article.refresh_from_db()
    assert article.title_en == "Saved anyway"
    assert "Could not purge" in caplog.text


def test_scheduled_go_lives_and_banner_ends_are_purged_by_the_timer(recording_edge, committed):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        scheduled = make_article(published_at=now + timedelta(minutes=3))
        bannered = make_article(breaking_until=now + timedelta(minutes=4))
        with committed():
            call_command("purge_due", stdout=io.StringIO())
    recording_edge.purges.clear()
    with time_machine.travel(now + timedelta(minutes=5), tick=False), committed():
        call_command("purge_due", stdout=io.StringIO())
    purged = recording_edge.purged()
    assert {f"article-{scheduled.pk}", f"article-{bannered.pk}", "edition-en"} <= purged
