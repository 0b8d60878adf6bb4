"""Signed preview links show any article, in any state, as readers would see it."""

import json
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from articles.models import Article
from articles.public.preview import (
    SALT,
    InvalidPreviewToken,
    make_preview_token,
    preview_url,
    read_preview_token,
)
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db

A_DAY = timedelta(days=1)
UNPUBLISHED = {
    "draft": {"status": Article.Status.DRAFT, "published_at": None},
    "in review": {"status": Article.Status.REVIEW, "published_at": None},
    "withdrawn": {"status": Article.Status.WITHDRAWN, "withdrawal_reason": "Wrong figures."},
    "scheduled": {"status": Article.Status.PUBLISHED, "published_at": "tomorrow"},
}


def unpublished_article(state: str, languages=("kk", "ru")) -> Article:
    overrides = dict(UNPUBLISHED[state])
    if overrides.get("published_at") == "tomorrow":
        overrides["published_at"] = timezone.now() + A_DAY
    return make_article(languages=languages, **overrides)


def preview_path(article: Article, language: str) -> str:
    return path_of(preview_url(article, language))


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def html(response) -> str:
    return response.content.decode()


def status_in(article: Article, language: str) -> str:
    with translation.override(language):
        return str(article.get_status_display())


@pytest.mark.parametrize("state", UNPUBLISHED)
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_an_unpublished_article_previews_in_each_of_its_languages(client, state, language):
    article = unpublished_article(state)
    response = client.get(preview_path(article, language))
    assert response.status_code == 200
    page = html(response)
    assert f'<html lang="{language}"' in page
    assert f"<h1>{article.title_in(language)}</h1>" in page
    assert f"Second paragraph. [{language}]" in page
    assert 'class="preview-banner"' in page
    with translation.override(language):
        assert gettext("Preview: readers cannot see this page yet.") in page
    assert status_in(article, language) in page


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_previewing_leaks_nothing_to_the_public_pages(client, state):
    article = unpublished_article(state)
    assert client.get(preview_path(article, "kk")).status_code == 200
    assert client.get(article.get_absolute_url("kk")).status_code == 404
    assert article.title_kk not in html(client.get("/kk/"))


def test_a_scheduled_article_says_when_it_goes_live(client):
    goes_live = timezone.now() + A_DAY
    article = make_article(languages=["en"], published_at=goes_live)
    page = html(client.get(preview_path(article, "en")))
    with translation.override("en"):
        when = date_format(timezone.localtime(goes_live), "DATETIME_FORMAT")
    assert f"Status: Published, goes live at {when}." in page


def test_a_live_article_previews_as_a_page_readers_can_see(client):
    article = make_article(languages=["en"])
    page = html(client.get(preview_path(article, "en")))
    assert "Preview: readers can see this page." in page
    assert "Status: Published." in page


def test_a_preview_is_never_indexed_nor_cached(client):
    article = unpublished_article("draft")
    response = client.get(preview_path(article, "kk"))
    assert '<meta name="robots" content="noindex, nofollow">' in html(response)
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]


def test_public_pages_carry_no_preview_marks(client):
    article = make_article()
    response = client.get(article.get_absolute_url("kk"))
    page = html(response)
    assert "preview-banner" not in page
    assert 'content="noindex' not in page
    assert "X-Robots-Tag" not in response.headers


def test_the_preview_url_is_absolute_on_the_site_address(settings):
    settings.SITE_URL = "https://news.example.kz"
    article = unpublished_article("draft")
    assert preview_url(article, "kk").startswith("https://news.example.kz/preview/")


def test_a_token_is_bound_to_its_language(client):
    article = unpublished_article("draft", languages=["ru", "en"])
    token = make_preview_token(article, "en")
    assert read_preview_token(token) == (article.pk, "en")
    page = html(client.get(preview_path(article, "en")))
    assert article.title_en in page
    assert article.title_ru not in page


def test_swapping_the_language_inside_a_token_is_refused(client):
    article = unpublished_article("draft", languages=["ru", "en"])
    payload, stamp, signature = make_preview_token(article, "en").split(":")
    pk, _language, issued = json.loads(signing.b64_decode(payload.encode()))
    swapped = signing.b64_encode(json.dumps([pk, "ru", issued]).encode()).decode()
    assert client.get(f"/preview/{swapped}:{stamp}:{signature}/").status_code == 404


def test_a_language_without_text_is_404(client):
    article = unpublished_article("draft", languages=["en"])
    assert client.get(preview_path(article, "ru")).status_code == 404


def test_a_deleted_article_is_404(client):
    article = unpublished_article("draft")
    path = preview_path(article, "kk")
    article.delete()
    assert client.get(path).status_code == 404


