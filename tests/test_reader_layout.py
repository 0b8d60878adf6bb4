"""What a reader's eye sees of a page's layout, in a real browser at phone and desktop widths.

Boxes measured in Chromium: where the latest news stands beside an article,
and that nothing is wider than the screen.
"""

import pytest

from tests.browser import journey
from tests.factories import make_article, make_category, make_image

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found


def wider_than_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_the_latest_news_stand_beside_an_article_on_wide_screens_and_below_it_on_phones(
    live_server, request
):
    category = make_category()
    others = [make_article(category=category) for _ in range(6)]
    article = make_article(category=category, body_en="<p>" + "Words of the story. " * 150 + "</p>")
    address = live_server.url + article.get_absolute_url("en")
    assert others  # related articles and the latest news both come from them

    with journey(request.node.name) as trip:
        wide = trip.open("en-US", viewport=DESKTOP)
        wide.goto(address)
        trip.step(wide, "desktop")
        story, latest = box(wide, "article.article"), box(wide, ".latest-block")
        assert latest["x"] >= story["x"] + story["width"]  # to its right
        assert latest["y"] < story["y"] + 200  # from the top, not after the related stories
        assert not wider_than_the_screen(wide)

        phone = trip.open("en-US", viewport=PHONE)
        phone.goto(address)
        trip.step(phone, "phone")
        main, latest = box(phone, ".article-main"), box(phone, ".latest-block")
        assert latest["y"] >= main["y"] + main["height"]  # below the story and its related
        assert not wider_than_the_screen(phone)


def test_a_list_in_a_body_reads_as_a_list_not_as_paragraphs(live_server, request):
    items = "".join(f"<li><p>Point number {number}</p></li>" for number in range(3))
    article = make_article(body_en=f"<p>The plan:</p><ul>{items}</ul><p>After it.</p>")

    with journey(request.node.name) as trip:
        page = trip.open("en-US", viewport=PHONE)
        page.goto(live_server.url + article.get_absolute_url("en"))
        trip.step(page, "list")
        first, second = (page.locator(".body li").nth(n).bounding_box() for n in (0, 1))
        line = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.body li')).lineHeight)"
        )
        assert second["y"] - (first["y"] + first["height"]) < line / 2


@pytest.mark.parametrize("width", [800, 1280])  # two columns, three
def test_the_top_stories_leave_no_empty_cell(live_server, request, width):
    for _ in range(5):
        make_article(featured=True)

    with journey(request.node.name) as trip:
        page = trip.open("en-US", viewport={"width": width, "height": 900})
        page.goto(live_server.url + "/en/")
        trip.step(page, f"home-{width}")
        grid = box(page, ".featured .article-list")
        last = page.locator(".featured .article-list > li").last.bounding_box()
        # The last story ends the last row: it reaches the grid's far edge.
        assert abs((last["x"] + last["width"]) - (grid["x"] + grid["width"])) < 1
        assert page.locator(".featured .article-list > li").count() == 5


def test_on_a_phone_a_storys_picture_is_a_small_thumbnail_beside_its_headline(
    live_server, request, tiny_png
):
    for _ in range(3):
        make_article(cover_image=make_image(tiny_png))

    with journey(request.node.name) as trip:
        page = trip.open("en-US", viewport=PHONE)
        page.goto(live_server.url + "/en/news/")
        trip.step(page, "latest-news")
        for card in page.locator(".card.has-cover").all():
            whole, picture = card.bounding_box(), card.locator("img").bounding_box()
            title = card.locator(".card-title").bounding_box()
            assert picture["width"] < whole["width"] * 0.3
            assert picture["x"] > title["x"] + title["width"] - 1  # beside, not above
            assert whole["height"] < 200
        assert not wider_than_the_screen(page)
