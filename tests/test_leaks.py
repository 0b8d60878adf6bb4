"""No public page, feed or list shows an article that is not live in its language.

Hidden articles carry a unique marker in every field in every language; the
test crawls every public address in every language, one link deep, and looks
for the markers in what comes back.
"""

import html
import re
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit
from uuid import uuid4

import pytest
from django.conf import settings
from django.utils import timezone

from articles.models import LANGUAGE_CODES, Article, Author, Category, localized
from tests.factories import make_article, make_author, make_category, make_tag

SHARE_SHAPES = ("16x9", "4x3", "1x1")

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
PAGE_SIZE = 3
MARKED_FIELDS = ("title", "lead", "body", "cover_caption", "correction")


class LinkExtractor(HTMLParser):
    """Collects the href of every <a> and <link> on a page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag in ("a", "link") and href:
            self.hrefs.append(href)


def links_inside_the_site(page_url: str, content: str) -> set[str]:
    extractor = LinkExtractor()
    extractor.feed(content)
    links = set()
    for href in extractor.hrefs:
        url = urlsplit(urljoin(page_url, href))
        if url.scheme not in ("", "http", "https") or url.netloc not in ("", "testserver"):
            continue
        if url.path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
            continue
        links.add(url.path + (f"?{url.query}" if url.query else ""))
    return links


@dataclass
class Fetched:
    status: int
    url: str
    text: str  # the body, and every address the request was redirected through


def fetch(client, url: str) -> Fetched:
    response = client.get(url, follow=True)
    hops = [location for location, _status in response.redirect_chain]
    final_url = hops[-1] if hops else url
    return Fetched(response.status_code, final_url, "\n".join([*hops, response.content.decode()]))


def crawl(client, start_urls: list[str]) -> dict[str, Fetched]:
    """GET each start address, then every in-site address those pages link to."""
    fetched = {url: fetch(client, url) for url in start_urls}
    linked = set()
    for page in fetched.values():
        linked |= links_inside_the_site(page.url, page.text)
    for url in sorted(linked - fetched.keys()):
        fetched[url] = fetch(client, url)
    return fetched


def marked(markers: dict[str, str]) -> dict[str, str]:
    """Every translated text field and slug, in each language, holding that language's marker."""
    fields = {}
    for code, marker in markers.items():
        fields |= {f"{field}_{code}": f"{marker} in {field}" for field in MARKED_FIELDS}
        fields[f"slug_{code}"] = marker.lower()
    return fields


def new_marker(kind: str) -> str:
    return f"LEAK-{kind}-{uuid4().hex[:8]}"


@dataclass
class Site:
    category: Category
    author: Author
    public: list[Article]
    hidden: dict[str, Article]
    forbidden: list[str]  # markers that must appear on no public page
    partly_live: Article
    partly_live_kk_marker: str


@pytest.fixture
def site(monkeypatch) -> Site:
    # Small pages, so that a handful of articles spreads over several pages of each list.
    monkeypatch.setattr("articles.public.pagination.PAGE_SIZE", PAGE_SIZE)
    category, author, tag = make_category(), make_author(), make_tag()
    public = [
        make_article(category=category, authors=[author], featured=number < 2)
        for number in range(7)
    ]
    for article in public:
        article.tags.add(tag)  # so tag pages and related blocks list them
    past = timezone.now() - timedelta(days=1)
    tomorrow = timezone.now() + timedelta(days=1)
    # Every list a hidden article could slip into: category, author, featured,
    # the breaking-news banner, and (through the tag, below) tags and related.
    on_every_list = {
        "category": category,
        "authors": [author],
        "featured": True,
        "breaking_until": tomorrow,
    }
    kinds = {
        "draft": {"status": Article.Status.DRAFT, "published_at": past},
        "review": {"status": Article.Status.REVIEW, "published_at": past},
        "scheduled": {"status": Article.Status.PUBLISHED, "published_at": tomorrow},
        "withdrawn": {"status": Article.Status.WITHDRAWN, "published_at": past},
    }
    hidden, forbidden = {}, []
    for kind, overrides in kinds.items():
        marker = new_marker(kind)
        forbidden.append(marker)
        hidden[kind] = make_article(
            **on_every_list,
            **overrides,
            **marked(dict.fromkeys(LANGUAGE_CODES, marker)),
            source=marker,
            withdrawal_reason=marker,
        )
        hidden[kind].tags.add(tag)

    # Live in kk only: ru has never been given a go-live time, en's is tomorrow.
    markers = {code: new_marker(f"partly-live-{code}") for code in LANGUAGE_CODES}
    forbidden += [marker for code, marker in markers.items() if code != "kk"]
    partly_live = make_article(
        **on_every_list,
        **marked(markers),
        published_at=timezone.now() - timedelta(minutes=1),
        published_at_ru=None,
        published_at_en=tomorrow,
    )
    partly_live.tags.add(tag)
    hidden["partly-live"] = partly_live
    return Site(category, author, public, hidden, forbidden, partly_live, markers["kk"])


