"""Every public page type, in every edition, at a phone's width and a desktop's, in Chromium.

Nothing is wider than the screen, and no page complains in the console. Each
page's screenshot is kept in test-results/journeys/ (CI keeps them): the
reader site as readers see it, for a reviewer to look through.
"""

import pytest

from articles.public.preview import preview_path
from tests.browser import journey
from tests.test_reader_layout import DESKTOP, PHONE, wider_than_the_screen
from tests.test_validation import build_site

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_every_page_type_in_every_edition_fits_a_phone_and_a_desktop(
    live_server, request, tiny_png
):
    from articles.models import Article

    pages = build_site(tiny_png)
    article = Article.objects.filter(featured=True).first()
    pages |= {f"{code} preview": preview_path(article, code) for code in ("kk", "ru", "en")}

    with journey(request.node.name) as trip:
        too_wide = []
        for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page = trip.open("en-US", viewport=viewport)
            for name, path in pages.items():
                page.goto(live_server.url + path)
                trip.step(page, f"{width}-{name.replace(' ', '-')}")
                if wider_than_the_screen(page):
                    too_wide.append(f"{name} at {width} width")
        assert too_wide == []
