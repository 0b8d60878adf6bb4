"""Whole journeys in a real browser (Debian's Chromium): an editor's and a reader's.

The editor signs in (a password, then an authenticator app's code), uploads a
picture to the media library, writes an article in Kazakh with a Russian
translation and that picture as its cover, previews it and publishes it. The
reader goes from the home page to an article, to its Russian edition, to its
category and to the feed. tests/browser.py saves a screenshot of every step
and fails a journey on any browser console error.
"""

import io
import re

import feedparser
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from articles.editions.slugs import make_slug
from articles.models import Article
from articles.models import Image as Picture
from tests.browser import journey
from tests.factories import make_article, make_category, make_image

pytestmark = pytest.mark.slow

LANGUAGE_NAMES = dict(django_settings.LANGUAGES)
PASSWORD = "journey-password-3141"
AUTHENTICATOR_KEY = "3132333435363738393031323334353637383930"  # the chief editor's app

TITLE_KK = "Астанада жаңа саябақ ашылды"
SLUG_KK = make_slug(TITLE_KK, "kk")
LEAD_KK = "Қала тұрғындары жаңа саябақта демалып жатыр."
PARAGRAPHS_KK = [
    "Бүгін Есіл жағалауында жаңа саябақ ашылды.",
    "Онда мыңнан астам ағаш отырғызылды.",
]
TITLE_RU = "В Астане открылся новый парк"
LEAD_RU = "Жители города уже отдыхают в новом парке."
PARAGRAPHS_RU = [
    "Сегодня на набережной Есиля открылся новый парк.",
    "В нём посадили больше тысячи деревьев.",
]
CAPTION = {"kk": "Есіл жағалауындағы саябақ", "ru": "Парк на набережной Есиля"}
ALT = {"kk": "Жаңа саябақтағы жасыл аллея", "ru": "Зелёная аллея в новом парке"}


