"""RSS 2.0, Atom 1.0 and JSON Feed 1.1: valid, complete and cheap to poll."""

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import feedparser
import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.editions.languages import language_tag
from articles.media.sanitizer import render_body
from articles.models import Article
from tests.factories import make_article, make_author, make_category, make_image, make_tag

pytestmark = pytest.mark.django_db

EDITIONS = ["kk", "kk-latn", "ru", "en"]
FORMATS = {
    "rss": ("rss/", "application/rss+xml"),
    "atom": ("atom/", "application/atom+xml"),
    "json": ("feed.json", "application/feed+json"),
}
KINDS = ["latest", "category", "author", "tag"]
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
}


@pytest.fixture
def story(tiny_png):
    """A live article in every edition, with a cover, a category, an author and a tag."""
    category, author, tag = make_category(), make_author(), make_tag()
    article = make_article(
        category=category,
        authors=[author],
        cover_image=make_image(tiny_png),
        body_en="<p>Full <strong>story</strong> &amp; more.</p>",
        body_ru="<p>Полный <em>текст</em>.</p>",
    )
    article.tags.add(tag)
    return article


def feed_url(language: str, kind: str, fmt: str, article: Article | None = None) -> str:
    suffix = FORMATS[fmt][0]
    if kind == "latest":
        return f"/{language}/{suffix}"
    section, page = {
        "category": ("category", article.category),
        "author": ("authors", article.authors.first()),
        "tag": ("tags", article.tags.first()),
    }[kind]
    return f"/{language}/{section}/{in_language(page, 'slug', language)}/{suffix}"


def in_language(instance, field: str, language: str):
    return getattr(instance, f"{field}_{language.replace('-', '_')}")


