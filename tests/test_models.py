from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from articles.models import Article, Category
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db


def test_published_article_whose_time_has_come_is_public():
    article = make_article()
    assert list(Article.objects.published()) == [article]


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.WITHDRAWN},
        {"published_at": timedelta(minutes=1)},  # from now, when the test runs
    ],
    ids=["draft", "withdrawn", "scheduled"],
)
def test_drafts_withdrawn_and_scheduled_articles_are_never_published(overrides):
    if "published_at" in overrides:
        overrides = {"published_at": timezone.now() + overrides["published_at"]}
    make_article(**overrides)
    assert not Article.objects.published().exists()


def test_scheduled_article_appears_by_itself_when_its_time_comes():
    article = make_article(published_at=timezone.now() + timedelta(seconds=1))
    assert not Article.objects.published().exists()
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now())
    assert list(Article.objects.published()) == [article]


def test_publishing_without_a_time_publishes_now():
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    article.status = Article.Status.PUBLISHED
    article.save()
    assert article.published_at is not None
    assert article.published_at <= timezone.now()


def test_an_article_is_in_a_language_only_with_title_and_body_there():
    both = make_article(languages=["kk", "ru"])
    make_article(languages=["kk"], title_en="Title without a body")
    make_article(languages=["kk"], body_en="A body without a title")
    assert list(Article.objects.in_language("ru")) == [both]
    assert not Article.objects.in_language("en").exists()
    assert Article.objects.in_language("kk").count() == 3


def test_public_lists_newest_first_in_the_active_language():
    older = make_article(published_at=timezone.now() - timedelta(days=2))
    newer = make_article(published_at=timezone.now() - timedelta(days=1))
    make_article(languages=["ru"])
    assert list(Article.objects.public("en")) == [newer, older]


def test_each_language_gets_its_own_ascii_slug_from_its_title():
    article = make_article(
        languages=[],
        title_ru="Бюджет на 2027 год",
        body_ru="Текст.",
        title_en="Budget for 2027",
        body_en="Text.",
    )
    assert article.slug_ru == "biudzhet-na-2027-god"
    assert article.slug_en == "budget-for-2027"
    assert article.slug_kk in (None, "")


def test_an_automatic_slug_follows_an_edited_title():
    article = make_article()
    article.title_en = "A new title"
    article.save()
    assert article.slug_en == "a-new-title"


def test_a_slug_written_by_hand_stays_when_the_title_changes():
    article = make_article(slug_en="budget-2027")
    article.title_en = "A new title"
    article.save()
    assert article.slug_en == "budget-2027"


def test_category_slugs_are_made_unique_per_language():
    first = make_category(name_kk="Экономика", name_ru="Экономика", name_en="Economy")
    second = make_category(name_kk="Экономика", name_ru="Экономика", name_en="Economy")
    assert first.slug_en == "economy"
    assert second.slug_en == "economy-2"
    assert second.slug_ru == "ekonomika-2"


def test_the_database_refuses_a_duplicate_slug_in_one_language():
    first = make_category()
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(name_kk="x", name_ru="x", name_en="x", slug_en=first.slug_en)


def test_an_article_needs_a_title_in_some_language():
    article = Article(status=Article.Status.DRAFT)
    with pytest.raises(ValidationError):
        article.clean()


def test_a_published_article_needs_title_and_body_in_some_language():
    article = Article(title_kk="Тек тақырып", status=Article.Status.PUBLISHED)
    with pytest.raises(ValidationError):
        article.clean()


def test_summary_falls_back_to_the_first_paragraph_of_the_body():
    article = make_article(lead_en="", body_en="First  paragraph\nwrapped.\n\nSecond.")
    with translation.override("en"):
        assert article.summary == "First paragraph wrapped."


def test_str_shows_a_title_even_when_the_active_language_lacks_one():
    article = make_article(languages=["ru"])
    with translation.override("en"):
        assert str(article) == article.title_ru


def test_white_space_is_no_text_so_lists_and_pages_agree():
    article = make_article(languages=["kk"])
    article.title_en, article.body_en = "  ", " \n"
    article.published_at_en = timezone.now() - timedelta(hours=1)
    article.save()
    assert not Article.objects.published("en").exists()
    assert not article.is_live_in("en")


@pytest.mark.django_db
def test_text_counts_as_filled_by_its_stored_size_long_or_short():
    long_body = "<p>" + "Жаңалық. " * 20_000 + "</p>"  # stored out of line by PostgreSQL
    long = make_article(body_en=long_body)
    empty = make_article(body_en="")
    assert set(Article.objects.filter(body_en__filled=True)) >= {long}
    assert empty not in Article.objects.filter(body_en__filled=True)
    assert empty in Article.objects.filter(body_en__filled=False)
    assert long in Article.objects.public("en") and empty not in Article.objects.public("en")
