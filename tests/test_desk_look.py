"""The desk's look on a tablet, light and dark (static/articles/desk-theme.css).

Each page an editor works on fits a tablet's width (nothing to scroll
sideways), and the desk's own colours follow the theme: the system's, and the
admin's switch when it says otherwise.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.browser import journey
from tests.desk import make_user
from tests.factories import make_article, make_image
from tests.test_desk_browser import session_of, signed_in_page
from tests.test_images import plain_png

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 820, "height": 1180}  # a tablet held upright
DARK_LIVE_BADGE = "rgb(20, 61, 24)"  # --desk-live-bg in the dark
LIGHT_LIVE_BADGE = "rgb(227, 246, 227)"


def sideways_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def badge_background(page: Page) -> str:
    return page.locator(".desk-badge.live").first.evaluate(
        "badge => getComputedStyle(badge).backgroundColor"
    )


def test_every_desk_page_fits_a_tablet_in_the_dark(live_server, request, roles):
    session = session_of(make_user(superuser=True))
    cover = make_image(plain_png(1600, 900), name="cover.png")
    article = make_article(languages=["kk", "ru"], original_language="kk", cover_image=cover)
    pages = {
        "article-list": reverse("admin:articles_article_changelist"),
        "change-form": reverse("admin:articles_article_change", args=[article.pk]),
        "dashboard": reverse("admin:articles_article_dashboard"),
        "agenda": reverse("admin:articles_article_agenda"),
        "history": reverse("admin:articles_article_history", args=[article.pk]),
        "picture": reverse("admin:articles_image_change", args=[cover.pk]),
        "media-library": reverse("admin:articles_image_changelist"),
    }

    with journey(request.node.name) as trip:
        desk = signed_in_page(trip, live_server, session, viewport=TABLET, color_scheme="dark")
        for name, address in pages.items():
            desk.goto(live_server.url + address)
            trip.step(desk, f"tablet-dark-{name}")
            assert sideways_overflow(desk) <= 0, name
        desk.goto(live_server.url + pages["article-list"])
        assert badge_background(desk) == DARK_LIVE_BADGE


def test_the_admins_theme_switch_wins_over_the_system(live_server, request, roles):
    session = session_of(make_user(superuser=True))
    make_article(languages=["kk"], original_language="kk")
    address = live_server.url + reverse("admin:articles_article_changelist")

    with journey(request.node.name) as trip:
        desk = signed_in_page(trip, live_server, session, color_scheme="light")
        desk.goto(address)
        assert badge_background(desk) == LIGHT_LIVE_BADGE
        # Django's switch keeps the choice in the browser's storage.
        desk.evaluate("localStorage.setItem('theme', 'dark')")
        desk.reload()
        assert desk.evaluate("document.documentElement.dataset.theme") == "dark"
        assert badge_background(desk) == DARK_LIVE_BADGE
        trip.step(desk, "switched-to-dark")
