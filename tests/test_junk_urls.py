"""Junk in a public address never makes a server error, nor reaches a file outside the site.

Every URL pattern is found by walking the resolver, so a pattern added later
is covered without touching this file. Hypothesis fills each pattern's
parameters with junk (huge numbers, control characters, NUL, right-to-left
text, broken percent-encoding, very long strings, `..`) and adds junk query
strings and headers. The answer must be a page, a redirect within the site,
a 304, a 400 or a 404. A server error raises in the test client, and
hypothesis shrinks it to the smallest address that causes it.

NEWSROOM_JUNK_EXAMPLES (default 20) sets the examples per pattern: raise it
for a longer hunt.
"""

import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote, unquote, urlsplit

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from articles.editions.languages import EDITIONS
from articles.models import Article
from articles.public.pagination import PARAMETERS, Cursor
from articles.public.preview import make_preview_token
from tests.factories import make_article, make_author, make_category, make_tag

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("NEWSROOM_JUNK_EXAMPLES", "20"))
# The examples only read: one small site serves them all (made once per test).
JUNK = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# 301 and 302 are redirects within the site: 301 to an object's address in this
# language, an added slash or the favicon's file; 302 only from a list page that
# turned out to be the first one to its plain address, and from an address without
# a language prefix to the reader's language (assert_answered checks which).
ANSWERS = {200, 301, 302, 304, 400, 404}
LANGUAGE = "{language}/"
PREFIXES = tuple(f"/{code}/" for code in EDITIONS)
HIDDEN = "Hidden-from-readers"  # in every title that no reader may see


@dataclass(frozen=True)
class Route:
    """A URL pattern as a template: LANGUAGE for its language prefix, its converters by name."""

    template: str
    converters: dict = field(hash=False, compare=False)

    @property
    def has_language(self) -> bool:
        return LANGUAGE in self.template


def public_routes(patterns, prefix: str = "/", converters=None):
    """Every URL pattern outside the admin (tests/test_junk_forms.py drives the admin)."""
    converters = converters or {}
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, LocalePrefixPattern):
            route = LANGUAGE
        elif isinstance(pattern, RoutePattern):
            route = str(pattern)
        else:
            raise AssertionError(f"Teach this test to fill a {type(pattern).__name__}: {pattern}")
        known = {**converters, **pattern.converters}
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                yield from public_routes(entry.url_patterns, prefix + route, known)
        else:
            yield Route(prefix + route, known)


ROUTES = list(public_routes(get_resolver().url_patterns))
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def test_the_walk_finds_every_kind_of_public_address():
    """Else the tests below could cover nothing and still pass."""
    found = {route.template for route in ROUTES}
    assert {
        "/healthz",
        "/favicon.ico",
        "/robots.txt",
        "/sitemap.xml",
        "/sitemap-<str:section>.xml",
        "/preview/<str:token>/",
        "/{language}/",
        "/{language}/news/",
        "/{language}/news/<article_id:pk>/",
        "/{language}/news/<article_id:pk>-<str:slug>/",
        "/{language}/category/<slug:slug>/",
        "/{language}/authors/<slug:slug>/",
        "/{language}/tags/<slug:slug>/",
        "/{language}/search/",
        "/{language}/rss/",
        "/{language}/atom/",
        "/{language}/feed.json",
        "/{language}/tags/<slug:slug>/feed.json",
    } <= found
    assert len(ROUTES) >= 27
    assert not any(route.template.startswith("/admin/") for route in ROUTES)


# Junk: what no page expects, in every place a reader can type it.

RIGHT_TO_LEFT = "\u202eשלום مرحبا\u200f"
ENCODED = [
    "%00",
    "%ff",
    "%fe%ff",
    "%c0%af",  # an overlong "/"
    "%e2%80%ae",  # right-to-left override
    "%",
    "%2",
    "%zz",
    "%2e%2e",
    "..%2f..%2fetc%2fpasswd",
    "%252e%252e",
]
ODD_TEXT = ["..", ".", "...", "~", "null", "None", "NaN", "-1", "1e309", "0x10", RIGHT_TO_LEFT]
HUGE_NUMBERS = [0, 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30, 10**100]

