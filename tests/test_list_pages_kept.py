"""Pages of lists kept for the content generation by their articles' ids (public/views.py)."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.public.views import listed_by_id
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_listed_by_id_reads_the_public_articles_in_the_order_asked():
    older, newer = make_article(), make_article()
    draft = make_article(status=Article.Status.DRAFT, published_at=None)

    listed = listed_by_id([older.pk, draft.pk, newer.pk, 0])

    assert [article.pk for article in listed] == [older.pk, newer.pk]


def test_a_list_whose_cards_were_dropped_reads_them_again(client):
    articles = [make_article() for _ in range(3)]
    caches["generation"].clear()
    client.get("/en/news/")  # the page (by ids) and its cards' fragment, kept
    kept = caches["generation"]
    cards = [key for key in list(kept._cache) if "template.cache.listing." in key]
    assert len(cards) == 1
    kept.delete(cards[0].split(":", 2)[-1])  # dropped, as a full cache drops its oldest

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/en/news/").content.decode()

    assert all(article.title_en in page for article in articles)
    assert len(queries) == 1  # the cards' articles, by id


def test_an_authors_article_count_is_kept_per_language(client):
    from tests.factories import make_author

    author = make_author()
    make_article(languages=["kk", "en"], authors=[author])
    make_article(languages=["kk"], authors=[author])
    # Counted for Kazakh first, then asked in English within the same generation.
    assert "2 " in count_line(client.get(author.get_absolute_url("kk")).content.decode())
    assert "1 article" in count_line(client.get(author.get_absolute_url("en")).content.decode())


def count_line(page: str) -> str:
    start = page.index('<p class="count">')
    return page[start : page.index("</p>", start)]
