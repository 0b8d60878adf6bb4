from datetime import timedelta
from xml.etree import ElementTree

import feedparser
import pytest
from django.conf import settings
from django.utils import timezone

from articles.caching import generation
from articles.models import Article, Category
from articles.public.feeds import FEED_LENGTH
from tests.factories import make_article, make_author, make_category

pytestmark = pytest.mark.django_db

LANGUAGES = ["kk", "ru", "en"]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_feed_items_carry_everything_a_reader_needs(client, language):
    category = make_category()
    author = make_author()
    article = make_article(category=category, authors=[author])
    feed = parse(client, f"/{language}/rss/")
    assert feed.version == "rss20"
    assert feed.feed.language == language
    [item] = feed.entries
    assert item.title == article.title_in(language)
    assert item.link == f"{settings.SITE_URL}{article.get_absolute_url(language)}"
    assert item.id == f"{settings.SITE_URL}/{language}/news/{article.pk}/"
    assert item.summary == getattr(article, f"lead_{language}")
    assert item.author == getattr(author, f"name_{language}")
    assert [tag.term for tag in item.tags] == [getattr(category, f"name_{language}")]
    published = timezone.datetime(*item.published_parsed[:6], tzinfo=timezone.UTC)
    assert abs(published - article.published_at) < timedelta(seconds=1)


def test_feed_lists_only_public_articles_in_its_language(client):
    public = make_article(languages=["ru"])
    make_article(languages=["kk"])
    make_article(languages=["ru"], status=Article.Status.DRAFT)
    make_article(languages=["ru"], status=Article.Status.WITHDRAWN)
    make_article(languages=["ru"], published_at=timezone.now() + timedelta(hours=1))
    feed = parse(client, "/ru/rss/")
    assert [entry.title for entry in feed.entries] == [public.title_ru]


def test_feed_holds_the_latest_fifty_newest_first(client):
    now = timezone.now()
    articles = [
        make_article(published_at=now - timedelta(minutes=i)) for i in range(FEED_LENGTH + 3)
    ]
    feed = parse(client, "/en/rss/")
    assert [entry.title for entry in feed.entries] == [a.title_en for a in articles[:FEED_LENGTH]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_category_feed_lists_only_that_category(client, language):
    category = make_category()
    inside = make_article(category=category)
    make_article(category=make_category())
    feed = parse(client, f"/{language}/category/{getattr(category, f'slug_{language}')}/rss/")
    assert [entry.title for entry in feed.entries] == [inside.title_in(language)]
    assert getattr(category, f"name_{language}") in feed.feed.title


def test_article_without_author_or_category_still_makes_a_valid_item(client):
    make_article(category=None, lead_en="")
    [item] = parse(client, "/en/rss/").entries
    assert "author" not in item
    assert "tags" not in item
    assert item.summary.startswith("Body of article")


def test_unknown_category_feed_is_404(client):
    assert client.get("/en/category/nothing/rss/").status_code == 404


@pytest.mark.parametrize("url", ["/en/rss/", "/en/atom/"])
def test_control_characters_that_got_into_the_text_are_left_out_of_the_feed(client, url):
    category = make_category()
    article = make_article(category=category)
    # Forms and importers refuse them; a shell or an old backup may not have.
    Article.objects.filter(pk=article.pk).update(title_en="Flood\x0b warning", lead_en="Rain\x01")
    Category.objects.filter(pk=category.pk).update(name_en="Wea\x1fther")
    generation.bump()

    response = client.get(url)
    assert response.status_code == 200
    ElementTree.fromstring(response.content)  # well-formed XML 1.0
    text = response.content.decode()
    assert "Flood warning" in text and "Weather" in text and "\x0b" not in text