def fetch(client, url: str, fmt: str, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    assert response["Content-Type"] == f"{FORMATS[fmt][1]}; charset=utf-8"
    return response


def parsed(client, url: str, fmt: str):
    """The feed parsed by feedparser (RSS and Atom) or as JSON, with no complaint."""
    content = fetch(client, url, fmt).content
    if fmt == "json":
        return json.loads(content)
    feed = feedparser.parse(content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == {"rss": "rss20", "atom": "atom10"}[fmt]
    return feed


def xml(client, url: str, fmt: str) -> ET.Element:
    return ET.fromstring(fetch(client, url, fmt).content)


def guids(client, url: str, fmt: str) -> list[str]:
    if fmt == "json":
        return [item["id"] for item in parsed(client, url, fmt)["items"]]
    return [entry.id for entry in parsed(client, url, fmt).entries]


def rfc3339(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, text
    return moment


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", EDITIONS)
def test_every_feed_of_every_edition_parses_and_lists_the_story(client, story, language, kind, fmt):
    guid = f"{settings.SITE_URL}/{language}/news/{story.pk}/"
    assert guids(client, feed_url(language, kind, fmt, story), fmt) == [guid]


@pytest.mark.skipif(not shutil.which("xmllint"), reason="xmllint is not installed")
@pytest.mark.parametrize("fmt", ["rss", "atom"])
@pytest.mark.parametrize("kind", KINDS)
def test_xml_feeds_are_well_formed_by_xmllint(client, story, tmp_path, kind, fmt):
    path = tmp_path / "feed.xml"
    path.write_bytes(fetch(client, feed_url("kk-latn", kind, fmt, story), fmt).content)
    result = subprocess.run(
        ["xmllint", "--noout", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("language", EDITIONS)
def test_rss_channel_and_item_have_every_element_a_reader_needs(client, story, language):
    channel = xml(client, f"/{language}/rss/", "rss").find("channel")
    for name in ("title", "link", "description"):
        assert channel.findtext(name)
    assert channel.findtext("link").startswith(f"{settings.SITE_URL}/")
    assert channel.findtext("language") == language_tag(language)
    assert channel.find("atom:link", NS).get("rel") == "self"
    [item] = channel.findall("item")
    guid = item.find("guid")
    assert guid.text == f"{settings.SITE_URL}/{language}/news/{story.pk}/"
    assert guid.get("isPermaLink") == "true"
    published = parsedate_to_datetime(item.findtext("pubDate"))
    assert abs(published - getattr(story, f"published_at_{language.replace('-', '_')}")) < (
        timedelta(seconds=1)
    )
    assert parsedate_to_datetime(channel.findtext("lastBuildDate")) == published
    body = getattr(story, f"body_{language.replace('-', '_')}")
    assert item.findtext("content:encoded", namespaces=NS) == render_body(body)
    enclosure = item.find("enclosure")
    assert enclosure.get("url").startswith(f"{settings.SITE_URL}/media/")
    assert enclosure.get("type") in ("image/jpeg", "image/png")
    assert enclosure.get("length") == "0"


def test_rss_content_keeps_the_body_html_and_the_correction(client, story):
    story.correction_en = "The date was wrong."
    story.save()
    [entry] = parsed(client, "/en/rss/", "rss").entries
    [content] = entry.content
    assert content.value.startswith("<p>Full <strong>story</strong> &amp; more.</p>")
    assert "The date was wrong." in content.value


def test_last_build_date_is_the_newest_go_live_or_revision(client):
    now = timezone.now()
    make_article(published_at=now - timedelta(days=2))
    revised = make_article(published_at=now - timedelta(days=1))
    with time_machine.travel(now - timedelta(hours=3), tick=False):
        revised.title_en = "A corrected title"
        revised.save()
    channel = xml(client, "/en/rss/", "rss").find("channel")
    last_build = parsedate_to_datetime(channel.findtext("lastBuildDate"))
    assert abs(last_build - (now - timedelta(hours=3))) < timedelta(seconds=1)


@pytest.mark.parametrize("language", EDITIONS)
def test_atom_feed_and_entry_have_every_required_element(client, story, language):
    feed = xml(client, feed_url(language, "category", "atom", story), "atom")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == language_tag(language)
    assert feed.findtext("atom:id", namespaces=NS).startswith(settings.SITE_URL)
    assert feed.findtext("atom:title", namespaces=NS)
    rfc3339(feed.findtext("atom:updated", namespaces=NS))
    links = {link.get("rel"): link.get("href") for link in feed.findall("atom:link", NS)}
    assert links["self"].startswith(f"{settings.SITE_URL}/")
    assert feed.find("atom:author/atom:name", NS).text
    [entry] = feed.findall("atom:entry", NS)
    code = language.replace("-", "_")
    assert entry.findtext("atom:id", namespaces=NS) == (
        f"{settings.SITE_URL}/{language}/news/{story.pk}/"
    )
    assert entry.findtext("atom:title", namespaces=NS) == getattr(story, f"title_{code}")
    published = rfc3339(entry.findtext("atom:published", namespaces=NS))
    assert rfc3339(entry.findtext("atom:updated", namespaces=NS)) >= published
    content = entry.find("atom:content", NS)
    assert content.get("type") == "html"
    assert content.text == render_body(getattr(story, f"body_{code}"))
    rels = {link.get("rel"): link for link in entry.findall("atom:link", NS)}
    assert rels["alternate"].get("href").startswith(f"{settings.SITE_URL}/")
    assert rels["enclosure"].get("href").startswith(f"{settings.SITE_URL}/media/")
    assert entry.find("atom:author/atom:name", NS).text == getattr(
        story.authors.first(), f"name_{code}"
    )
    terms = [category.get("term") for category in entry.findall("atom:category", NS)]
    assert terms == [
        in_language(story.category, "name", language),
        in_language(story.tags.first(), "name", language),
    ]


@pytest.mark.parametrize("language", EDITIONS)
def test_json_feed_has_the_required_fields_of_version_1_1(client, story, language):
    feed = parsed(client, f"/{language}/feed.json", "json")
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"]
    assert feed["language"] == language_tag(language)
    assert feed["feed_url"] == f"{settings.SITE_URL}/{language}/feed.json"
    assert feed["home_page_url"].startswith(f"{settings.SITE_URL}/")
    [item] = feed["items"]
    code = language.replace("-", "_")
    assert item["id"] == f"{settings.SITE_URL}/{language}/news/{story.pk}/"
    assert item["title"] == getattr(story, f"title_{code}")
    assert item["content_html"] == render_body(getattr(story, f"body_{code}"))
    assert item["summary"] == getattr(story, f"lead_{code}")
    assert rfc3339(item["date_modified"]) >= rfc3339(item["date_published"])
    author = story.authors.first()
    assert item["authors"] == [
        {
            "name": getattr(author, f"name_{code}"),
            "url": f"{settings.SITE_URL}{author.get_absolute_url(language)}",
        }
    ]
    assert item["tags"] == [
        getattr(story.category, f"name_{code}"),
        getattr(story.tags.first(), f"name_{code}"),
    ]
    assert item["image"].startswith(f"{settings.SITE_URL}/media/")


def every_url(value, key=""):
    """Every address in a JSON document: the values of *url, image and link keys."""
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            yield from every_url(inner, inner_key)
    elif isinstance(value, list):
        for inner in value:
            yield from every_url(inner, key)
    elif key.endswith("url") or key in ("image", "id"):
        yield value


@pytest.mark.parametrize("kind", KINDS)
def test_every_address_in_every_format_is_absolute(client, story, kind):
    document = parsed(client, feed_url("ru", kind, "json", story), "json")
    addresses = list(every_url(document))
    assert len(addresses) >= 6
    for fmt in ("rss", "atom"):
        root = xml(client, feed_url("ru", kind, fmt, story), fmt)
        for element in root.iter():
            for attribute in ("href", "url"):
                if element.get(attribute) is not None:
                    addresses.append(element.get(attribute))
            if element.tag in ("link", "guid", f"{{{NS['atom']}}}id"):
                addresses.append(element.text)
    assert all(address.startswith("http") for address in addresses), addresses


@pytest.mark.parametrize("kind", KINDS)
def test_every_address_is_on_site_url_whatever_host_the_request_named(story, kind, settings):
    # An allowed host on another port, or an alias: a poisoned Host must not reach the feed.
    settings.ALLOWED_HOSTS = ["news.example.kz", "localhost"]
    for host in ("localhost:6666", "news.example.kz"):
        client = Client(HTTP_HOST=host)
        addresses = list(every_url(parsed(client, feed_url("ru", kind, "json", story), "json")))
        for fmt in ("rss", "atom"):
            root = xml(client, feed_url("ru", kind, fmt, story), fmt)
            for element in root.iter():
                addresses += [element.get(name) for name in ("href", "url") if element.get(name)]
                if element.tag in ("link", "guid", f"{{{NS['atom']}}}id"):
                    addresses.append(element.text)
        assert len(addresses) >= 12
        assert all(address.startswith(f"{settings.SITE_URL}/") for address in addresses), (
            host,
            [address for address in addresses if not address.startswith(settings.SITE_URL)],
        )


@pytest.mark.parametrize("fmt", FORMATS)
def test_guids_are_unique(client, fmt):
    for _ in range(5):
        make_article()
    assert len(set(guids(client, "/en/" + FORMATS[fmt][0], fmt))) == 5


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_unchanged_feed_answers_304_to_its_etag_and_to_its_last_modified(client, story, kind, fmt):
    url = feed_url("en", kind, fmt, story)
    first = fetch(client, url, fmt)
    assert first["ETag"]
    assert first["Last-Modified"]
    by_etag = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert by_etag.status_code == 304
    assert by_etag["ETag"] == first["ETag"]
    assert by_etag.content == b""
    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert by_date.status_code == 304
    stale = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_new_article_changes_the_etag_and_last_modified(client, fmt):
    make_article(published_at=timezone.now() - timedelta(hours=2))
    url = "/en/" + FORMATS[fmt][0]
    before = fetch(client, url, fmt)
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        make_article(published_at=timezone.now() - timedelta(minutes=5))
        after = client.get(url, headers={"If-None-Match": before["ETag"]})
        since = client.get(url, headers={"If-Modified-Since": before["Last-Modified"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert parsedate_to_datetime(after["Last-Modified"]) > parsedate_to_datetime(
        before["Last-Modified"]
    )
    assert since.status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_scheduled_article_going_live_changes_the_etag(client, fmt):
    now = timezone.now()
    make_article(published_at=now - timedelta(hours=2))
    scheduled = make_article(published_at=now + timedelta(hours=1))
    url = "/ru/" + FORMATS[fmt][0]
    before = fetch(client, url, fmt)
    with time_machine.travel(now + timedelta(hours=2), tick=False):
        after = client.get(url, headers={"If-None-Match": before["ETag"]})
        assert after.status_code == 200
        assert after["ETag"] != before["ETag"]
        assert f"/ru/news/{scheduled.pk}/" in after.content.decode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_withdrawn_article_changes_the_etag(client, fmt):
    make_article()
    withdrawn = make_article()
    url = "/kk/" + FORMATS[fmt][0]
    before = fetch(client, url, fmt)
    workflow.article_withdraw(withdrawn, None, reason="Wrong figures.")
    after = client.get(url, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert f"/kk/news/{withdrawn.pk}/" not in after.content.decode()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_unpublished_articles_never_appear_in_any_feed(client, story, kind, fmt):
    shared = {
        "category": story.category,
        "authors": [story.authors.first()],
    }
    hidden = [
        make_article(status=Article.Status.DRAFT, **shared),
        make_article(status=Article.Status.REVIEW, **shared),
        make_article(status=Article.Status.WITHDRAWN, withdrawal_reason="Wrong.", **shared),
        make_article(published_at=timezone.now() + timedelta(hours=1), **shared),
        make_article(languages=["kk"], **shared),
    ]
    for article in hidden:
        article.tags.add(story.tags.first())
    url = feed_url("ru", kind, fmt, story)
    assert guids(client, url, fmt) == [f"{settings.SITE_URL}/ru/news/{story.pk}/"]
    content = fetch(client, url, fmt).content.decode()
    for article in hidden:
        assert f"/news/{article.pk}" not in content


@pytest.mark.parametrize("fmt", FORMATS)
def test_author_feed_lists_only_that_authors_articles(client, fmt):
    author = make_author()
    theirs = make_article(authors=[author, make_author()])
    make_article(authors=[make_author()])
    url = f"/en/authors/{author.slug_en}/{FORMATS[fmt][0]}"
    assert guids(client, url, fmt) == [f"{settings.SITE_URL}/en/news/{theirs.pk}/"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("section", ["category", "authors", "tags"])
def test_unknown_page_feed_is_404(client, section, fmt):
    assert client.get(f"/en/{section}/nothing/{FORMATS[fmt][0]}").status_code == 404


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("kind", KINDS)
def test_feed_queries_do_not_grow_with_its_articles(client, tiny_png, kind):
    category, author, tag = make_category(), make_author(), make_tag()
    cover = make_image(tiny_png)

    def add(count):
        for _ in range(count):
            article = make_article(
                category=category, authors=[author, make_author()], cover_image=cover
            )
            article.tags.add(tag, make_tag())

    add(5)
    sample = Article.objects.filter(category=category).first()
    urls = [feed_url("en", kind, fmt, sample) for fmt in FORMATS]
    few = [queries_for(client, url) for url in urls]
    add(45)
    assert [queries_for(client, url) for url in urls] == few