any_text = st.text(min_size=1, max_size=30)
control_text = st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Co"]), min_size=1)
long_text = st.builds(lambda text, times: text * times, any_text, st.integers(100, 1000))


def encoded(text: str) -> str:
    """`text` as it travels in an address: every character percent-encoded."""
    return quote(text, safe="")


# Already encoded for the address: most text is encoded here, broken sequences stay raw.
junk = st.one_of(
    any_text.map(encoded),
    control_text.map(encoded),
    long_text.map(encoded),
    st.sampled_from(ODD_TEXT).map(encoded),
    st.sampled_from(ENCODED),
)
numbers = st.one_of(
    st.sampled_from(HUGE_NUMBERS), st.integers(min_value=0), st.integers(max_value=-1)
)
digits = st.one_of(
    numbers.filter(lambda number: number >= 0).map(str),
    st.integers(0, 10**6).map(lambda number: f"000{number}"),
)
slugs = st.one_of(
    st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True),
    st.from_regex(r"[-a-z0-9]{1,5}", fullmatch=True).map(lambda slug: slug * 300),
)
# What `<str:…>` takes: anything but "/" once decoded.
texts = st.one_of(
    any_text.filter(lambda text: "/" not in text).map(encoded),
    control_text.map(encoded),
    long_text.filter(lambda text: "/" not in text).map(encoded),
    st.sampled_from(ODD_TEXT + ENCODED[:8]),
)


@dataclass
class Site:
    """A small live site, with what readers must never see beside it."""

    pks: list[int]
    slugs: dict[str, list[str]]  # by the address's section: category, authors, tags
    tokens: list[str]
    cursors: list[str]

    def slugs_in(self, template: str) -> list[str]:
        """The real slugs of the section `template` addresses, so that its view finds them."""
        for section, slugs in self.slugs.items():
            if f"/{section}/" in template:
                return slugs
        return [slug for slugs in self.slugs.values() for slug in slugs]


def slugs_of(thing) -> list[str]:
    return [getattr(thing, f"slug_{code.replace('-', '_')}") for code in EDITIONS]


@pytest.fixture
def site(monkeypatch) -> Site:
    """Articles live in every language (lists of pages), one in Kazakh only, and hidden ones."""
    monkeypatch.setattr("articles.public.pagination.PAGE_SIZE", 2)
    monkeypatch.setattr("articles.search.PAGE_SIZE", 2)
    category = make_category(slug_en="former-name")
    category.slug_en = "current-name"  # the former slug keeps answering (301)
    category.save()
    author, tag = make_author(), make_tag()
    live = [make_article(category=category, authors=[author]) for _ in range(4)]
    for article in live:
        article.tags.add(tag)
    live.append(make_article(languages=["kk"], category=category))
    hidden = {
        "draft": {"status": Article.Status.DRAFT},
        "withdrawn": {"status": Article.Status.WITHDRAWN, "withdrawal_reason": "Wrong."},
        "scheduled": {"published_at": timezone.now() + timedelta(days=1)},
    }
    hidden_articles = [
        make_article(
            category=category,
            authors=[author],
            **{f"title_{code}": f"{HIDDEN} {kind} {code}" for code in ("kk", "ru", "en")},
            **fields,
        )
        for kind, fields in hidden.items()
    ]
    for article in hidden_articles:
        article.tags.add(tag)
    return Site(
        pks=[article.pk for article in live + hidden_articles],
        slugs={
            "category": [*slugs_of(category), "former-name"],
            "authors": slugs_of(author),
            "tags": slugs_of(tag),
            "news": [live[0].slug_ru, live[-1].slug_kk],
        },
        # A preview shows what it was made for: these are of live articles only.
        tokens=[make_preview_token(article, "kk") for article in live[:2]],
        cursors=[str(Cursor.of(article, "kk")) for article in live],
    )


SECTIONS = [f"{kind}-{code}" for kind in ("articles", "news", "pages") for code in EDITIONS]


