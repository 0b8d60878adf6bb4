"""An article page's own parts are kept under the article's own stamp.

Another article's save or go-live must leave them made (that is what keeps
the pages read these hours cheap while a newsroom works), while everything
that does change an article page still shows at once: its own edits, its
bylines and tags, a go-live in another of its languages, a renamed author,
category or tag, and the related articles, which are other articles.
Whole pages are cached here too, as in production with Redis.
"""

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import article_pages, content_version, page_cache, popularity
from articles.models import Article, Byline
from tests.factories import make_article, make_author, make_category, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _whole_pages_cached(settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.CONTENT_CACHE_SECONDS = 3600


@pytest.fixture
def pages_made(monkeypatch) -> list[int]:
    """The articles whose own parts are made, in order, as requests make them."""
    made = []
    live_page = article_pages.live_page

    def counted(pk, language):
        made.append(pk)
        return live_page(pk, language)

    monkeypatch.setattr(article_pages, "live_page", counted)
    return made


def read(client, article, language="en") -> str:
    response = client.get(article.get_absolute_url(language))
    assert response.status_code == 200
    return response.content.decode()


def test_another_articles_edit_leaves_an_article_page_made(client, pages_made):
    reading = make_article(title_en="Harvest report")
    other = make_article(title_en="Rail strike")
    read(client, reading)
    assert pages_made == [reading.pk]

    other.title_en = "Rail strike ends"
    other.save()
    page = read(client, reading)

    assert pages_made == [reading.pk]  # not made again
    assert "Rail strike ends" in page  # the latest headlines beside it did change


def test_an_articles_own_edit_makes_its_page_anew(client, pages_made):
    reading = make_article(title_en="Harvest report")
    read(client, reading)
    reading.title_en = "Harvest report, corrected"
    reading.save()
    assert "Harvest report, corrected" in read(client, reading)
    assert pages_made == [reading.pk, reading.pk]


def test_another_articles_go_live_leaves_an_article_page_made(client, pages_made):
    now = timezone.now()
    goes_live = now + timedelta(minutes=10)
    with time_machine.travel(now, tick=False):
        reading = make_article(title_en="Harvest report")
        scheduled = make_article(title_en="Embargoed budget", published_at=goes_live)
        assert "Embargoed budget" not in read(client, reading)
    with time_machine.travel(goes_live + timedelta(seconds=1), tick=False):
        page = read(client, reading)
        assert "Embargoed budget" in page  # beside it, at once
        assert read(client, scheduled)
    assert pages_made == [reading.pk, scheduled.pk]


def test_a_go_live_in_another_language_adds_it_to_the_article_page(client):
    now = timezone.now()
    russian_goes_live = now + timedelta(minutes=10)
    with time_machine.travel(now, tick=False):
        article = make_article(
            published_at=now - timedelta(hours=1), published_at_ru=russian_goes_live
        )
        russian = article.get_absolute_url("ru")
        assert f'hreflang="ru" href="http://testserver{russian}"' not in read(client, article)
        assert f'href="{russian}"' not in read(client, article)
    with time_machine.travel(russian_goes_live + timedelta(seconds=1), tick=False):
        page = read(client, article)
        assert f'href="{russian}" hreflang="ru"' in page  # the language switcher
        assert 'rel="alternate" hreflang="ru"' in page
        assert client.get(russian).status_code == 200


def test_many_go_lives_at_once_make_every_article_page_anew(client, pages_made, monkeypatch):
    monkeypatch.setattr(content_version, "MOST_GO_LIVES", 1)
    now = timezone.now()
    goes_live = now + timedelta(minutes=10)
    with time_machine.travel(now, tick=False):
        reading = make_article()
        for _ in range(2):
            make_article(published_at=goes_live)
        read(client, reading)
    with time_machine.travel(goes_live + timedelta(seconds=1), tick=False):
        read(client, reading)
    # More than MOST_GO_LIVES: which articles is not listed, so all are made anew.
    assert pages_made == [reading.pk, reading.pk]


def test_a_lost_go_live_record_makes_every_article_page_anew(client, pages_made, settings):
    settings.CONTENT_RECHECK_SECONDS = 0  # the loss is seen at once, as by other processes
    reading = make_article()
    read(client, reading)
    cache.delete_many([content_version.GO_LIVES_SEEN, content_version.KEY])
    read(client, reading)
    assert pages_made == [reading.pk, reading.pk]


def test_a_withdrawn_article_leaves_the_related_articles_of_others(client, pages_made):
    tag = make_tag()
    reading, related = make_article(title_en="Harvest"), make_article(title_en="Wheat prices")
    reading.tags.set([tag])
    related.tags.set([tag])
    assert "Wheat prices" in read(client, reading).split('class="related"')[1]

    related.status = Article.Status.WITHDRAWN
    related.withdrawal_reason = "Wrong figures."
    related.save()

    assert "Wheat prices" not in read(client, reading)
    assert pages_made == [reading.pk]  # its own parts stayed made


def test_an_edited_related_article_shows_its_new_title(client):
    tag = make_tag()
    reading, related = make_article(), make_article(title_en="Wheat prices")
    reading.tags.set([tag])
    related.tags.set([tag])
    read(client, reading)
    related.title_en = "Wheat prices fall"
    related.save()
    assert "Wheat prices fall" in read(client, reading).split('class="related"')[1]


def test_a_byline_added_or_removed_shows_at_once(client):
    reading, writer = make_article(), make_author(name_en="Aigerim Bekova")
    assert "Aigerim Bekova" not in read(client, reading)
    byline = Byline.objects.create(article=reading, author=writer, position=0)
    assert "Aigerim Bekova" in read(client, reading)
    byline.delete()
    assert "Aigerim Bekova" not in read(client, reading)


@pytest.mark.parametrize("from_the_tag", [False, True])
def test_a_tag_put_on_an_article_from_either_side_shows_at_once(client, from_the_tag):
    reading, tag = make_article(), make_tag(name_en="Drought")
    assert 'rel="tag">Drought' not in read(client, reading)
    if from_the_tag:
        tag.articles.add(reading)
    else:
        reading.tags.add(tag)
    assert 'rel="tag">Drought' in read(client, reading)
    tag.articles.clear()  # which articles lose it is not told: every page is made anew
    assert 'rel="tag">Drought' not in read(client, reading)


@pytest.mark.parametrize("kind", ["author", "category", "tag"])
def test_a_renamed_author_category_or_tag_shows_on_article_pages_made_before(client, kind):
    author, category, tag = make_author(), make_category(), make_tag()
    reading = make_article(authors=[author], category=category)
    reading.tags.set([tag])
    read(client, reading)
    renamed = {"author": author, "category": category, "tag": tag}[kind]
    renamed.name_en = "Renamed at the desk"
    renamed.save()
    assert "Renamed at the desk" in read(client, reading)


def round_trips(request):
    """request()'s answer, and the keys of each round trip to the cache it made."""
    trips, depth = [], 0

    def counted(method):
        def call(keys, *args, **kwargs):
            nonlocal depth
            if depth == 0:  # the local cache's get_many calls get: one trip, counted once
                trips.append([keys] if isinstance(keys, str) else list(keys))
            depth += 1
            try:
                return method(keys, *args, **kwargs)
            finally:
                depth -= 1

        return call

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache, "get_many", counted(cache.get_many))
        patch.setattr(cache, "get", counted(cache.get))
        response = request()
    return response, trips


