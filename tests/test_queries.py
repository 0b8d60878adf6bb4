"""Every public page costs the same number of SQL queries however many articles exist."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_article, make_author, make_category, make_image, make_tag

pytestmark = pytest.mark.django_db

# The counts the pages are held to (see docs/benchmarks.md): the first view of a
# page after the content changed, which also makes the fragments every page
# shares (navigation, most read, latest headlines), and a later view made again
# (whole pages are not kept in these tests: kept, a page costs no query at all,
# tests/test_caching.py). The home page reads one block per section, and this
# archive has one section.
EXPECTED_QUERIES = {
    "home": (5, 0),
    "latest": (1, 0),
    "article": (3, 2),
    "category": (3, 0),
    "author": (3, 0),
    "tag": (3, 0),
    "feed": (3, 3),
    "category-feed": (4, 4),
    "tag-feed": (4, 4),
}


def build_archive(size: int, picture: bytes):
    category = make_category()
    covers = [make_image(picture, "a.png"), make_image(picture, "b.png")]
    authors = [make_author(), make_author()]
    tags = [make_tag(), make_tag()]
    articles = []
    for number in range(size):
        article = make_article(
            category=category,
            authors=authors,
            featured=(number % 3 == 0),
            cover_image=covers[number % 2],
        )
        article.tags.set(tags)
        articles.append(article)
    articles[0].breaking_until = timezone.now() + timedelta(hours=1)
    articles[0].save()
    return category, authors[0], tags[0], articles[-1]


def page_urls(category, author, tag, article) -> dict[str, str]:
    return {
        "home": "/ru/",
        "latest": "/ru/news/",
        "article": article.get_absolute_url("ru"),
        "category": category.get_absolute_url("ru"),
        "author": author.get_absolute_url("ru"),
        "tag": tag.get_absolute_url("ru"),
        "tag-feed": f"/ru/tags/{tag.slug_ru}/rss/",
        "feed": "/ru/rss/",
        "category-feed": f"/ru/category/{category.slug_ru}/rss/",
    }


def count_queries(client, url: str) -> tuple[int, int]:
    """The queries of the first view of a page after a change, and of the next one."""
    counts = []
    for _view in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts.append(len(queries))
    return tuple(counts)


@pytest.mark.parametrize("size", [5, 50])
def test_each_page_costs_a_fixed_number_of_queries(client, size, tiny_png):
    urls = page_urls(*build_archive(size, tiny_png))
    client.get("/ru/authors/")  # fills the shared navigation for the content generation
    # SQLite is asked once per process whether it has JSON functions (a query).
    assert connection.features.has_json_object_function
    counts = {page: count_queries(client, url) for page, url in urls.items()}
    assert counts == EXPECTED_QUERIES
