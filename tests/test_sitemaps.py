"""The sitemap index, each edition's article, news and page sitemaps, and robots.txt."""

import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from articles.editions.languages import EDITIONS
from articles.models import Article, Author, Category, Tag
from articles.public.sitemaps import ArticleSitemap
from tests.factories import make_article, make_author, make_category, make_tag

pytestmark = pytest.mark.django_db

SITE_URL = "https://news.example.kz"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
NS = {"sm": SITEMAP, "news": NEWS, "xhtml": XHTML}
SECTIONS = [f"{kind}-{code}" for kind in ("articles", "news", "pages") for code in EDITIONS]
XMLLINT = shutil.which("xmllint")


@pytest.fixture(autouse=True)
def _canonical_address(settings):
    """A SITE_URL unlike the test client's host, so that using the request's host shows."""
    settings.SITE_URL = SITE_URL


@dataclass
class Site:
    category: Category
    author: Author
    tag: Tag
    public: list[Article]
    hidden: list[Article]
    partly_live: Article  # live in Kazakh (both scripts) only


@pytest.fixture
def site() -> Site:
    category, author, tag = make_category(), make_author(), make_tag()
    public = [make_article(category=category, authors=[author]) for _number in range(3)]
    past = timezone.now() - timedelta(hours=5)
    tomorrow = timezone.now() + timedelta(days=1)
    hidden = [
        make_article(status=Article.Status.DRAFT, published_at=past),
        make_article(status=Article.Status.WITHDRAWN, published_at=past, withdrawal_reason="Wrong"),
        make_article(published_at=tomorrow),
    ]
    partly_live = make_article(published_at=past, published_at_ru=None, published_at_en=tomorrow)
    return Site(category, author, tag, public, hidden, partly_live)


def get_xml(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)


def locations(root: ET.Element) -> list[str]:
    return [loc.text for loc in root.iterfind(".//sm:loc", NS)]


def url_entry(root: ET.Element, location: str) -> ET.Element:
    (entry,) = [
        url for url in root.iterfind("sm:url", NS) if url.findtext("sm:loc", "", NS) == location
    ]
    return entry


def alternates(entry: ET.Element) -> dict[str, str]:
    links = entry.findall("xhtml:link", NS)
    assert all(link.get("rel") == "alternate" for link in links)
    return {link.get("hreflang"): link.get("href") for link in links}


def address(article: Article, language: str) -> str:
    return SITE_URL + article.get_absolute_url(language)


def live_articles(site: Site, language: str) -> list[Article]:
    return site.public + ([site.partly_live] if language in ("kk", "kk-latn") else [])


def test_the_index_lists_every_section_of_every_edition(client, site):
    root = get_xml(client, "/sitemap.xml")
    assert root.tag == f"{{{SITEMAP}}}sitemapindex"
    assert sorted(locations(root)) == sorted(f"{SITE_URL}/sitemap-{name}.xml" for name in SECTIONS)


def test_an_unknown_section_is_not_found(client):
    assert client.get("/sitemap-articles-de.xml").status_code == 404


@pytest.mark.parametrize("language", EDITIONS)
def test_each_edition_lists_exactly_its_live_articles(client, site, language):
    root = get_xml(client, f"/sitemap-articles-{language}.xml")
    assert root.tag == f"{{{SITEMAP}}}urlset"
    expected = {address(article, language) for article in live_articles(site, language)}
    assert sorted(locations(root)) == sorted(expected)
    assert all(url.findtext("sm:lastmod", "", NS) for url in root.iterfind("sm:url", NS))


def test_alternates_name_only_the_editions_an_article_is_live_in(client, site):
    root = get_xml(client, "/sitemap-articles-kk-latn.xml")
    assert alternates(url_entry(root, address(site.partly_live, "kk-latn"))) == {
        "kk": address(site.partly_live, "kk"),
        "kk-Latn": address(site.partly_live, "kk-latn"),
        "x-default": address(site.partly_live, "kk"),
    }
    everywhere = site.public[0]
    assert alternates(url_entry(root, address(everywhere, "kk-latn"))) == {
        "kk": address(everywhere, "kk"),
        "kk-Latn": address(everywhere, "kk-latn"),
        "ru": address(everywhere, "ru"),
        "en": address(everywhere, "en"),
        "x-default": address(everywhere, "kk"),
    }


def test_an_article_not_live_in_kazakh_has_no_x_default(client):
    article = make_article(languages=["ru", "en"])
    root = get_xml(client, "/sitemap-articles-ru.xml")
    assert alternates(url_entry(root, address(article, "ru"))) == {
        "ru": address(article, "ru"),
        "en": address(article, "en"),
    }


