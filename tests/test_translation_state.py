"""Each written language's translation state, derived on save and read by the desk.

The desk's "needs translation" filter and its backlogs filter on the derived
column (an index) instead of comparing change times over the whole table; it
must say what the times say, on every path that writes an article.
"""

from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.utils import timezone

from articles import workflow
from articles.models import LANGUAGE_CODES, Article, localized, translation_state_sql
from tests.desk import make_user
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def states(article: Article) -> dict[str, str]:
    article.refresh_from_db()
    return {code: getattr(article, localized("translation", code)) for code in LANGUAGE_CODES}


def states_in_sql(article: Article) -> dict[str, str]:
    """What the migration's SQL works out for the stored row (and the time comparisons say)."""
    row = Article.objects.filter(pk=article.pk).annotate(
        **{f"sql_{code}": translation_state_sql(code) for code in LANGUAGE_CODES}
    )
    return {code: getattr(row.get(), f"sql_{code}") for code in LANGUAGE_CODES}


def test_a_story_in_kazakh_and_russian_is_original_current_and_missing():
    article = make_article(languages=["kk", "ru"], original_language="kk")
    assert states(article) == {"kk": "original", "ru": "current", "en": "missing"}
    assert states_in_sql(article) == states(article)


def test_a_change_to_the_original_makes_the_translation_stale_and_marking_it_current_undoes_it():
    editor = make_user("Editors")
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        article = make_article(languages=["kk", "ru", "en"], original_language="kk")
    article.body_kk = "<p>Жаңа нұсқа.</p>"
    workflow.article_save(article, editor)
    assert states(article) == {"kk": "original", "ru": "stale", "en": "stale"}
    assert states_in_sql(article) == states(article)
    assert set(Article.objects.stale_in("ru")) == {article}

    workflow.mark_current(article, editor, ["ru"])
    workflow.article_save(article, editor)
    assert states(article) == {"kk": "original", "ru": "current", "en": "stale"}
    assert states_in_sql(article) == states(article)
    assert list(Article.objects.to_translate_into("ru")) == []
    assert list(Article.objects.to_translate_into("en")) == [article]


def test_a_translation_without_a_body_is_missing_and_the_filters_say_so():
    article = make_article(languages=["ru"], original_language="ru", title_en="Only a title")
    assert states(article)["en"] == "missing"
    assert list(Article.objects.missing_in("en")) == [article]
    assert list(Article.objects.to_translate_into("kk")) == [article]
    assert list(Article.objects.to_translate_into("ru")) == []


def test_the_migration_derives_every_existing_row_in_batches():
    """Rows written before the columns existed get their states, across batch boundaries."""
    from django.apps import apps

    derive = import_module("articles.migrations.0020_translation_state").derive_translation_states
    articles = [make_article(languages=["kk", "ru"], original_language="kk") for _ in range(5)]
    Article.objects.update(**{localized("translation", code): "missing" for code in LANGUAGE_CODES})

    derive(apps, None, batch=2)

    for article in articles:
        assert states(article) == {"kk": "original", "ru": "current", "en": "missing"}
