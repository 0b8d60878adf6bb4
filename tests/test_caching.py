"""Caching that never serves stale news: fragments, whole pages, HTTP validators.

Each change readers must see (publish, edit, withdraw, a scheduled go-live,
a banner running out, a renamed category) is checked on every page type and
feed, with whole-page caching on, right after the change.
"""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article
from tests.desk import make_user, signed_in
from tests.factories import make_article, make_author, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _whole_pages_cached(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def category():
    return make_category()


@pytest.fixture
def author():
    return make_author()


def surfaces(category, author) -> dict[str, str]:
    """Every public page type and feed an article appears on, in English."""
    return {
        "home": "/en/",
        "latest": "/en/news/",
        "category": category.get_absolute_url("en"),
        "author": author.get_absolute_url("en"),
        "feed": "/en/rss/",
        "atom": "/en/atom/",
        "json feed": "/en/feed.json",
        "category feed": f"{category.get_absolute_url('en')}rss/",
    }


def showing(client, urls: dict[str, str], text: str) -> set[str]:
    return {name for name, url in urls.items() if text in client.get(url).content.decode()}


@pytest.fixture
def warm_site(client, category, author):
    """A site whose pages have all been served (and cached) once."""
    make_article(category=category, authors=[author], title_en="Yesterday's news")
    urls = surfaces(category, author)
    assert showing(client, urls, "Yesterday") == set(urls)
    return urls


def test_a_published_article_shows_on_every_page_at_once(client, warm_site, category, author):
    draft = make_article(
        category=category, authors=[author], status=Article.Status.DRAFT, title_en="Flood warning"
    )
    assert showing(client, warm_site, "Flood warning") == set()
    workflow.article_publish(draft, None)
    assert showing(client, warm_site, "Flood warning") == set(warm_site)
    assert "Flood warning" in client.get(draft.get_absolute_url("en")).content.decode()


def test_an_edit_shows_on_every_page_and_the_article_at_once(client, warm_site, category, author):
    article = make_article(category=category, authors=[author], title_en="Fire in Almaty")
    client.get(article.get_absolute_url("en"))
    assert showing(client, warm_site, "Fire in Almaty") == set(warm_site)
    article.title_en = "Fire in Astana"
    article.save()
    assert showing(client, warm_site, "Fire in Almaty") == set()
    assert showing(client, warm_site, "Fire in Astana") == set(warm_site)
    assert "Fire in Astana" in client.get(article.get_absolute_url("en")).content.decode()


def test_a_withdrawn_article_leaves_every_page_at_once(client, warm_site, category, author):
    article = make_article(category=category, authors=[author], title_en="Wrong figures")
    address = article.get_absolute_url("en")
    assert client.get(address).status_code == 200
    assert showing(client, warm_site, "Wrong figures") == set(warm_site)
    workflow.article_withdraw(article, None, reason="The figures were wrong.")
    assert showing(client, warm_site, "Wrong figures") == set()
    assert client.get(address).status_code == 404


def test_the_desks_bulk_withdraw_takes_articles_off_every_page_at_once(
    client, warm_site, category, author
):
    article = make_article(category=category, authors=[author], title_en="Disputed figures")
    address = article.get_absolute_url("en")
    assert client.get(address).status_code == 200
    assert showing(client, warm_site, "Disputed figures") == set(warm_site)
    desk = signed_in(Client(), make_user("Editors"))
    desk.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "withdraw",
            "_selected_action": [article.pk],
            "apply": "1",
            "reason": "Figures disputed",
        },
    )
    assert showing(client, warm_site, "Disputed figures") == set()
    assert client.get(address).status_code == 404
    [version] = Version.objects.get_for_object(article)
    assert version.field_dict["status"] == Article.Status.WITHDRAWN
    assert version.revision.user.has_perm("articles.publish_article")


def test_a_scheduled_article_goes_live_on_time_without_waiting_for_a_timeout(
    client, category, author
):
    now = timezone.now()
    goes_live = now + timedelta(minutes=10)
    with time_machine.travel(now, tick=False):
        make_article(category=category, authors=[author], title_en="Already out")
        scheduled = make_article(
            category=category, authors=[author], title_en="Embargoed report", published_at=goes_live
        )
        urls = surfaces(category, author)
        assert showing(client, urls, "Already out") == set(urls)
        assert showing(client, urls, "Embargoed report") == set()
    with time_machine.travel(goes_live - timedelta(seconds=1), tick=False):
        assert showing(client, urls, "Embargoed report") == set()
        assert client.get(scheduled.get_absolute_url("en")).status_code == 404
    with time_machine.travel(goes_live + timedelta(seconds=1), tick=False):
        assert showing(client, urls, "Embargoed report") == set(urls)
        assert client.get(scheduled.get_absolute_url("en")).status_code == 200


def test_the_breaking_news_banner_comes_down_when_its_time_is_up(client):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        make_article(title_en="Earthquake", breaking_until=now + timedelta(minutes=30))
        assert 'class="breaking"' in client.get("/en/").content.decode()
    with time_machine.travel(now + timedelta(minutes=31), tick=False):
        assert 'class="breaking"' not in client.get("/en/").content.decode()


def test_a_renamed_category_shows_in_the_navigation_at_once(client, warm_site, category):
    category.name_en = "Economy and markets"
    category.save()
    assert "Economy and markets" in client.get("/en/").content.decode()


def test_a_cached_page_costs_no_query_and_is_the_same_page(client, warm_site):
    first = client.get("/en/news/")
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/en/news/")
    assert len(queries) == 0
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Content-Language"] == "en"


