"""Breaking news: a banner on every page of a language until the flag expires."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import workflow
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def breaking():
    return make_article(languages=["kk", "en"], breaking_until=timezone.now() + timedelta(hours=2))


@pytest.mark.parametrize("path", ["/en/", "/en/news/", "/en/authors/"])
def test_the_banner_shows_on_every_page_of_the_language(client, breaking, path):
    page = client.get(path).content.decode()
    assert 'class="breaking"' in page
    assert f'href="{breaking.get_absolute_url("en")}"' in page


def test_the_banner_shows_on_article_and_category_pages_too(client, breaking):
    category = make_category()
    other = make_article(category=category)
    for url in (other.get_absolute_url("en"), category.get_absolute_url("en")):
        assert breaking.title_en in client.get(url).content.decode()


def test_no_banner_in_a_language_the_story_is_not_live_in(client, breaking):
    assert 'class="breaking"' not in client.get("/ru/").content.decode()


def test_the_banner_goes_away_by_itself_when_the_time_is_up(client, breaking):
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert 'class="breaking"' not in client.get("/en/").content.decode()


def test_a_withdrawn_breaking_story_shows_no_banner(client, breaking):
    workflow.article_withdraw(breaking, None, reason="Wrong")
    assert 'class="breaking"' not in client.get("/en/").content.decode()


def test_the_newest_breaking_story_wins(client, breaking):
    newer = make_article(
        published_at=timezone.now(), breaking_until=timezone.now() + timedelta(hours=1)
    )
    page = client.get("/en/").content.decode()
    banner = page[
        page.index('class="breaking"') : page.index("</p>", page.index('class="breaking"'))
    ]
    assert newer.title_en in banner and breaking.title_en not in banner
