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


def test_the_front_page_sets_the_lead_beside_the_latest_news_and_its_blocks_level(
    live_server, request, tiny_png
):
    section = make_category(name_en="Economy")
    for number in range(7):  # the lead, two secondary stories and four picks
        cover = make_image(tiny_png) if number % 2 == 0 else None
        make_article(featured=True, category=section, cover_image=cover)
    for _ in range(14):  # the latest news show ten; the section's block the others
        make_article(category=section)

    with journey(request.node.name) as trip:
        wide = trip.open("en-US", viewport=DESKTOP)
        wide.goto(live_server.url + "/en/")
        trip.step(wide, "desktop")
        lead, latest = box(wide, ".top-stories"), box(wide, ".latest-column")
        assert latest["x"] >= lead["x"] + lead["width"]  # beside the lead
        assert abs(latest["y"] - lead["y"]) < 5
        # Picks with and without a picture: their headlines stand level.
        titles = [title.bounding_box()["y"] for title in wide.locator(".picks .card-title").all()]
        assert len(titles) == 4 and max(titles) - min(titles) < 1
        assert wide.locator(".section-block h2").first.text_content().strip() == "Economy"
        assert wide.locator(".section-block .card").count() == 4  # those not shown above
        assert not wider_than_the_screen(wide)

        phone = trip.open("en-US", viewport=PHONE)
        phone.goto(live_server.url + "/en/")
        trip.step(phone, "phone")
        lead, latest = box(phone, ".top-stories"), box(phone, ".latest-column")
        assert latest["y"] >= lead["y"] + lead["height"]  # below it
        assert not wider_than_the_screen(phone)


def test_the_menu_opens_without_javascript_on_a_phone_and_is_open_on_wide_screens(
    live_server, request
):
    make_category(name_en="Economy")

    with journey(request.node.name) as trip:
        phone = trip.open("en-US", viewport=PHONE, javascript=False)
        phone.goto(live_server.url + "/en/")
        sections = phone.get_by_role("link", name="Economy")
        assert not sections.is_visible()
        header = box(phone, ".site-header")
        assert header["height"] < 80  # the news starts near the top
        phone.get_by_text("Menu").click()
        trip.step(phone, "menu-open")
        assert sections.is_visible()
        assert phone.get_by_role("searchbox").is_visible()
        assert not wider_than_the_screen(phone)

        wide = trip.open("en-US", viewport=DESKTOP, javascript=False)
        wide.goto(live_server.url + "/en/")
        assert wide.get_by_role("link", name="Economy").is_visible()
        assert not wide.get_by_text("Menu").is_visible()


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

        wide = trip.open("en-US", viewport=DESKTOP)
        wide.goto(live_server.url + "/en/news/")
        trip.step(wide, "latest-news-desktop")
        for card in wide.locator(".card.has-cover").all():
            picture, title = card.locator("img").bounding_box(), card.locator(".card-title")
            title = title.bounding_box()
            assert picture["x"] + picture["width"] < title["x"]  # at the row's start
            assert picture["width"] < 300


def test_nothing_moves_as_an_article_page_loads_on_a_phone(live_server, request, tiny_png):
    """Cumulative layout shift 0: pictures carry their size, the font never reflows the text."""
    cover = make_image(tiny_png)
    article = make_article(cover_image=cover, body_en="<p>" + "Words of the story. " * 200 + "</p>")
    for _ in range(4):
        make_article(cover_image=make_image(tiny_png))

    with journey(request.node.name) as trip:
        for address in (article.get_absolute_url("en"), "/en/"):
            page = trip.open("en-US", viewport=PHONE)
            page.goto(live_server.url + address)
            page.wait_for_load_state("networkidle")
            shift = page.evaluate(
                """() => new Promise(resolve => {
                    let total = 0;
                    new PerformanceObserver(list => {
                        for (const entry of list.getEntries()) total += entry.value;
                    }).observe({type: "layout-shift", buffered: true});
                    setTimeout(() => resolve(total), 500);
                })"""
            )
            assert shift == 0, address


def test_a_gallery_sets_its_pictures_side_by_side_and_fits_a_phone(live_server, request, tiny_png):
    pictures = [make_image(tiny_png, name=f"g{number}.png") for number in range(3)]
    figures = "".join(
        f'<figure><img src="{picture.file.url}" alt="View {number}">'
        f"<figcaption>View {number}</figcaption></figure>"
        for number, picture in enumerate(pictures)
    )
    article = make_article(body_en=f"<p>The square today:</p>{figures}")

    with journey(request.node.name) as trip:
        wide = trip.open("en-US", viewport=DESKTOP)
        wide.goto(live_server.url + article.get_absolute_url("en"))
        trip.step(wide, "desktop")
        tops = [figure.bounding_box()["y"] for figure in wide.locator(".gallery figure").all()]
        assert len(tops) == 3 and max(tops) - min(tops) < 1  # one row

        phone = trip.open("en-US", viewport=PHONE)
        phone.goto(live_server.url + article.get_absolute_url("en"))
        trip.step(phone, "phone")
        assert not wider_than_the_screen(phone)


def test_on_paper_a_story_is_printed_without_menus_sidebars_or_buttons(live_server, request):
    others = [make_article() for _ in range(3)]
    article = make_article(
        body_en='<p>Read <a href="https://example.org/report">the report</a>.</p>'
    )
    assert others

    with journey(request.node.name) as trip:
        page = trip.open("en-US", viewport=DESKTOP)
        page.goto(live_server.url + article.get_absolute_url("en"))
        page.emulate_media(media="print")
        trip.step(page, "print")
        assert page.locator("article.article h1").is_visible()
        for hidden in (".menu", ".article-side", ".share", ".site-footer nav"):
            assert not page.locator(hidden).first.is_visible(), hidden
        written_out = page.evaluate(
            "getComputedStyle(document.querySelector('.body a'), '::after').content"
        )
        assert "https://example.org/report" in written_out
