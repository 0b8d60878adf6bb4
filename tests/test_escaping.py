"""No text an editor typed reaches anyone unescaped.

An article, its category, author, tag and cover picture have hostile text in
every field. Each public page, feed, sitemap, JSON-LD block, page title and
meta tag, the preview and the admin's lists and forms must show that text
exactly as typed, as text, and run none of it.
"""

import html
import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from articles.editions.languages import EDITIONS, LANGUAGE_CODES
from articles.public.preview import preview_path
from tests.desk import signed_in
from tests.factories import make_article, make_author, make_category, make_image, make_tag
from tests.fixtures.hostile_html import CORPUS

pytestmark = pytest.mark.django_db

# A script element's end, markup breaking out of an attribute, template syntax, an
# entity, both quotes, and the two characters that end a line in old JavaScript.
HOSTILE = (
    '</script><script>alert(1)</script>"><img src=x onerror=alert(1)>'
    " \u2028\u2029{{ 7|add:1 }}&amp;'"
)


def hostile(label: str) -> str:
    return f"{label} {HOSTILE}"


def in_every_language(field: str, label: str) -> dict[str, str]:
    return {f"{field}_{code}": hostile(label) for code in LANGUAGE_CODES}


TITLE, LEAD, CAPTION, CORRECTION = (hostile(label) for label in ("Title", "Lead", "Cap", "Fix"))
SOURCE, CREDIT, ALT = hostile("Source"), hostile("Credit"), hostile("Alt")
CATEGORY, DESCRIPTION = hostile("Category"), hostile("Description")
AUTHOR, BIO, TAG, BODY_TEXT = hostile("Author"), hostile("Bio"), hostile("Tag"), hostile("Body")
# The typed text first: the corpus's <plaintext> case turns all that follows it into text.
BODY = f"<p>{html.escape(BODY_TEXT)}</p>" + "".join(case.html for case in CORPUS)


@pytest.fixture
def site(tiny_png):
    category = make_category(
        **in_every_language("name", "Category"), **in_every_language("description", "Description")
    )
    author = make_author(**in_every_language("name", "Author"), **in_every_language("bio", "Bio"))
    tag = make_tag(**in_every_language("name", "Tag"))
    cover = make_image(
        tiny_png,
        credit=CREDIT,
        **in_every_language("alt", "Alt"),
        **in_every_language("caption", "Picture"),
    )
    article = make_article(
        authors=[author],
        category=category,
        cover_image=cover,
        source=SOURCE,
        **in_every_language("title", "Title"),
        **in_every_language("lead", "Lead"),
        **in_every_language("cover_caption", "Cap"),
        **in_every_language("correction", "Fix"),
        **{f"body_{code}": BODY for code in LANGUAGE_CODES},
    )
    article.tags.add(tag)
    return {"article": article, "category": category, "author": author, "tag": tag}


class Page(HTMLParser):
    """What a browser makes of a page: its elements, and its text and attribute values."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.texts: list[str] = []
        self.title = ""
        self._in_title = False
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self.texts.extend(value for _name, value in attrs if value)
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        self.texts.append(data)
        if self._in_title:
            self.title += data

    def shows(self, text: str) -> bool:
        """Whether `text` is on the page, whole, as text or an attribute's value."""
        return any(text in chunk for chunk in self.texts)

    def meta(self, key: str) -> str | None:
        for tag, attributes in self.elements:
            if tag == "meta" and key in (attributes.get("name"), attributes.get("property")):
                return attributes.get("content")
        return None


NEVER_ALLOWED = {"iframe", "frame", "object", "embed", "applet", "base", "xmp", "plaintext"}
# Scripts that hold data, never run: JSON-LD, the admin's JSON, an import map.
DATA_SCRIPTS = {"application/ld+json", "application/json", "importmap"}
UNSAFE_SCHEME = re.compile(r"^\W*(javascript|vbscript|data:text)", re.IGNORECASE)


def assert_harmless(markup: str, where: str) -> Page:
    """Nothing in the page runs but the site's own script files and data blocks."""
    page = Page(markup)
    for tag, attributes in page.elements:
        assert tag not in NEVER_ALLOWED, (where, tag, attributes)
        if tag == "script":
            src, kind = attributes.get("src", ""), attributes.get("type", "")
            assert src.startswith(("/static/", "/admin/")) or kind in DATA_SCRIPTS, (
                where,
                attributes,
            )
        if tag == "meta":
            assert "http-equiv" not in attributes, (where, attributes)
        for name, value in attributes.items():
            assert not name.startswith("on"), (where, tag, attributes)
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcset"):
                assert not UNSAFE_SCHEME.match(value), (where, tag, attributes)
        assert not (tag == "img" and attributes.get("src") == "x"), where
    assert "<script>alert(1)" not in markup, where
    return page


