"""Reading articles puts them in the most-read blocks of that language's pages."""

import pytest

from articles.public import popularity
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_articles_read_today_lead_the_home_pages_most_read_blocks(client):
    quiet, popular = make_article(), make_article()
    for _ in range(3):
        client.get(popular.get_absolute_url("en"))
    client.get(quiet.get_absolute_url("en"))
    popularity.flush_views()
    page = client.get("/en/").content.decode()
    today = page[page.index('id="most-read-today"') :]
    assert today.index(popular.title_en) < today.index(quiet.title_en)
    assert 'id="most-read-week"' in page


def test_reads_in_one_language_do_not_count_in_another(client):
    article = make_article()
    client.get(article.get_absolute_url("ru"))
    popularity.flush_views()
    assert 'id="most-read-today"' in client.get("/ru/").content.decode()
    assert 'id="most-read-today"' not in client.get("/en/").content.decode()
