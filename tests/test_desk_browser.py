"""The desk in a real browser (Debian's Chromium): which language a form opens on.

tests/browser.py keeps a screenshot of each step and fails on any console error.
Sessions are made before the browser starts: Django refuses queries beside
Playwright's running event loop.
"""

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from articles.models import Article
from tests.browser import journey
from tests.desk import make_user, signed_in
from tests.factories import make_article
from tests.test_side_by_side import stale_in_russian

pytestmark = pytest.mark.slow


def session_of(user) -> str:
    """A session cookie of `user`'s, with the second factor given."""
    return signed_in(Client(), user).cookies["sessionid"].value


def signed_in_page(trip, live_server, session: str, locale: str = "en-US", **options) -> Page:
    page = trip.open(locale=locale, **options)
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return page


def expect_open_on(page: Page, field: str, code: str, others=("kk", "ru", "en")) -> None:
    expect(page.locator(f"#id_{field}_{code}")).to_be_visible()
    for other in others:
        if other != code:
            expect(page.locator(f"#id_{field}_{other}")).to_be_hidden()


@pytest.mark.django_db(transaction=True)
def test_a_kazakh_story_opens_on_kazakh_for_an_english_browser_and_keeps_the_chosen_tab(
    live_server, request, roles
):
    session = session_of(make_user("Editors"))
    article = make_article(languages=["kk", "ru"], original_language="kk")
    change = live_server.url + reverse("admin:articles_article_change", args=[article.pk])
    add = live_server.url + reverse("admin:articles_article_add")

    with journey(request.node.name) as trip:
        desk = signed_in_page(trip, live_server, session)
        desk.goto(change)
        expect_open_on(desk, "title", "kk")
        # The go-live times are not under the tabs: every language's shows, side by side,
        # its two parts labelled each for itself.
        for code in ("kk", "ru", "en"):
            expect(desk.locator(f"#id_published_at_{code}_0")).to_be_visible()
        expect(desk.locator("label[for=id_published_at_ru_0]")).to_have_text("Date:")
        expect(desk.locator("label[for=id_published_at_ru_1]")).to_have_text("Time:")
        trip.step(desk, "opens-on-kazakh")

        desk.locator("#modeltranslation-main-switch").select_option(label="ru")
        desk.locator("#id_title_ru").fill("Новый заголовок")
        desk.get_by_role("button", name="Save and continue editing").click()
        expect(desk.locator(".messagelist .success")).to_be_visible()
        expect_open_on(desk, "title", "ru")  # back on the tab the editor was on
        trip.step(desk, "saved-stays-on-russian")

        desk.goto(add)
        expect_open_on(desk, "title", "ru")  # a new story: the editor's last choice
        trip.step(desk, "new-story-on-russian")

    article.refresh_from_db()
    assert article.title_ru == "Новый заголовок"


@pytest.mark.django_db(transaction=True)
def test_a_translator_opens_a_story_on_the_language_they_translate_into(
    live_server, request, roles
):
    session = session_of(make_user("Translators", languages=["kk", "en"]))
    article = make_article(languages=["ru"], original_language="ru")

    with journey(request.node.name) as trip:
        desk = signed_in_page(trip, live_server, session, locale="en-US")
        desk.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
        # Their first language to do, not the browser's.
        expect(desk.locator("#id_title_kk")).to_be_visible()
        expect(desk.locator("#id_title_en")).to_be_hidden()
        trip.step(desk, "translator-on-kazakh")


@pytest.mark.django_db(transaction=True)
def test_unsaved_words_survive_a_closed_tab_and_ctrl_s_saves_them(live_server, request, roles):
    editor = make_user("Editors")
    session = session_of(editor)
    article = make_article(languages=["kk"], original_language="kk", title_kk="Ескі тақырып")
    change = live_server.url + reverse("admin:articles_article_change", args=[article.pk])
    typed = "Жаңа тақырып, әлі сақталмаған"

    with journey(request.node.name) as trip:
        desk = signed_in_page(trip, live_server, session)
        desk.goto(change)
        expect_open_on(desk, "title", "kk")
        with desk.expect_response(
            lambda response: "autosave" in response.url and response.request.method == "POST"
        ) as kept:
            desk.locator("#id_title_kk").fill(typed)
        assert kept.value.ok
        trip.step(desk, "typed-and-kept")

        # Leaving with words not saved asks first.
        asked = []
        desk.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
        desk.close(run_before_unload=True)
        desk.wait_for_event("close")
        assert asked == ["beforeunload"]

        again = signed_in_page(trip, live_server, session)
        again.goto(change)
        banner = again.locator(".desk-unsaved")
        expect(banner).to_contain_text("unsaved changes")
        expect(again.locator("#id_title_kk")).to_have_value("Ескі тақырып")  # not until asked
        trip.step(again, "offered-back")
        banner.get_by_role("button", name="Restore them").click()
        expect(again.locator("#id_title_kk")).to_have_value(typed)
        again.keyboard.press("Control+s")
        expect(again.locator(".messagelist .success")).to_be_visible()
        expect(again.locator(".desk-unsaved")).to_have_count(0)
        trip.step(again, "saved-with-ctrl-s")

    article.refresh_from_db()
    assert article.title_kk == typed
    assert not editor.autosaved_forms.exists()


@pytest.mark.django_db(transaction=True)
def test_a_translator_works_beside_the_original_sees_what_changed_and_marks_it_current(
    live_server, request, roles
):
    session = session_of(make_user("Translators", languages=["ru"]))
    article = stale_in_russian()
    change = live_server.url + reverse("admin:articles_article_change", args=[article.pk])

    with journey(request.node.name) as trip:
        desk = signed_in_page(trip, live_server, session)
        desk.goto(change)
        source = desk.locator('.desk-source[data-language="ru"]')
        expect(source).to_be_visible()
        expect(source).to_contain_text("Астанада көпір ашылды")
        expect(source.locator("ins")).to_have_text("таңертең")
        expect(desk.locator(".desk-count").last).to_contain_text("min to read")
        trip.step(desk, "beside-the-original")
        source.get_by_label("up to date").check()
        desk.get_by_role("button", name="Save and continue editing").click()
        expect(desk.locator(".messagelist .success")).to_be_visible()
        expect(desk.locator('.desk-source[data-language="ru"] ins')).to_have_count(0)
        trip.step(desk, "marked-current")

    assert not Article.objects.get(pk=article.pk).is_stale("ru")


@pytest.mark.django_db(transaction=True)
def test_an_editor_publishes_one_language_from_the_header_and_finds_its_live_page(
    live_server, request, roles
):
    session = session_of(make_user("Editors"))
    article = make_article(
        languages=["kk", "ru"],
        original_language="kk",
        status=Article.Status.DRAFT,
        published_at=None,
        title_ru="Мост открыт",
    )
    change = live_server.url + reverse("admin:articles_article_change", args=[article.pk])

    with journey(request.node.name) as trip:
        desk = signed_in_page(trip, live_server, session)
        desk.goto(change)
        trip.step(desk, "story-header")
        desk.locator('[data-go-live="now:ru"]').click()
        live = desk.locator(".messagelist").get_by_role("link", name="Русский")
        expect(live).to_be_visible()
        with desk.context.expect_page() as opened:
            live.click()
        reader = opened.value
        expect(reader.locator("h1")).to_have_text("Мост открыт")
        trip.step(reader, "live-page")
