"""Translation status, the desk's dashboard, and corrections and updates readers see."""

import re
from datetime import timedelta

import feedparser
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article
from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    return signed_in(client, make_user("Editors"))


def edit(article: Article, **fields) -> Article:
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
    article.refresh_from_db()
    return article


# Translation status


def test_a_translation_goes_stale_when_the_original_changes_after_it():
    start = timezone.now() - timedelta(days=1)
    with time_machine.travel(start, tick=False):
        article = make_article(original_language="kk")
    assert not article.is_stale("ru")
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        edit(article, body_kk="Жаңартылған мәтін.")
    assert article.is_stale("ru") and article.is_stale("en")
    assert not article.is_stale("kk")  # the original is never stale
    assert set(Article.objects.stale_in("ru")) == {article}

    with time_machine.travel(start + timedelta(hours=2), tick=False):
        edit(article, body_ru="Обновлённый перевод.")
    assert not article.is_stale("ru")
    assert article.is_stale("en")
    assert not Article.objects.stale_in("ru").exists()
    assert set(Article.objects.stale_in("en")) == {article}


def test_editing_a_translation_does_not_make_the_original_stale():
    with time_machine.travel(timezone.now() - timedelta(hours=3), tick=False):
        article = make_article(original_language="en")
    edit(article, title_ru="Поправка в переводе")
    assert not any(article.is_stale(code) for code in ("kk", "ru", "en"))
    assert not Article.objects.stale_in("en").exists()


def test_the_original_language_is_the_first_written_unless_the_editor_says():
    assert make_article(languages=["ru", "en"]).original_language == "ru"
    assert make_article(original_language="en").original_language == "en"


def test_each_language_has_a_state_for_the_desk():
    tomorrow = timezone.now() + timedelta(days=1)
    article = make_article(languages=["kk", "ru"])
    Article.objects.filter(pk=article.pk).update(published_at_ru=tomorrow, published_at_en=None)
    article.refresh_from_db()
    assert article.language_state("kk") == "live"
    assert article.language_state("ru") == "scheduled"
    assert article.language_state("en") == "missing"
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    assert draft.language_state("en") == "written"


def test_article_list_shows_live_scheduled_missing_and_stale_languages(editor_client):
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        article = make_article(languages=["kk", "ru"], original_language="kk")
    edit(article, body_kk="Жаңа нұсқа.")
    page = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert 'class="desk-badge live" title="Қазақша: live since' in page
    assert re.search(r'class="desk-badge live stale" title="Русский: live since [^"]+; stale', page)
    assert 'class="desk-badge missing" title="English: missing">EN<' in page


# The dashboard


def test_dashboard_lists_review_scheduled_stale_and_missing(editor_client):
    waiting = make_article(status=Article.Status.REVIEW, published_at=None, title_en="Waiting")
    soon = make_article(published_at=timezone.now() + timedelta(hours=3), title_en="Soon")
    later = make_article(published_at=timezone.now() + timedelta(days=3), title_en="Later")
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        stale = make_article(original_language="kk", title_en="Stale in English")
    edit(stale, body_kk="Жаңа нұсқа.")
    only_kk = make_article(languages=["kk"], title_kk="Тек қазақша")

    response = editor_client.get(reverse("admin:articles_article_dashboard"))

    assert response.status_code == 200
    context = response.context
    assert context["in_review"] == [waiting]
    assert [(entry.article, entry.language) for entry in context["scheduled"]] == [
        (soon, "kk"),
        (soon, "ru"),
        (soon, "en"),
    ]
    assert later not in [entry.article for entry in context["scheduled"]]
    backlogs = {backlog.language: backlog for backlog in context["backlogs"]}
    assert backlogs["en"].stale == [stale]
    assert backlogs["kk"].stale == []
    assert only_kk in backlogs["en"].missing and only_kk not in backlogs["kk"].missing
    page = response.content.decode()
    assert "Waiting" in page and "Soon" in page and "Stale in English" in page


def test_dashboard_is_linked_from_the_admin_home(editor_client):
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:articles_article_dashboard") in page


def test_dashboard_needs_a_desk_role(client):
    outsider = make_user()
    response = signed_in(client, outsider).get(reverse("admin:articles_article_dashboard"))
    assert response.status_code == 403


# Corrections and updates readers see


def test_a_changed_live_text_shows_updated_on_the_page():
    with time_machine.travel(timezone.now() - timedelta(hours=5), tick=False):
        article = make_article()
    assert article.updated_in("en") is None
    edit(article, body_en="Corrected figures.")
    assert article.updated_in("en") is not None
    assert article.updated_in("ru") is None  # the Russian text did not change


def test_updated_time_and_correction_note_reach_the_page_and_the_feed(client, editor_client):
    with time_machine.travel(timezone.now() - timedelta(hours=5), tick=False):
        article = make_article()
    response = editor_client.post(
        change_url(article),
        change_form_data(
            article,
            body_en="The budget is 24.6 trillion tenge.",
            correction_en="An earlier version gave the wrong figure.",
        ),
    )
    assert response.status_code == 302
    page = client.get(article.get_absolute_url("en")).content.decode()
    assert "Updated" in page
    assert "An earlier version gave the wrong figure." in page
    russian = client.get(article.get_absolute_url("ru")).content.decode()
    assert "An earlier version" not in russian
    assert "Жаңартылды" not in russian and "Обновлено" not in russian
    [item] = feedparser.parse(client.get("/en/rss/").content).entries
    assert "An earlier version gave the wrong figure." in item.summary


def test_edits_before_going_live_do_not_show_as_updates():
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    edit(article, body_en="Still drafting.")
    workflow.article_publish(article, None)
    assert article.updated_in("en") is None


def test_turning_a_plain_body_into_paragraphs_is_no_update():
    with time_machine.travel(timezone.now() - timedelta(hours=5), tick=False):
        article = make_article(original_language="kk", body_kk="Бір.\n\nЕкі.")
    edit(article, body_kk="<p>Бір.</p>\n\n<p>Екі.</p>")
    assert article.updated_in("kk") is None
    assert not article.is_stale("en")
