"""An article page is its edition's frame, rendered once, with the article's pieces put in.

The frame must give exactly the text the template renders around the same
pieces, whatever the article holds, and be made again when the content
changes; a template that no longer prints a piece where the frame can find
it must fail loudly, never serve a page without it.
"""

from functools import partial

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import escape

from articles import article_frame, article_pages, popularity
from articles.languages import EDITIONS
from tests.factories import make_article, make_author, make_category, make_tag

pytestmark = pytest.mark.django_db


def rendered_by_template(article, language: str) -> tuple[article_pages.ArticlePage, str]:
    """The article's parts, and the page the template renders around them with no frame."""
    with translation.override(language):
        page = article_pages.live_page(article.pk, language)
        if language not in page.urls:
            return page, ""
        context = {
            "page": page,
            "related_section": article_pages.related_section(page, language),
            "latest_block": article_pages.latest_block(
                article_pages.latest_headlines(language), article.pk
            ),
            "most_read": partial(popularity.most_read, language, days=1),
        }
        request = RequestFactory().get(page.urls[language])
        return page, render_to_string(article_pages.TEMPLATE, context, request)


@pytest.fixture
def articles():
    """Articles with all the pieces a page can have, and one with few."""
    category, tag = make_category(), make_tag()
    author = make_author(name_en='Ann "Scoop" <O\'Hara> & Co')
    marked_up = make_article(
        authors=[author],
        category=category,
        title_en='<b>Budget</b> & "plans" for 2027',
        title_ru="Бюджет <2027> & «планы»",
        title_kk="Бюджет & жоспар",
        lead_en="A lead with <tags> & ampersands.",
    )
    marked_up.tags.set([tag])
    related = make_article(category=category)
    related.tags.set([tag])
    only_english = make_article(languages=["en"])
    # Enough newer articles that the first ones are not among the latest headlines.
    newest = [make_article() for _ in range(article_pages.LATEST_BESIDE_ARTICLE + 2)]
    return [marked_up, related, only_english, newest[-1]]


@pytest.mark.parametrize("language", EDITIONS)
def test_a_page_is_what_the_template_renders_around_its_pieces(client, articles, language):
    shown = 0
    for article in articles:
        page, expected = rendered_by_template(article, language)
        if language not in page.urls:  # not written in this language
            continue
        response = client.get(page.urls[language])
        assert response.status_code == 200
        assert response.content.decode() == expected
        assert f"<title>{escape(page.title)} | " in expected  # escaped once, as text
        shown += 1
    assert shown >= 3


def test_the_frame_is_made_once_per_edition_and_again_after_a_change(client, monkeypatch):
    made = []
    make = article_frame.made

    def counted(request, language):
        made.append(language)
        return make(request, language)

    monkeypatch.setattr(article_frame, "made", counted)
    first, second = make_article(), make_article()
    for article in (first, second, first):
        assert client.get(article.get_absolute_url("en")).status_code == 200
    assert client.get(first.get_absolute_url("ru")).status_code == 200
    assert made == ["en", "ru"]

    make_category(name_en="Freshly named section")
    page = client.get(second.get_absolute_url("en")).content.decode()
    assert made == ["en", "ru", "en"]
    assert "Freshly named section" in page  # the navigation, in the frame


def test_a_template_that_hides_a_piece_fails_loudly(client, monkeypatch):
    article = make_article()
    monkeypatch.setattr(article_frame, "PIECES", (*article_frame.PIECES, "byline_photo"))
    with pytest.raises(article_frame.FrameError, match="byline_photo"):
        client.get(article.get_absolute_url("en"))


def test_text_in_the_frame_that_looks_like_a_marker_stays_text(client):
    # The navigation is in the frame; a marker holds a random nonce made with each frame.
    make_category(name_en="\ue000title\ue000 and \ue000main\ue000")
    article = make_article(title_en="Harvest report")
    page = client.get(article.get_absolute_url("en")).content.decode()
    assert "\ue000title\ue000 and \ue000main\ue000" in page
    assert "<title>Harvest report | " in page
    assert "Body of article" in page
