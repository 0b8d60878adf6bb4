"""Tags: translated names, tag pages and tag feeds in every edition."""

import feedparser
import pytest

from articles.models import Article, localized
from tests.factories import make_article, make_tag

pytestmark = pytest.mark.django_db

EDITIONS = ["kk", "kk-latn", "ru", "en"]


@pytest.fixture
def rail():
    return make_tag(name_kk="Теміржол", name_ru="Железная дорога", name_en="Railways")


def test_tags_have_a_name_and_slug_per_language(rail):
    assert (rail.slug_kk, rail.slug_kk_latn, rail.slug_ru, rail.slug_en) == (
        "temirjol",
        "temirjol",
        "zheleznaia-doroga",
        "railways",
    )
    assert rail.name_kk_latn == "Temırjol"


@pytest.mark.parametrize("language", EDITIONS)
def test_tag_page_lists_its_live_articles_in_the_language(client, rail, language):
    tagged = make_article()
    tagged.tags.add(rail)
    hidden = make_article(status=Article.Status.DRAFT, published_at=None)
    hidden.tags.add(rail)
    untagged = make_article()
    response = client.get(rail.get_absolute_url(language))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{getattr(rail, localized('name', language))}</h1>" in page
    assert tagged.title_in(language) in page
    assert hidden.title_in(language) not in page
    assert untagged.title_in(language) not in page


@pytest.mark.parametrize("language", EDITIONS)
def test_tag_feed_is_valid_and_lists_the_tagged_articles(client, rail, language):
    tagged = make_article()
    tagged.tags.add(rail)
    make_article()
    slug = getattr(rail, localized("slug", language))
    feed = feedparser.parse(client.get(f"/{language}/tags/{slug}/rss/").content)
    assert not feed.bozo
    assert [entry.title for entry in feed.entries] == [tagged.title_in(language)]


def test_article_page_links_its_tags(client, rail):
    article = make_article()
    article.tags.add(rail)
    page = client.get(article.get_absolute_url("ru")).content.decode()
    assert f'<a href="{rail.get_absolute_url("ru")}" rel="tag">Железная дорога</a>' in page


def test_tag_slug_of_another_language_redirects(client, rail):
    response = client.get(f"/en/tags/{rail.slug_ru}/")
    assert response.status_code == 301
    assert response["Location"] == rail.get_absolute_url("en")