def parameter_values(converter, site: Site, template: str):
    """Junk for one parameter: mostly what the converter accepts, so that the view runs."""
    real = st.sampled_from(site.slugs_in(template))
    if isinstance(converter, IntConverter):
        matching = st.one_of(digits, st.sampled_from(site.pks).map(str))
    elif isinstance(converter, SlugConverter):
        matching = st.one_of(slugs, real, real)
    elif isinstance(converter, (StringConverter, PathConverter)):
        matching = st.one_of(texts, real, st.sampled_from(site.tokens + SECTIONS))
    else:
        raise AssertionError(f"Teach this test junk for {type(converter).__name__}")
    return st.one_of(matching, matching, matching, junk)


QUERY_NAMES = sorted(PARAMETERS) + ["page", "q", "p", "format", "lang", "utm_source"]
# What a keyset cursor looks like (articles/public/pagination.py), up to its longest numbers:
# 17 digits of microseconds reach past the calendar both ways.
cursors = st.builds(
    lambda microseconds, pk: f"{microseconds}.{pk}",
    st.one_of(
        st.integers(-(10**17) + 1, 10**17 - 1),
        st.sampled_from([-(10**17) + 1, -(7 * 10**16), 7 * 10**16, 10**17 - 1]),
    ),
    st.one_of(st.integers(0, 10**18 - 1), st.sampled_from([2**63 - 1, 2**63, 10**18 - 1])),
)


def query_strings(site: Site):
    """Query strings of page numbers, cursors, search words and unknown names, some repeated."""
    names = st.one_of(st.sampled_from(sorted(PARAMETERS)), st.sampled_from(QUERY_NAMES), junk)
    values = st.one_of(
        numbers.map(str),
        st.builds(lambda a, b: f"{a}.{b}", numbers, numbers),
        cursors,
        st.sampled_from(site.cursors),
        junk,
        st.just(""),
    )
    pair = st.builds(lambda name, value: f"{name}={value}", names, values)
    odd = st.sampled_from(["oldest", "&", "=", "==", ";", "%ff", "page", "q=%00"])
    # One page of a list, asked for by a cursor that may be one or not.
    page = st.builds(
        lambda name, value: f"{name}={value}",
        st.sampled_from(sorted(PARAMETERS)),
        st.one_of(cursors, st.sampled_from(site.cursors)),
    )
    # Often none: junk in a page parameter answers 404 before the rest of the page runs.
    return st.one_of(
        st.just(""), page, st.lists(st.one_of(pair, pair, odd), max_size=6).map("&".join)
    )


def headers():
    """Host, conditional and language headers, some of them junk (latin-1: what HTTP carries)."""
    latin1 = st.text(st.characters(codec="latin-1"), max_size=40)
    some = st.fixed_dictionaries(
        {},
        optional={
            "HTTP_HOST": st.sampled_from(["evil.example", "testserver:99999", "[::1", "a b"]),
            "HTTP_IF_NONE_MATCH": st.one_of(latin1, st.just('W/"x", *')),
            "HTTP_IF_MODIFIED_SINCE": st.one_of(
                latin1, st.just("Fri, 01 Jan 2100 00:00:00 GMT"), st.just("Thu, 01 Jan 1970")
            ),
            "HTTP_ACCEPT_LANGUAGE": st.one_of(latin1, st.just("ru;q=0.9, kk-Latn, *;q=x")),
        },
    )
    return st.one_of(st.just({}), some)


def filled(route: Route, site: Site):
    """An address of `route` with junk in its parameters, in one of the languages."""

    @st.composite
    def address(draw) -> str:
        def value(match: re.Match) -> str:
            return draw(parameter_values(route.converters[match["name"]], site, route.template))

        path = PARAMETER.sub(value, route.template)
        if route.has_language:
            path = path.replace(LANGUAGE, draw(st.sampled_from(EDITIONS)) + "/")
        return path

    return address()


def assert_answered(response, path: str) -> None:
    assert response.status_code in ANSWERS, path
    if response.status_code in (301, 302):
        location = urlsplit(response.headers["Location"])
        # Never off the site: no other host, no protocol-relative "//host".
        assert location.netloc in ("", "testserver"), response.headers["Location"]
        assert location.path.startswith("/") and not location.path.startswith("//")
    if response.status_code == 302:
        to_itself = unquote(location.path) == unquote(urlsplit(path).path)
        assert to_itself or not path.startswith(PREFIXES), response.headers["Location"]
    assert HIDDEN.encode() not in response.content, path


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.template)
@JUNK
@given(data=st.data())
def test_junk_in_any_public_address_never_makes_a_server_error(client, site, route, data):
    path = data.draw(filled(route, site), label="path")
    query = data.draw(query_strings(site), label="query")
    extra = data.draw(headers(), label="headers")

    response = client.get(f"{path}?{query}" if query else path, **extra)

    event(f"answered {response.status_code}")  # pytest --hypothesis-show-statistics
    assert_answered(response, path)


