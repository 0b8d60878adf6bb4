"""An article page shows every change to what it shows at once, with whole pages cached.

Its own edits, its bylines and tags, a go-live in another of its languages, a
renamed author, category or tag, and its related articles, which are other
articles: each is checked on a page read before the change.
"""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.caching import generation
from articles.models import Byline
from tests.factories import make_article, make_author, make_category, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _whole_pages_cached(settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.CONTENT_CACHE_SECONDS = 3600


def read(client, article, language="en") -> str:
    response = client.get(article.get_absolute_url(language))
    assert response.status_code == 200
    return response.content.decode()


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


def test_a_withdrawn_article_leaves_the_related_articles_of_others(client):
    tag = make_tag()
    reading, related = make_article(title_en="Harvest"), make_article(title_en="Wheat prices")
    reading.tags.set([tag])
    related.tags.set([tag])
    assert "Wheat prices" in read(client, reading).split('class="related"')[1]

    workflow.article_withdraw(related, None, reason="Wrong figures.")

    assert "Wheat prices" not in read(client, reading)


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
    tag.articles.clear()
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


def test_a_page_kept_in_the_cache_is_served_from_the_process_with_no_query(client):
    article = make_article()
    address = article.get_absolute_url("en")
    first = client.get(address)
    with CaptureQueriesContext(connection) as queries:
        again, trips = round_trips(lambda: client.get(address))
    # At most the generations are read from the shared cache (with Redis, not even they:
    # tests/test_redis_tracking.py); the page itself comes from the process's memory.
    assert all(set(trip) <= {generation.KEY, generation.RANKING_KEY} for trip in trips)
    assert len(queries) == 0
    assert again.content == first.content


def test_a_new_release_makes_pages_and_fragments_anew(client):
    article = make_article()
    client.get(article.get_absolute_url("en"))
    with CaptureQueriesContext(connection) as queries:
        client.get(article.get_absolute_url("en"))
    assert len(queries) == 0
    # A deploy (new templates, new code) with the content unchanged.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "RELEASE", "next")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(article.get_absolute_url("en")).status_code == 200
    assert len(queries) > 0  # made again from the database, not served from before


def test_a_scheduled_related_article_joins_the_related_list_when_it_goes_live(client):
    tag = make_tag()
    reading = make_article()
    reading.tags.set([tag])
    now = timezone.now()
    goes_live = now + timedelta(minutes=10)
    scheduled = make_article(title_en="Embargoed harvest", published_at=goes_live)
    scheduled.tags.set([tag])
    with time_machine.travel(now, tick=False) as traveller:
        assert "Embargoed harvest" not in read(client, reading)
        traveller.move_to(goes_live + timedelta(seconds=1))
        page = read(client, reading)
    assert "Embargoed harvest" in page.split('class="related"')[1]
