"""Keyset pagination of the article lists: every article once, every page the same cost."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.public.pagination import PAGE_SIZE, Cursor
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db


def titles(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'class="card-title"><a [^>]+>([^<]+)<', page)]


def link(page: str, label: str) -> str | None:
    """The address of the pagination link with this text, if the page has one."""
    found = re.search(rf'<a (?:rel="\w+" )?href="([^"]+)">{label}</a>', page)
    return html.unescape(found[1]) if found else None


def walk(client, url: str, label: str) -> list[str]:
    """Follow the `label` links from `url`; return every page's content."""
    pages = []
    while url:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
        url = link(pages[-1], label)
    return pages


def articles_at(moments):
    return [make_article(published_at=moment) for moment in moments]


def test_walking_older_pages_lists_every_article_once_in_order(client):
    now = timezone.now()
    articles = articles_at(now - timedelta(minutes=i) for i in range(2 * PAGE_SIZE + 5))
    pages = walk(client, "/en/news/", "Older")
    assert [len(titles(page)) for page in pages] == [PAGE_SIZE, PAGE_SIZE, 5]
    assert sum((titles(page) for page in pages), []) == [a.title_en for a in articles]


def test_articles_live_at_the_same_moment_are_neither_lost_nor_repeated(client):
    moment = timezone.now() - timedelta(hours=1)
    articles = articles_at([moment] * (2 * PAGE_SIZE + 3))
    listed = sum((titles(page) for page in walk(client, "/en/news/", "Older")), [])
    # Newest first: equal times keep the newer id first.
    assert listed == [a.title_en for a in sorted(articles, key=lambda a: -a.pk)]


def test_walking_newer_pages_from_the_oldest_comes_back_to_the_first(client):
    now = timezone.now()
    articles = articles_at(now - timedelta(minutes=i) for i in range(2 * PAGE_SIZE + 5))
    pages = walk(client, "/en/news/?oldest=1", "Newer")
    # The oldest page is full; going newer ends on the first page itself.
    assert titles(pages[0]) == [a.title_en for a in articles[-PAGE_SIZE:]]
    assert titles(pages[-1]) == [a.title_en for a in articles[:PAGE_SIZE]]
    seen = {title for page in pages for title in titles(page)}
    assert seen == {a.title_en for a in articles}


def test_first_and_last_pages_offer_only_the_links_that_lead_somewhere(client):
    now = timezone.now()
    articles_at(now - timedelta(minutes=i) for i in range(PAGE_SIZE + 1))
    first = client.get("/en/news/").content.decode()
    assert link(first, "Newer") is None and link(first, "Newest") is None
    assert link(first, "Older") and link(first, "Oldest") == "/en/news/?oldest=1"
    last = client.get(link(first, "Older")).content.decode()
    assert link(last, "Older") is None and link(last, "Oldest") is None
    assert link(last, "Newest") == "/en/news/"
    assert link(last, "Newer")


def test_a_page_that_turns_out_to_be_the_first_redirects_to_it(client):
    now = timezone.now()
    articles = articles_at(now - timedelta(minutes=i) for i in range(6))
    newer_than_fifth = client.get(f"/en/news/?after={Cursor.of(articles[4], 'en')}")
    assert newer_than_fifth.status_code == 302
    assert newer_than_fifth["Location"] == "/en/news/"
    # All on one page: the oldest page is the first.
    assert client.get("/en/news/?oldest=1")["Location"] == "/en/news/"


def test_few_articles_need_no_pagination(client):
    make_article()
    assert 'class="pagination"' not in client.get("/en/news/").content.decode()


def test_a_page_past_the_oldest_article_is_404(client):
    oldest = make_article(published_at=timezone.now() - timedelta(days=3))
    assert client.get(f"/en/news/?before={Cursor.of(oldest, 'en')}").status_code == 404


@pytest.mark.parametrize(
    "cursor",
    [
        "junk",
        "",
        "1.",
        ".1",
        "1.2.3",
        "1,2",
        "１.２",  # full-width digits
        "99999999999999999999.1",
        "-99999999999999999.1",
        "1.99999999999999999999",
        "1.9223372036854775808",
        "1%002",
    ],
)
def test_junk_cursors_are_404(client, cursor):
    make_article()
    assert client.get("/en/news/", {"before": cursor}).status_code == 404
    assert client.get("/en/news/", {"after": cursor}).status_code == 404


def test_cursors_read_back_as_written():
    article = make_article()
    cursor = Cursor.of(article, "en")
    assert Cursor.parse(str(cursor)) == cursor


def test_category_pages_page_through_their_own_articles_only(client):
    category = make_category()
    now = timezone.now()
    mine = [
        make_article(category=category, published_at=now - timedelta(minutes=i))
        for i in range(PAGE_SIZE + 2)
    ]
    make_article(published_at=now - timedelta(seconds=30))  # another category's, in between
    pages = walk(client, category.get_absolute_url("en"), "Older")
    assert sum((titles(page) for page in pages), []) == [a.title_en for a in mine]


def test_the_oldest_page_costs_what_the_first_does_and_scans_no_offset(client):
    now = timezone.now()
    articles_at(now - timedelta(minutes=i) for i in range(3 * PAGE_SIZE))
    counts, statements = [], []
    for url in ("/en/news/", "/en/news/?oldest=1", link(walk(client, "/en/news/", "")[0], "Older")):
        client.get(url)  # fills the caches a page uses every time
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
        statements += [query["sql"].upper() for query in queries]
    assert len(set(counts)) == 1
    assert not [sql for sql in statements if " OFFSET " in sql or "COUNT(" in sql]