def photo(width: int = 960, height: int = 540) -> bytes:
    """A real JPEG, drawn with Pillow: a green gradient with a sun."""
    gradient = Image.linear_gradient("L").resize((width, height))
    picture = Image.merge(
        "RGB", (gradient.point(lambda v: v // 3), gradient, gradient.point(lambda v: v // 2))
    )
    ImageDraw.Draw(picture).ellipse((width - 220, 40, width - 60, 200), fill="gold")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def type_paragraphs(page: Page, field: str, paragraphs: list[str]) -> None:
    """Types into the rich-text editor of `field`, one paragraph per Enter, as an editor does."""
    page.locator(f".field-{field} [contenteditable='true']").click()
    for number, paragraph in enumerate(paragraphs):
        if number:
            page.keyboard.press("Enter")
        page.keyboard.type(paragraph)


def pick_in_autocomplete(page: Page, field: str, typed: str, option: str) -> None:
    page.locator(f".field-{field} .select2-selection").click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=option).click()


def expect_cover(page: Page, alt: str) -> None:
    """The cover is shown, with its alt text, and the browser could load the picture."""
    cover = page.locator(".cover img")
    expect(cover).to_have_attribute("alt", alt)
    expect(cover).to_have_js_property("complete", True)
    assert cover.evaluate("image => image.naturalWidth") > 0


@pytest.mark.django_db(transaction=True)
def test_an_editor_writes_translates_illustrates_previews_and_publishes_an_article(
    live_server, settings, tmp_path, request
):
    # The admin's preview links are absolute, on the site's own address.
    settings.SITE_URL = live_server.url
    make_category(name_kk="Қоғам", name_ru="Общество", name_en="Society")
    chief = get_user_model().objects.create_superuser("chief", "chief@example.com", PASSWORD)
    TOTPDevice.objects.create(user=chief, key=AUTHENTICATOR_KEY, confirmed=True)
    upload = tmp_path / "park.jpg"
    upload.write_bytes(photo())
    with translation.override("kk"):
        preview_notice = gettext("Preview: readers cannot see this page yet.")

    with journey(request.node.name) as trip:
        desk = trip.open(locale="en-US")
        desk.goto(live_server.url + reverse("admin:index"))
        desk.get_by_label("Username").fill("chief")
        desk.get_by_label("Password").fill(PASSWORD)
        trip.step(desk, "sign-in")
        desk.get_by_role("button", name="Log in").click()
        # The second step: the code the chief editor's authenticator app shows.
        desk.get_by_label("Code").fill(f"{totp(bytes.fromhex(AUTHENTICATOR_KEY)):06d}")
        trip.step(desk, "sign-in-code")
        desk.get_by_role("button", name="Sign in").click()
        expect(desk.locator("#user-tools")).to_contain_text("chief")
        trip.step(desk, "desk")

        # The cover goes to the media library first, described in both languages.
        desk.locator(".model-image .addlink").click()
        desk.locator("input[name='file']").set_input_files(upload)
        for code in ("kk", "ru"):
            desk.locator("#modeltranslation-main-switch").select_option(label=code)
            desk.locator(f"#id_alt_{code}").fill(ALT[code])
            desk.locator(f"#id_caption_{code}").fill(CAPTION[code])
        trip.step(desk, "picture-form")
        desk.get_by_role("button", name="Save", exact=True).click()
        expect(desk.locator(".messagelist .success")).to_contain_text(CAPTION["kk"])
        trip.step(desk, "picture-saved")

        # The article in Kazakh, then its Russian translation, with that cover.
        desk.locator("#nav-sidebar .model-article .addlink").click()
        desk.locator("#modeltranslation-main-switch").select_option(label="kk")
        desk.locator("#id_title_kk").fill(TITLE_KK)
        expect(desk.locator("#id_slug_kk")).to_have_value(SLUG_KK)
        desk.locator("#id_lead_kk").fill(LEAD_KK)
        type_paragraphs(desk, "body_kk", PARAGRAPHS_KK)
        desk.locator("#modeltranslation-main-switch").select_option(label="ru")
        desk.locator("#id_title_ru").fill(TITLE_RU)
        desk.locator("#id_lead_ru").fill(LEAD_RU)
        type_paragraphs(desk, "body_ru", PARAGRAPHS_RU)
        pick_in_autocomplete(desk, "cover_image", "Есіл", CAPTION["kk"])
        pick_in_autocomplete(desk, "category", "Soc", "Society")
        trip.step(desk, "article-form")
        desk.get_by_role("button", name="Save and continue editing").click()
        expect(desk.locator(".messagelist .success")).to_contain_text(TITLE_KK)
        languages = desk.locator(".field-translation_status")
        for state in ("kk: not live", "ru: not live", "en: missing"):
            expect(languages).to_contain_text(state)
        trip.step(desk, "article-saved")

        # The preview opens in a tab of its own and says that it is one.
        with desk.context.expect_page() as opened:
            desk.locator(".field-preview_links").get_by_role(
                "link", name=LANGUAGE_NAMES["kk"]
            ).click()
        preview = opened.value
        expect(preview.locator(".preview-banner")).to_contain_text(preview_notice)
        expect(preview.locator("h1")).to_have_text(TITLE_KK)
        expect_cover(preview, ALT["kk"])
        trip.step(preview, "preview")
        preview.close()

        desk.locator("#id_status").select_option(label="Published")
        desk.get_by_role("button", name="Save and continue editing").click()
        expect(desk.locator(".messagelist .success")).to_contain_text(TITLE_KK)
        for state in ("kk: live", "ru: live", "en: missing"):
            expect(languages).to_contain_text(state)
        trip.step(desk, "published")

        # Readers see it: its page with the cover, and the home page.
        desk.get_by_role("link", name="View on site").click()
        expect(desk).to_have_url(
            re.compile(re.escape(f"{live_server.url}/kk/news/") + rf"\d+-{SLUG_KK}/$")
        )
        expect(desk.locator("h1")).to_have_text(TITLE_KK)
        expect(desk.locator(".preview-banner")).to_have_count(0)
        expect_cover(desk, ALT["kk"])
        expect(desk.locator(".cover figcaption")).to_contain_text(CAPTION["kk"])
        trip.step(desk, "public-article")
        desk.locator(".site-header .brand").click()
        expect(desk.get_by_role("link", name=TITLE_KK).first).to_be_visible()
        trip.step(desk, "home")

    article = Article.objects.get()
    assert (article.title_kk, article.lead_kk, article.title_ru, article.lead_ru) == (
        TITLE_KK,
        LEAD_KK,
        TITLE_RU,
        LEAD_RU,
    )
    assert article.body_kk == "".join(f"<p>{text}</p>" for text in PARAGRAPHS_KK)
    assert article.body_ru == "".join(f"<p>{text}</p>" for text in PARAGRAPHS_RU)
    assert article.is_live_in("kk") and article.is_live_in("ru")
    assert not article.has_language("en")
    assert article.category.name_en == "Society"
    assert article.created_by.username == "chief"
    cover = Picture.objects.get()
    assert article.cover_image == cover
    assert (cover.alt_kk, cover.alt_ru, cover.width, cover.height) == (
        ALT["kk"],
        ALT["ru"],
        960,
        540,
    )


@pytest.mark.django_db(transaction=True)
def test_a_reader_goes_from_the_home_page_to_an_article_its_russian_edition_category_and_feed(
    live_server, settings, request
):
    # Feeds link articles on the site's own address.
    settings.SITE_URL = live_server.url
    society = make_category(name_kk="Қоғам", name_ru="Общество", name_en="Society")
    cover = make_image(
        photo(),
        name="park.jpg",
        alt_kk=ALT["kk"],
        alt_ru=ALT["ru"],
        caption_kk=CAPTION["kk"],
        caption_ru=CAPTION["ru"],
    )
    article = make_article(
        languages=("kk", "ru"),
        category=society,
        cover_image=cover,
        title_kk=TITLE_KK,
        lead_kk=LEAD_KK,
        body_kk="".join(f"<p>{text}</p>" for text in PARAGRAPHS_KK),
        title_ru=TITLE_RU,
        lead_ru=LEAD_RU,
        body_ru="".join(f"<p>{text}</p>" for text in PARAGRAPHS_RU),
    )
    elsewhere = make_article(
        languages=("kk", "ru"),
        category=make_category(name_kk="Спорт", name_ru="Спорт", name_en="Sport"),
        title_kk="«Астана» кубокты жеңіп алды",
        title_ru="«Астана» выиграла кубок",
    )
    russian_address = live_server.url + article.get_absolute_url("ru")
    with translation.override("ru"):
        feed_link = gettext("RSS feed")

    with journey(request.node.name) as trip:
        reader = trip.open(locale="kk-KZ")
        # The site's root sends a reader to the edition their browser asks for.
        reader.goto(live_server.url + "/")
        expect(reader).to_have_url(live_server.url + "/kk/")
        expect(reader.get_by_role("link", name=TITLE_KK).first).to_be_visible()
        trip.step(reader, "home")

        reader.get_by_role("link", name=TITLE_KK).first.click()
        expect(reader.locator("h1")).to_have_text(TITLE_KK)
        expect(reader.locator("html")).to_have_attribute("lang", "kk")
        expect_cover(reader, ALT["kk"])
        trip.step(reader, "article")

        reader.locator("nav.languages").get_by_role("link", name=LANGUAGE_NAMES["ru"]).click()
        expect(reader).to_have_url(russian_address)
        expect(reader.locator("h1")).to_have_text(TITLE_RU)
        expect(reader.locator("html")).to_have_attribute("lang", "ru")
        expect(reader.locator(".lead")).to_have_text(LEAD_RU)
        expect_cover(reader, ALT["ru"])
        trip.step(reader, "article-in-russian")

        reader.locator(".article .kicker").get_by_role("link", name="Общество").click()
        expect(reader.locator("h1")).to_have_text("Общество")
        listing = reader.locator("main")
        expect(listing.get_by_role("link", name=TITLE_RU).first).to_be_visible()
        expect(listing.get_by_role("link", name=elsewhere.title_ru)).to_have_count(0)
        trip.step(reader, "category")

        with reader.expect_navigation() as navigation:
            reader.locator(".site-footer").get_by_role("link", name=feed_link).click()
        response = navigation.value
        assert response.ok
        assert response.headers["content-type"].startswith("application/rss+xml")
        feed = feedparser.parse(response.body())
        trip.step(reader, "feed")

    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.language == "ru"
    links = {entry.title: entry.link for entry in feed.entries}
    assert links[TITLE_RU] == russian_address
    assert elsewhere.title_ru in links
