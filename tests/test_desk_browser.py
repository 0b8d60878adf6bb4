"""The desk in a real browser (Debian's Chromium): which language a form opens on.

tests/browser.py keeps a screenshot of each step and fails on any console error.
Sessions are made before the browser starts: Django refuses queries beside
Playwright's running event loop.
"""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser import journey
from tests.desk import make_user, signed_in
from tests.factories import make_article

pytestmark = pytest.mark.slow


@pytest.fixture
def roles():
    """The desk's role groups, which a test with real transactions finds emptied."""
    for migration in ("0003_roles", "0006_roles_for_tags_and_images"):
        granted = importlib.import_module(f"articles.migrations.{migration}").ROLES
        for name, codenames in granted.items():
            group, _created = Group.objects.get_or_create(name=name)
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="articles", codename__in=codenames
                )
            )


def session_of(user) -> str:
    """A session cookie of `user`'s, with the second factor given."""
    return signed_in(Client(), user).cookies["sessionid"].value


def signed_in_page(trip, live_server, session: str, locale: str = "en-US") -> Page:
    page = trip.open(locale=locale)
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
