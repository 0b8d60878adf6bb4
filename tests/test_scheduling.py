"""Each language goes live at its own time, by itself: no job runs and nothing is saved."""

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from articles import workflow
from articles.models import LANGUAGE_CODES, Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
EVERYWHERE = {"home", "latest", "article", "feed"}


def almaty(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, 2, hour, minute, second, tzinfo=ALMATY)


def where_shown(client, article: Article, language: str, text: str | None = None) -> set[str]:
    """The public surfaces of `language` that show the article (found by `text`, its title)."""
    text = text or article.title_in(language)
    assert text, "look for a text the article has"
    shown = {
        surface
        for surface, url in (
            ("home", f"/{language}/"),
            ("latest", f"/{language}/news/"),
            ("feed", f"/{language}/rss/"),
        )
        if text in client.get(url).content.decode()
    }
    page = client.get(f"/{language}/news/{article.pk}/", follow=True)
    if page.status_code == 200 and text in page.content.decode():
        shown.add("article")
    return shown


def test_each_language_appears_by_itself_at_its_own_go_live_time(client):
    with time_machine.travel(almaty(8), tick=False):
        article = make_article(
            published_at=None,
            published_at_kk=almaty(9),
            published_at_ru=almaty(9),
            published_at_en=almaty(11, 30),
        )
    expected = [
        (almaty(8, 59, 59), set(), set(), set()),
        (almaty(9), EVERYWHERE, EVERYWHERE, set()),
        (almaty(11, 29, 59), EVERYWHERE, EVERYWHERE, set()),
        (almaty(11, 30), EVERYWHERE, EVERYWHERE, EVERYWHERE),
    ]
    for moment, kk, ru, en in expected:
        with time_machine.travel(moment, tick=False):
            assert where_shown(client, article, "kk") == kk, moment
            assert where_shown(client, article, "ru") == ru, moment
            assert where_shown(client, article, "en") == en, moment
    unchanged = Article.objects.get(pk=article.pk)
    assert (unchanged.edit_version, unchanged.updated_at) == (
        article.edit_version,
        article.updated_at,
    )


def test_a_language_with_text_but_no_go_live_time_never_appears(client):
    with time_machine.travel(almaty(8), tick=False):
        article = make_article(published_at=almaty(7), published_at_en=None)
    with time_machine.travel(almaty(8) + timedelta(days=365), tick=False):
        assert where_shown(client, article, "en") == set()
        assert where_shown(client, article, "kk") == EVERYWHERE
        assert not Article.objects.published("en").filter(pk=article.pk).exists()


def test_withdrawing_hides_every_language_and_republishing_restores_those_due(client):
    with time_machine.travel(almaty(10), tick=False):
        article = make_article(published_at=almaty(9), published_at_en=almaty(12))
        assert where_shown(client, article, "kk") == EVERYWHERE

        workflow.article_withdraw(article, None, reason="The figures were wrong.")
        for language in LANGUAGE_CODES:
            assert where_shown(client, article, language) == set(), language

        workflow.article_publish(article, None)
        assert where_shown(client, article, "kk") == EVERYWHERE
        assert where_shown(client, article, "ru") == EVERYWHERE
        assert where_shown(client, article, "en") == set()

    with time_machine.travel(almaty(12), tick=False):
        assert where_shown(client, article, "en") == EVERYWHERE


def test_a_go_live_time_without_text_in_that_language_shows_nothing_there(client):
    with time_machine.travel(almaty(10), tick=False):
        article = make_article(languages=["kk"], published_at=almaty(9), published_at_en=almaty(9))
        assert where_shown(client, article, "kk") == EVERYWHERE
        assert where_shown(client, article, "en", text=article.title_kk) == set()
        assert client.get(f"/en/news/{article.pk}/").status_code == 404
        assert list(Article.objects.published("en")) == []


def test_published_without_a_language_means_live_in_at_least_one():
    with time_machine.travel(almaty(10), tick=False):
        live_in_ru_only = make_article(
            published_at=None, published_at_ru=almaty(9), published_at_en=almaty(11)
        )
        live_nowhere = make_article(published_at=almaty(11))
        draft = make_article(published_at=almaty(9), status=Article.Status.DRAFT)

        assert list(Article.objects.published()) == [live_in_ru_only]
        assert {live_nowhere, draft}.isdisjoint(Article.objects.published())


STATUSES = list(Article.Status)
GO_LIVE = {
    "past": almaty(9),
    "now": almaty(10),
    "future": almaty(11),
    "none": None,
}
TEXTS = {
    "title and body": {"title": "Title", "body": "Body"},
    "title only": {"title": "Title", "body": ""},
    "body only": {"title": "", "body": "Body"},
    "none": {"title": "", "body": ""},
}


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_published_in_a_language_agrees_with_is_live_in(language):
    """The queryset and the method are two spellings of one rule: try every combination."""
    other = next(code for code in LANGUAGE_CODES if code != language)
    combinations = list(itertools.product(STATUSES, GO_LIVE, TEXTS))
    with time_machine.travel(almaty(10), tick=False):
        articles = {}
        for status, go_live, text in combinations:
            # Another language is always written, so that every article is a valid one.
            article = make_article(languages=[other])
            Article.objects.filter(pk=article.pk).update(
                status=status,
                **{f"published_at_{language}": GO_LIVE[go_live]},
                **{f"{field}_{language}": value for field, value in TEXTS[text].items()},
            )
            articles[status, go_live, text] = article.pk

        live = set(Article.objects.published(language).values_list("pk", flat=True))
        loaded = Article.objects.in_bulk(articles.values())
        disagreements = [
            combination
            for combination, pk in articles.items()
            if (pk in live) != loaded[pk].is_live_in(language)
        ]
        assert disagreements == []
        assert {combination for combination, pk in articles.items() if pk in live} == {
            (Article.Status.PUBLISHED, "past", "title and body"),
            (Article.Status.PUBLISHED, "now", "title and body"),
        }