def test_new_most_read_counts_show_on_a_kept_home_page_at_once(client, settings):
    from articles.public import popularity

    settings.CONTENT_CACHE_SECONDS = 3600  # the content generation outlives the change
    # At noon: the flush stays within the same day of most-read.
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(noon, tick=False):
        article = make_article(title_en="Read today")
        first = client.get("/en/")
        assert client.get("/en/").content == first.content  # kept
        for _ in range(3):
            client.get(article.get_absolute_url("en"))
        popularity.flush_views()
        again = client.get("/en/")
    assert "Read today" in again.content.decode().split("most-read-today", 1)[1]


def test_a_kept_article_page_lags_new_rankings_until_the_page_cache_time(client, settings):
    """Its most-read list is beside the article: new rankings do not remake every article."""
    from articles.public import popularity

    settings.CONTENT_CACHE_SECONDS = 3600
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(noon, tick=False) as traveller:
        shown, read = make_article(title_en="Shown"), make_article(title_en="Read today")
        assert client.get(shown.get_absolute_url("en")).templates  # made
        for _ in range(3):
            client.get(read.get_absolute_url("en"))
        assert popularity.flush_views()  # the list today moved
        assert not client.get(shown.get_absolute_url("en")).templates  # kept all the same
        assert client.get("/en/").templates  # the home page is made with the new list
        traveller.shift(settings.PAGE_CACHE_SECONDS + 1)
        again = client.get(shown.get_absolute_url("en"))
    assert again.templates  # made anew, with the new list
    assert "Read today" in again.content.decode().split("most-read-today", 1)[1]


def test_a_page_made_anew_after_the_page_cache_time_is_kept_again(client, settings):
    settings.CONTENT_CACHE_SECONDS = 3600  # the content generation outlives the page
    make_article(title_en="Kept")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert client.get("/en/news/").templates  # made
        assert not client.get("/en/news/").templates  # kept: nothing rendered
        traveller.shift(settings.PAGE_CACHE_SECONDS + 1)
        assert client.get("/en/news/").templates  # made anew
        # Kept again.
        assert not client.get("/en/news/").templates


def test_junk_parameters_share_the_page_and_a_missing_page_is_never_kept(client, warm_site):
    client.get("/en/news/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/news/?utm_source=x&page=7").status_code == 200
    assert len(queries) == 0
    assert client.get("/en/category/no-such-category/").status_code == 404
    make_category(name_en="No such category", slug_en="no-such-category")
    assert client.get("/en/category/no-such-category/").status_code == 200


def test_editors_pages_are_made_for_them_and_kept_by_no_one(client, admin_user, warm_site):
    anonymous = client.get("/en/")
    signed_in(client, admin_user)
    response = client.get("/en/")
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert "ETag" not in response
    # A validator from the public page is no shortcut for them.
    again = client.get("/en/", headers={"If-None-Match": anonymous["ETag"]})
    assert again.status_code == 200


def test_a_cached_article_page_still_counts_its_readers(client, settings):
    from articles.public import popularity

    article = make_article(title_en="Read me")
    for _ in range(3):
        assert client.get(article.get_absolute_url("en")).status_code == 200
    popularity.flush_views()
    assert article.views.get(language="en").views == 3


@pytest.mark.parametrize("url", ["/en/", "/en/news/", "/en/rss/", "/en/feed.json"])
def test_pages_and_feeds_answer_304_to_their_validators_without_a_query(client, url):
    make_article()
    first = client.get(url)
    assert first.status_code == 200
    assert first["ETag"].startswith('W/"')
    with CaptureQueriesContext(connection) as queries:
        by_etag = client.get(url, headers={"If-None-Match": first["ETag"]})
        by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert (by_etag.status_code, by_date.status_code) == (304, 304)
    assert by_etag.content == b"" and by_etag["ETag"] == first["ETag"]
    assert len(queries) == 0
    make_article()  # any change to the content
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 200


def test_a_cdn_may_keep_pages_briefly_and_revalidate(client, settings):
    settings.CDN_MAX_AGE = 10
    settings.CDN_STALE_WHILE_REVALIDATE = 30
    make_article()
    control = {part.strip() for part in client.get("/en/").headers["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "s-maxage=10", "stale-while-revalidate=30"} <= control


def test_a_language_page_varies_by_its_address_only(client):
    """The language is in the path: a CDN must not split or mix pages by header."""
    make_article()
    page = client.get("/en/")
    assert "Accept-Language" not in page.get("Vary", "")
    assert "Cookie" not in page.get("Vary", "")
    root = client.get("/", headers={"Accept-Language": "ru"})
    assert root.status_code == 302 and root["Location"] == "/ru/"
    assert "Accept-Language" in root["Vary"]


def test_search_and_previews_are_never_kept(client):
    make_article(title_en="Searchable")
    client.get("/en/search/?q=Searchable")
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/search/?q=Searchable")
    assert len(queries) > 0


def test_the_health_check_touches_no_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert len(queries) == 0
    assert "no-cache" in response["Cache-Control"]


def test_readers_reading_change_the_validators_of_ranked_pages_only(client):
    """Feeds and lists show no most-read list: new counts leave their ETag alone."""
    from articles.public import popularity

    article = make_article()
    feed, home = client.get("/en/rss/"), client.get("/en/")
    popularity.record_view(article.pk, "en")
    assert popularity.flush_views() == 1  # new rankings
    assert client.get("/en/rss/", headers={"If-None-Match": feed["ETag"]}).status_code == 304
    assert client.get("/en/", headers={"If-None-Match": home["ETag"]}).status_code == 200
