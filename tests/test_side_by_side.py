"""Translation side by side: the original beside the translation, what changed, up to date."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from articles import workflow
from articles.desk import revisions
from articles.models import Article
from newsroom.accounts.models import AuditEntry
from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def stale_in_russian() -> Article:
    """A Kazakh story translated into Russian, whose Kazakh body an editor then changed."""
    editor = make_user("Editors")
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        article = make_article(
            languages=["kk", "ru"],
            original_language="kk",
            title_kk="Астанада көпір ашылды",
            body_kk="<p>Көпір бүгін ашылды.</p><p>Оның ұзындығы екі жүз метр.</p>",
        )
        workflow.article_save(article, editor)  # the version the translation was made from
    article.body_kk = "<p>Көпір бүгін таңертең ашылды.</p><p>Оның ұзындығы екі жүз метр.</p>"
    workflow.article_save(article, editor)
    article.refresh_from_db()
    assert article.is_stale("ru")
    return article


def panel_of(page: str, language: str) -> str:
    start = page.index(f'<aside class="desk-source" data-language="{language}"')
    return page[start : page.index("</aside>", start)]


def test_a_translation_shows_the_original_and_the_words_changed_since_it_was_made():
    article = stale_in_russian()
    translator = signed_in(Client(), make_user("Translators", languages=["ru"]))

    panel = panel_of(translator.get(change_url(article)).content.decode(), "ru")

    assert "Астанада көпір ашылды" in panel  # the original's title, beside the Russian fields
    assert "Оның ұзындығы екі жүз метр." in panel
    assert "<ins>таңертең</ins>" in panel  # the word added to the original since
    assert 'name="mark_current" value="ru"' in panel


def test_marking_a_translation_up_to_date_clears_stale_keeps_a_version_and_an_audit_entry():
    article = stale_in_russian()
    versions = revisions.versions_of(article).count()
    translator = make_user("Translators", languages=["ru"])

    response = signed_in(Client(), translator).post(
        change_url(article), change_form_data(article, mark_current="ru")
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.is_stale("ru")
    assert revisions.versions_of(article).count() == versions + 1
    entry = AuditEntry.objects.filter(action="mark_current").get()
    assert entry.detail == {"languages": ["ru"]}


def test_a_translator_marks_only_their_own_languages_and_never_the_original():
    article = stale_in_russian()
    english = signed_in(Client(), make_user("Translators", languages=["en"]))

    response = english.post(change_url(article), change_form_data(article, mark_current="ru"))

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.is_stale("ru")
    with pytest.raises(ValidationError):
        workflow.article_mark_current(article, make_user("Editors"), languages=["kk"])
    assert "mark_current" not in panel_of(english.get(change_url(article)).content.decode(), "ru")


def test_an_editor_marks_it_through_the_workflow_too():
    article = stale_in_russian()
    workflow.article_mark_current(article, make_user("Editors"), languages=["ru"])
    article.refresh_from_db()
    assert not article.is_stale("ru")
    assert AuditEntry.objects.filter(action="mark_current").exists()


def test_a_body_the_translator_may_not_change_reads_as_text_not_html():
    article = stale_in_russian()
    translator = signed_in(Client(), make_user("Translators", languages=["ru"]))
    page = translator.get(change_url(article)).content.decode()
    row = page[page.index('class="form-row field-body_as_read_kk"') :]
    row = row[: row.index("</fieldset>") if "</fieldset>" in row[:2000] else 2000]
    assert "<p>Көпір бүгін таңертең ашылды.</p>" in row
    assert "&lt;p&gt;" not in row
    assert 'name="body_kk"' not in page  # still not theirs to change