def json_ld_blocks(markup: str) -> list:
    """Each JSON-LD block, parsed; it would not parse had a "</script>" ended it early."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', markup, re.DOTALL)
    for block in blocks:
        assert "<" not in block and ">" not in block, block  # no "</script", no "<!--"
    return [json.loads(block) for block in blocks]


def public_pages(site, edition: str) -> dict[str, str]:
    with translation.override(edition):
        return {
            "home": reverse("articles:home"),
            "latest": reverse("articles:latest"),
            "article": site["article"].get_absolute_url(),
            "category": site["category"].get_absolute_url(),
            "author": site["author"].get_absolute_url(),
            "authors": reverse("articles:authors"),
            "tag": site["tag"].get_absolute_url(),
            "search": f"{reverse('articles:search')}?{urlencode({'q': 'Lead'})}",
        }


# What each page shows of the hostile text, besides the article's title on most.
SHOWN = {
    "home": [TITLE, CATEGORY],
    "latest": [TITLE],
    "article": [TITLE, LEAD, CAPTION, CREDIT, CORRECTION, SOURCE, CATEGORY, AUTHOR, TAG, ALT],
    "category": [CATEGORY, DESCRIPTION, TITLE],
    "author": [AUTHOR, BIO, TITLE],
    "authors": [AUTHOR],
    "tag": [TAG, TITLE],
    "search": [TITLE],
}


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_public_page_shows_the_typed_text_escaped_and_runs_none_of_it(client, site, edition):
    for name, path in public_pages(site, edition).items():
        response = client.get(path)
        assert response.status_code == 200, path
        markup = response.content.decode()
        page = assert_harmless(markup, path)
        for text in SHOWN[name]:
            assert page.shows(text), (path, text)
        json_ld_blocks(markup)


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_article_pages_title_meta_tags_and_json_ld_hold_the_text_exactly(client, site, edition):
    with translation.override(edition):
        response = client.get(site["article"].get_absolute_url())
    markup = response.content.decode()
    page = Page(markup)
    assert page.title.startswith(f"{TITLE} | ")
    assert page.meta("og:title") == TITLE
    assert page.meta("og:image:alt") == ALT
    # truncatewords joins the words with single spaces, U+2028 and U+2029 being spaces too.
    assert page.meta("description") == page.meta("og:description") == " ".join(LEAD.split())
    blocks = {block["@type"]: block for block in json_ld_blocks(markup)}
    article = blocks["NewsArticle"]
    assert article["headline"] == TITLE
    assert article["description"] == LEAD
    assert article["articleSection"] == CATEGORY
    assert [author["name"] for author in article["author"]] == [AUTHOR]
    trail = [item["name"] for item in blocks["BreadcrumbList"]["itemListElement"]]
    assert trail[1:] == [CATEGORY, TITLE]


def test_the_category_page_json_ld_and_description_hold_the_text_exactly(client, site):
    response = client.get(site["category"].get_absolute_url())
    markup = response.content.decode()
    assert Page(markup).meta("description") == " ".join(DESCRIPTION.split())
    [breadcrumbs] = [block for block in json_ld_blocks(markup) if "itemListElement" in block]
    assert breadcrumbs["itemListElement"][-1]["name"] == CATEGORY


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_script_in_the_body_survives_and_its_typed_text_stays_text(client, site, edition):
    with translation.override(edition):
        response = client.get(site["article"].get_absolute_url())
    page = assert_harmless(response.content.decode(), edition)
    assert page.shows(BODY_TEXT)
    scripts = [attributes for tag, attributes in page.elements if tag == "script"]
    assert all(script.get("type") == "application/ld+json" for script in scripts)


def test_the_preview_shows_the_typed_text_escaped(client, site):
    response = client.get(preview_path(site["article"], "en"))
    assert response.status_code == 200
    page = assert_harmless(response.content.decode(), "preview")
    for text in (TITLE, LEAD, BODY_TEXT, CORRECTION, AUTHOR, CATEGORY, TAG):
        assert page.shows(text), text


def feeds(site, edition: str) -> dict[str, str]:
    with translation.override(edition):
        return {
            f"{page} {kind}": reverse(f"articles:{page}{suffix}", kwargs=kwargs)
            for page, kwargs in (
                ("feed", {}),
                ("category-feed", {"slug": site["category"].slug}),
                ("author-feed", {"slug": site["author"].slug}),
                ("tag-feed", {"slug": site["tag"].slug}),
            )
            for kind, suffix in (("rss", ""), ("atom", "-atom"), ("json", "-json"))
        }


def feed_path(page: str, kind: str, site, edition: str) -> str:
    return feeds(site, edition)[f"{page} {kind}"]


def shown_by_a_reader(detail) -> str:
    """The text a feed reader shows for a title, summary or description it parsed."""
    if detail.type == "text/html":
        return "".join(Page(detail.value).texts)
    return detail.value


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_xml_feed_is_well_formed_and_readers_get_the_text_exactly(client, site, edition):
    for name, path in feeds(site, edition).items():
        if name.endswith(" json"):
            continue
        content = client.get(path).content
        ElementTree.fromstring(content)  # well-formed, or this raises
        parsed = feedparser.parse(content)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        [entry] = parsed.entries
        assert shown_by_a_reader(entry.title_detail) == TITLE, path
        assert {tag.term for tag in entry.tags} == {CATEGORY, TAG}, path
        assert entry.author == AUTHOR, path
        content_html = entry.content[0].value
        assert_harmless(content_html, path)
        assert Page(content_html).shows(CORRECTION) and Page(content_html).shows(BODY_TEXT)


@pytest.mark.parametrize("edition", EDITIONS)
def test_feed_readers_show_summaries_and_descriptions_as_typed(client, site, edition):
    # RSS descriptions and Atom summaries are HTML to a reader: text must arrive escaped.
    for name, path in feeds(site, edition).items():
        if name.endswith(" json"):
            continue
        parsed = feedparser.parse(client.get(path).content)
        [entry] = parsed.entries
        summary = entry.summary_detail
        assert summary.type != "text/html" or not Page(summary.value).elements, path
        assert shown_by_a_reader(summary).startswith(LEAD), (path, summary.value)
        if name.startswith("category-feed"):
            assert shown_by_a_reader(parsed.feed.subtitle_detail) == DESCRIPTION, path


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_json_feed_is_valid_json_holding_the_text_exactly(client, site, edition):
    for name, path in feeds(site, edition).items():
        if not name.endswith(" json"):
            continue
        feed = json.loads(client.get(path).content)
        [item] = feed["items"]
        assert item["title"] == TITLE, path
        assert item["summary"].startswith(LEAD), path
        assert set(item["tags"]) == {CATEGORY, TAG}, path
        assert [author["name"] for author in item["authors"]] == [AUTHOR], path
        page = assert_harmless(item["content_html"], path)
        assert page.shows(CORRECTION) and page.shows(BODY_TEXT), path
    category_feed = json.loads(client.get(feed_path("category-feed", "json", site, "en")).content)
    assert CATEGORY in category_feed["title"]
    assert category_feed["description"] == DESCRIPTION


def test_every_sitemap_is_well_formed_and_news_titles_are_exact(client, site):
    index = ElementTree.fromstring(client.get(reverse("sitemap-index")).content)
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    titles = []
    for location in index.iterfind("s:sitemap/s:loc", namespace):
        path = location.text.split("://", 1)[1].split("/", 1)[1]
        sitemap = ElementTree.fromstring(client.get(f"/{path}").content)
        titles += [
            element.text
            for element in sitemap.iter("{http://www.google.com/schemas/sitemap-news/0.9}title")
        ]
    assert titles and set(titles) == {TITLE}


@pytest.fixture
def admin_client(client):
    chief = get_user_model().objects.create_superuser("chief", "chief@example.com", "pw")
    signed_in(client, chief)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_admin_lists_and_forms_show_the_typed_text_escaped(admin_client, site):
    article, category = site["article"], site["category"]
    author, tag, cover = site["author"], site["tag"], site["article"].cover_image
    in_review = hostile("Review")
    make_article(status="review", published_at=None, **{"title_en": in_review})
    pages = {
        reverse("admin:articles_article_changelist"): [TITLE],
        reverse("admin:articles_article_change", args=[article.pk]): [
            TITLE,
            LEAD,
            CAPTION,
            CORRECTION,
            SOURCE,
            CATEGORY,
            TAG,
            AUTHOR,
        ],
        reverse("admin:articles_article_dashboard"): [in_review],
        reverse("admin:articles_category_changelist"): [CATEGORY],
        reverse("admin:articles_category_change", args=[category.pk]): [CATEGORY, DESCRIPTION],
        reverse("admin:articles_author_changelist"): [AUTHOR],
        reverse("admin:articles_author_change", args=[author.pk]): [AUTHOR, BIO],
        reverse("admin:articles_tag_changelist"): [TAG],
        reverse("admin:articles_tag_change", args=[tag.pk]): [TAG],
        reverse("admin:articles_image_changelist"): [CREDIT],
        reverse("admin:articles_image_change", args=[cover.pk]): [ALT, CREDIT],
        reverse("admin:articles_article_history", args=[article.pk]): [TITLE],
    }
    for path, texts in pages.items():
        response = admin_client.get(path)
        assert response.status_code == 200, path
        page = assert_harmless(response.content.decode(), path)
        for text in texts:
            assert page.shows(text), (path, text)