def test_the_language_switcher_links_to_previews_where_there_is_text(client):
    article = unpublished_article("draft", languages=["kk", "en"])
    page = html(client.get(preview_path(article, "kk")))
    links = dict(re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', page))
    assert sorted(links.values()) == ["en"]
    (english,) = links
    assert english.startswith("/preview/")
    assert article.title_en in html(client.get(english))


@pytest.mark.parametrize("position", [0, 10, -1])
def test_a_token_with_one_character_changed_is_404(client, position):
    article = unpublished_article("draft")
    token = make_preview_token(article, "kk")
    changed = "A" if token[position] != "A" else "B"
    tampered = token[:position] + changed + token[position:][1:]
    assert tampered != token
    assert client.get(f"/preview/{tampered}/").status_code == 404


@pytest.mark.parametrize("salt", ["another.salt", "django.core.signing"])
def test_a_token_signed_with_another_salt_is_404(client, salt):
    article = unpublished_article("draft")
    token = signing.dumps([article.pk, "kk", int(time.time())], salt=salt)
    assert client.get(f"/preview/{token}/").status_code == 404


@pytest.mark.parametrize(
    "payload",
    [
        lambda pk, now: {"pk": pk, "language": "kk", "issued": now},
        lambda pk, now: [pk, "kk"],
        lambda pk, now: [str(pk), "kk", now],
        lambda pk, now: [pk, "de", now],
        lambda pk, now: "junk",
    ],
    ids=["dict", "no time", "text pk", "unknown language", "text"],
)
def test_a_well_signed_token_holding_junk_is_404(client, payload):
    article = unpublished_article("draft")
    token = signing.dumps(payload(article.pk, int(time.time())), salt=SALT)
    assert client.get(f"/preview/{token}/").status_code == 404
    with pytest.raises(InvalidPreviewToken):
        read_preview_token(token)


@pytest.mark.parametrize(
    "token", ["not-a-token", "%00", "a:b:c", "..", "%D0%B6:%D0%B6:%D0%B6", "x" * 2000]
)
def test_junk_tokens_are_404_never_a_server_error(client, token):
    assert client.get(f"/preview/{token}/").status_code == 404


def test_an_expired_link_is_404(client, settings):
    settings.PREVIEW_MAX_AGE = 60
    article = unpublished_article("draft")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        path = preview_path(article, "kk")
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert client.get(path).status_code == 404
        with pytest.raises(InvalidPreviewToken, match="expired"):
            read_preview_token(path.split("/")[2])


def test_a_link_lasts_a_week_without_the_setting(client, settings):
    del settings.PREVIEW_MAX_AGE
    article = unpublished_article("draft")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        path = preview_path(article, "kk")
    with time_machine.travel(start + timedelta(days=7, seconds=-1), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(start + timedelta(days=7, seconds=1), tick=False):
        assert client.get(path).status_code == 404


def test_following_the_language_switcher_does_not_extend_the_link(client, settings):
    settings.PREVIEW_MAX_AGE = 60
    article = unpublished_article("draft", languages=["kk", "en"])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        path = preview_path(article, "kk")
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        page = html(client.get(path))
        (english,) = re.findall(r'<a href="(/preview/[^"]+)" hreflang="en"', page)
        assert client.get(english).status_code == 200
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert client.get(english).status_code == 404


def test_the_preview_speaks_the_tokens_language_whatever_the_browser_asks(client):
    make_article()
    november = datetime(2025, 11, 25, 9, 30, tzinfo=UTC)
    article = make_article(status=Article.Status.REVIEW, published_at=november)
    russian = html(client.get(preview_path(article, "ru"), HTTP_ACCEPT_LANGUAGE="en"))
    kazakh = html(client.get(preview_path(article, "kk"), HTTP_ACCEPT_LANGUAGE="en"))
    assert "25 ноября 2025, 14:30" in russian
    assert "Последние новости" in russian
    assert 'class="brand" href="/ru/"' in russian
    assert "25 қараша 2025 ж., 14:30" in kazakh
    assert "Соңғы жаңалықтар" in kazakh
    assert 'class="brand" href="/kk/"' in kazakh


def test_a_preview_answers_get_only(client):
    article = unpublished_article("draft")
    assert client.post(preview_path(article, "kk")).status_code == 405


def test_a_preview_costs_the_same_queries_however_many_bylines(client):
    published = make_article()
    one, three = (
        make_article(status=Article.Status.DRAFT, authors=[make_author() for _ in range(count)])
        for count in (1, 3)
    )
    # Fill what every page shares: beside the newest articles, and beside the others.
    client.get(preview_path(published, "kk"))
    client.get(preview_path(make_article(status=Article.Status.DRAFT), "kk"))
    counts = []
    for article in (one, three):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(preview_path(article, "kk")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