def test_a_page_kept_in_the_cache_costs_one_round_trip(client):
    article = make_article()
    address = article.get_absolute_url("en")
    first = client.get(address)
    page_cache.forget_in_process()  # as in another process: the page is in the cache only
    with CaptureQueriesContext(connection) as queries:
        again, trips = round_trips(lambda: client.get(address))
    (trip,) = trips  # the version, the rankings and the page, together
    assert {content_version.KEY, *content_version.stamp_keys(article.pk)} < set(trip)
    assert len(queries) == 0
    assert again.content == first.content


def test_an_article_page_made_again_costs_one_round_trip_for_its_parts(client, settings):
    settings.PAGE_CACHE_SECONDS = 0  # no whole pages: the page is put together again
    article = make_article()
    address = article.get_absolute_url("en")
    first = client.get(address)
    with CaptureQueriesContext(connection) as queries:
        again, trips = round_trips(lambda: client.get(address))
    # The version, the rankings and the article's stamps together; the parts from memory.
    assert trips == [
        [
            content_version.KEY,
            popularity.RANKING_GENERATION,
            *content_version.stamp_keys(article.pk),
        ]
    ]
    assert len(queries) == 0
    assert again.content == first.content


def test_a_new_release_makes_pages_and_fragments_anew(client, monkeypatch):
    article = make_article()
    client.get(article.get_absolute_url("en"))
    with CaptureQueriesContext(connection) as queries:
        client.get(article.get_absolute_url("en"))
    assert len(queries) == 0
    # A deploy (new templates, new code) with the content unchanged.
    monkeypatch.setattr(content_version, "RELEASE", "next")
    monkeypatch.setattr(page_cache, "RELEASE", "next")
    page_cache.forget_in_process()
    content_version.forget_in_process()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.get_absolute_url("en")).status_code == 200
    assert len(queries) > 0  # made again from the database, not served from before


def test_a_go_live_leaves_related_lists_made_and_joins_them_within_the_related_time(
    client, monkeypatch
):
    made = []
    related_section = article_pages.related_section
    monkeypatch.setattr(
        article_pages,
        "related_section",
        lambda page, language: made.append(page.pk) or related_section(page, language),
    )
    tag = make_tag()
    reading = make_article()
    reading.tags.set([tag])
    # A go-live ten minutes into a period of the article's related articles, read before.
    period = content_version.related_period_start(reading.pk, time.time())
    start = datetime.fromtimestamp(period + content_version.RELATED_SECONDS, tz=UTC)
    goes_live = start + timedelta(minutes=10)
    scheduled = make_article(title_en="Embargoed harvest", published_at=goes_live)
    scheduled.tags.set([tag])
    with time_machine.travel(start + timedelta(seconds=1), tick=False) as traveller:
        assert "Embargoed harvest" not in read(client, reading)
        traveller.move_to(goes_live + timedelta(seconds=1))
        assert "Embargoed harvest" in read(client, reading)  # in the latest headlines...
        assert made == [reading.pk]  # ...but the related articles were not looked for again
        traveller.shift(content_version.RELATED_SECONDS)
        page = read(client, reading)
    assert "Embargoed harvest" in page.split('class="related"')[1]
    assert made == [reading.pk, reading.pk]