def test_a_long_sitemap_is_split_into_pages_that_the_index_lists(client, site, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    first = locations(get_xml(client, "/sitemap-articles-kk.xml"))
    second = locations(get_xml(client, "/sitemap-articles-kk.xml?p=2"))
    assert (len(first), len(second)) == (2, 2)
    assert sorted(first + second) == sorted(address(a, "kk") for a in live_articles(site, "kk"))
    assert client.get("/sitemap-articles-kk.xml?p=3").status_code == 404

    index = locations(get_xml(client, "/sitemap.xml"))
    assert f"{SITE_URL}/sitemap-articles-kk.xml?p=2" in index
    assert f"{SITE_URL}/sitemap-articles-kk.xml?p=3" not in index
    assert f"{SITE_URL}/sitemap-articles-ru.xml?p=2" in index  # three live in ru
    assert f"{SITE_URL}/sitemap-news-kk.xml?p=2" not in index  # news pages hold 1,000


@pytest.mark.parametrize("language", EDITIONS)
def test_the_news_sitemap_lists_what_went_live_in_the_last_48_hours(client, site, language):
    two_hours_ago = timezone.now() - timedelta(hours=2)
    recent = make_article(published_at=two_hours_ago, title_en="Fish & <Chips>")
    old = make_article(published_at=timezone.now() - timedelta(days=3))
    root = get_xml(client, f"/sitemap-news-{language}.xml")

    assert address(old, language) not in locations(root)
    expected = [*live_articles(site, language), recent]
    assert sorted(locations(root)) == sorted(address(article, language) for article in expected)
    news = url_entry(root, address(recent, language)).find("news:news", NS)
    assert news.findtext("news:publication/news:name", None, NS) == "Newsroom"
    assert news.findtext("news:publication/news:language", None, NS) == language[:2]
    published = news.findtext("news:publication_date", "", NS)
    assert published == timezone.localtime(two_hours_ago).replace(microsecond=0).isoformat()
    assert news.findtext("news:title", None, NS) == recent.title_in(language)


def test_the_news_sitemap_goes_by_each_editions_own_go_live_time(client):
    now = timezone.now()
    article = make_article(
        published_at=now - timedelta(days=3), published_at_en=now - timedelta(hours=1)
    )
    assert address(article, "en") in locations(get_xml(client, "/sitemap-news-en.xml"))
    assert address(article, "ru") not in locations(get_xml(client, "/sitemap-news-ru.xml"))


@pytest.mark.parametrize("language", EDITIONS)
def test_the_pages_sitemap_lists_lists_and_every_category_author_and_tag(client, site, language):
    with translation.override(language):
        lists = [reverse(name) for name in ("articles:home", "articles:latest", "articles:authors")]
    pages = [site.category, site.author, site.tag]
    expected = lists + [page.get_absolute_url(language) for page in pages]
    root = get_xml(client, f"/sitemap-pages-{language}.xml")
    assert sorted(locations(root)) == sorted(SITE_URL + path for path in expected)


def test_every_address_in_every_sitemap_is_on_the_canonical_site(client, site):
    for url in ["/sitemap.xml", *(f"/sitemap-{name}.xml" for name in SECTIONS)]:
        root = get_xml(client, url)
        addresses = locations(root) + [
            link.get("href") for link in root.iterfind(".//xhtml:link", NS)
        ]
        assert addresses, url
        assert all(found.startswith(f"{SITE_URL}/") for found in addresses), url


@pytest.mark.parametrize("url", ["/sitemap.xml", *(f"/sitemap-{name}.xml" for name in SECTIONS)])
def test_every_sitemap_is_well_formed_xml(client, site, url):
    content = client.get(url).content
    ET.fromstring(content)
    if XMLLINT:
        subprocess.run([XMLLINT, "--noout", "-"], input=content, check=True)


def test_robots_txt_points_at_the_index_and_keeps_crawlers_out_of_private_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in lines
    assert {"Disallow: /admin/", "Disallow: /preview/", "Disallow: /*/search/"} <= set(lines)


def test_an_article_sitemap_costs_the_same_queries_for_5_or_50_articles(client):
    def queries_for_sitemap() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/sitemap-articles-kk.xml").status_code == 200
        return len(queries)

    category, author = make_category(), make_author()
    for _number in range(5):
        make_article(category=category, authors=[author])
    with_five = queries_for_sitemap()
    for _number in range(45):
        make_article(category=category, authors=[author])
    assert queries_for_sitemap() == with_five


@pytest.mark.parametrize("language", EDITIONS)
def test_each_articles_lastmod_is_its_last_update_as_a_w3c_date_time(client, site, language):
    edited = live_articles(site, language)[0]
    with time_machine.travel(timezone.now() + timedelta(hours=2, microseconds=250_000)):
        edited.save()  # updated since it was made: lastmod is this save, to the second
    root = get_xml(client, f"/sitemap-articles-{language}.xml")
    for article in live_articles(site, language):
        article.refresh_from_db()
        entry = url_entry(root, address(article, language))
        # W3C Datetime with seconds and the offset (Django's "c" less microseconds).
        expected = timezone.localtime(article.updated_at.replace(microsecond=0)).isoformat()
        assert entry.findtext("sm:lastmod", "", NS) == expected