@JUNK
@given(data=st.data())
def test_junk_paths_under_each_language_and_at_the_root_are_answered(client, site, data):
    prefix = data.draw(st.sampled_from(["/", *(f"/{code}/" for code in EDITIONS)]))
    segments = data.draw(st.lists(st.one_of(junk, slugs, digits), min_size=1, max_size=5))
    ending = data.draw(st.sampled_from(["", "/", ".xml", ".json", "/rss/"]))
    path = prefix + "/".join(segments) + ending

    assert_answered(client.get(path), path)


def test_a_huge_article_number_is_not_found_in_every_edition(client, site):
    for code in EDITIONS:
        for number in (2**63, 10**30):
            assert client.get(f"/{code}/news/{number}/").status_code == 404
            assert client.get(f"/{code}/news/{number}-slug/").status_code == 404


def test_nul_in_a_slug_or_search_is_not_found_or_searched_not_a_server_error(client, site):
    assert client.get("/en/search/?q=%00").status_code == 200
    assert client.get("/en/search/?q=Article%00&page=%00").status_code == 404
    assert client.get(f"/en/news/{site.pks[0]}-%00/").status_code == 301
    assert client.get("/en/category/current%00name/").status_code == 404
    assert client.get("/preview/%00/").status_code == 404
    assert client.get("/sitemap-%00.xml").status_code == 404


# Path traversal: no address serves a file from outside the static and media roots.

SECRET = "the-contents-of-a-file-outside-every-root"


@pytest.fixture
def roots(settings, tmp_path):
    """Static and media roots with a file each, and a secret file beside them."""
    static_root, media_root = tmp_path / "public" / "static", tmp_path / "public" / "media"
    static_root.mkdir(parents=True)
    media_root.mkdir(parents=True)
    (static_root / "site.css").write_text("body {}")
    (media_root / "picture.txt").write_text("a picture")
    (tmp_path / "settings.py").write_text(SECRET)
    (tmp_path / "public" / "settings.py").write_text(SECRET)
    settings.STATIC_ROOT, settings.MEDIA_ROOT = static_root, media_root
    return static_root


TRAVERSALS = [
    "/static/../settings.py",
    "/static/../../settings.py",
    "/static/%2e%2e/settings.py",
    "/static/%2e%2e%2fsettings.py",
    "/static/..%2f..%2fsettings.py",
    "/static/%252e%252e/settings.py",
    "/static/..\\settings.py",
    "/static/%c0%ae%c0%ae/settings.py",
    "/static//../settings.py",
    "/media/../settings.py",
    "/media/../../settings.py",
    "/media/../../etc/passwd",
    "/media/%2e%2e/%2e%2e/etc/passwd",
    "/kk/../static/../settings.py",
    "/kk/%2e%2e/%2e%2e/etc/passwd",
    "/sitemap-..%2f..%2fsettings.xml",
    "/preview/..%2f..%2fsettings.py/",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_address_reaches_a_file_outside_the_static_and_media_roots(roots, path):
    client = Client()  # a new handler: whitenoise reads the static root as it starts

    response = client.get(path)

    assert response.status_code in (301, 302, 400, 404)
    body = b"".join(response) if response.streaming else response.content
    assert SECRET.encode() not in body
    assert b"root:" not in body


def test_the_static_root_is_served_so_the_traversal_test_can_tell(roots):
    response = Client().get("/static/site.css")

    assert response.status_code == 200
    assert b"".join(response) == b"body {}"


def test_a_traversal_to_the_admin_through_a_language_prefix_is_not_the_admin(client, site):
    response = client.get("/kk/../admin/")

    assert response.status_code == 404
    assert b"csrfmiddlewaretoken" not in response.content