def list_pages(client, first: str) -> list[str]:
    """The addresses of every page of a list, following its "older" links from the first."""
    pages = [first]
    while found := re.search(r'rel="next" href="([^"]+)"', client.get(pages[-1]).content.decode()):
        pages.append(html.unescape(found[1]))
    return pages


def public_addresses(client, site: Site, language: str) -> list[str]:
    category = site.category.get_absolute_url(language)
    latest = list_pages(client, f"/{language}/news/")
    assert len(latest) == -(-Article.objects.public(language).count() // PAGE_SIZE)
    return [
        f"/{language}/",
        *latest,
        *(article.get_absolute_url(language) for article in site.public),
        category,
        f"{category}rss/",
        site.author.get_absolute_url(language),
        f"/{language}/rss/",
    ]


def leaks(fetched: dict[str, Fetched], markers: list[str]) -> list[tuple[str, str]]:
    return [
        (url, marker)
        for url, page in fetched.items()
        for marker in markers
        if marker.lower() in page.text.lower()
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_public_page_feed_or_list_shows_a_hidden_article(client, site, language):
    start = public_addresses(client, site, language)
    fetched = crawl(client, start)
    assert {url: fetched[url].status for url in start} == dict.fromkeys(start, 200)
    assert leaks(fetched, site.forbidden) == []
    # The pages of the latest news, together, list every public article.
    listed = "\n".join(
        page.text for url, page in fetched.items() if url.split("?")[0].endswith("/news/")
    )
    for article in site.public:
        assert article.title_in(language) in listed


@pytest.mark.parametrize("language", LANGUAGES)
def test_hidden_articles_own_addresses_are_404_and_show_nothing_of_them(client, site, language):
    start = []
    for kind, article in site.hidden.items():
        if kind == "partly-live" and language in ("kk", "kk-latn"):  # live in Kazakh, both scripts
            continue
        slug = getattr(article, localized("slug", language))
        start += [f"/{language}/news/{article.pk}/", f"/{language}/news/{article.pk}-{slug}/"]
        # Its share pictures: a card would print the headline.
        start += [f"/{language}/news/{article.pk}/share-{shape}.jpg" for shape in SHARE_SHAPES]
    fetched = crawl(client, start)
    assert {url: fetched[url].status for url in start} == dict.fromkeys(start, 404)
    assert leaks(fetched, site.forbidden) == []


def test_the_language_that_is_live_is_shown_wherever_the_others_are_not(client, site):
    """The control: the crawl finds the kk text of the partly live article, so it can fail."""
    start = [*public_addresses(client, site, "kk"), f"/kk/news/{site.partly_live.pk}/"]
    fetched = crawl(client, start)
    showing = {url for url, page in fetched.items() if site.partly_live_kk_marker in page.text}
    category = site.category.get_absolute_url("kk")
    assert {
        "/kk/",
        "/kk/news/",
        category,
        f"{category}rss/",
        site.author.get_absolute_url("kk"),
        "/kk/rss/",
        f"/kk/news/{site.partly_live.pk}/",
    } <= showing
    assert leaks(fetched, site.forbidden) == []
