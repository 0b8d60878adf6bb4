"""Restoring an old version: the fields picked come back, nothing else, by those allowed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article, Byline
from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article, make_author, make_category, make_tag
from tests.rendered_forms import page_form

pytestmark = pytest.mark.django_db

LANGUAGES = ["kk", "ru", "en"]


@pytest.fixture
def editor():
    return make_user("Editors")


def save_in_admin(client, article, **changes):
    response = client.post(change_url(article), change_form_data(article, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    return response


def oldest_version(article) -> Version:
    return Version.objects.get_for_object(article).order_by("pk").first()


def restore_url(article, version) -> str:
    return reverse("admin:articles_article_revision", args=[article.pk, version.pk])


def restore_as_rendered(client, article, version):
    """Open the restore page and post its form exactly as it was served."""
    page = client.get(restore_url(article, version))
    assert page.status_code == 200
    form = page_form(page.content.decode())
    return client.post(restore_url(article, version), form.data)


def ticked(client, article, version) -> list[str]:
    form = page_form(client.get(restore_url(article, version)).content.decode())
    return form.data.get("restore", [])


# What comes back, and what stays


@pytest.mark.parametrize("language", LANGUAGES)
def test_restoring_brings_back_one_languages_text_and_leaves_the_others(client, editor, language):
    article = make_article(**{f"title_{language}": "The original headline"})
    client = signed_in(client, editor)
    save_in_admin(client, article)
    others = {code: article.title_in(code) for code in LANGUAGES if code != language}
    save_in_admin(client, article, **{f"title_{language}": "A regrettable headline"})
    for code in others:  # another language moved on meanwhile, and must stay as it is now
        save_in_admin(client, article, **{f"title_{code}": f"Newer [{code}]"})

    response = client.post(
        restore_url(article, oldest_version(article)),
        {"restore": [f"title_{language}"], "based_on_version": article.edit_version},
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_in(language) == "The original headline"
    assert {code: article.title_in(code) for code in others} == {
        code: f"Newer [{code}]" for code in others
    }
    assert Version.objects.get_for_object(article).count() == 2 + len(others) + 1


def test_the_restore_page_shows_per_language_what_changes_word_by_word(client, editor):
    article = make_article(body_ru="<p>Сегодня в Астане прошло заседание правительства.</p>")
    client = signed_in(client, editor)
    save_in_admin(client, article)
    save_in_admin(
        client, article, body_ru="<p>Сегодня в Астане прошло совещание правительства.</p>"
    )
    page = client.get(restore_url(article, oldest_version(article))).content.decode()
    assert "<h2>Русский</h2>" in page
    # The word that differs, not two whole paragraphs.
    assert "<del>совещание</del>" in page and "<ins>заседание</ins>" in page
    assert "<span>Сегодня в Астане прошло</span>" in page


def test_translations_and_bylines_added_after_the_version_are_kept(client, editor):
    """The review's scenario: Kazakh first, Russian and a byline later, then a restore."""
    article = make_article(languages=["kk"], title_kk="Бастапқы тақырып")
    translator = make_user("Translators", languages=["ru"])
    save_in_admin(signed_in(client, editor), article)  # version 1: Kazakh only
    save_in_admin(
        signed_in(client.__class__(), translator),
        article,
        title_ru="Русский заголовок",
        lead_ru="Русский лид.",
        body_ru="<p>Русский текст.</p>",
    )
    author = make_author()
    go_live = timezone.localtime(timezone.now() - timedelta(minutes=5))
    data = change_form_data(
        article,
        title_kk="Өзгертілген тақырып",
        published_at_ru_0=go_live.strftime("%Y-%m-%d"),
        published_at_ru_1=go_live.strftime("%H:%M:%S"),
        **{
            "bylines-TOTAL_FORMS": "1",
            "bylines-0-author": author.pk,
            "bylines-0-position": "0",
        },
    )
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert client.get(article.get_absolute_url("ru")).status_code == 200

    picked = ticked(client, article, oldest_version(article))
    assert "title_kk" in picked
    assert not {"title_ru", "lead_ru", "body_ru", "slug_ru", "bylines"} & set(picked)
    assert restore_as_rendered(client, article, oldest_version(article)).status_code == 302

    article.refresh_from_db()
    assert article.title_kk == "Бастапқы тақырып"
    assert (article.title_ru, article.lead_ru) == ("Русский заголовок", "Русский лид.")
    assert article.published_at_ru is not None
    assert [byline.author for byline in article.bylines.all()] == [author]
    assert client.get(article.get_absolute_url("ru")).status_code == 200


def test_an_editor_may_remove_a_later_translation_deliberately(client, editor):
    article = make_article(languages=["kk"])
    client = signed_in(client, editor)
    save_in_admin(client, article)
    save_in_admin(client, article, title_en="English title", body_en="<p>English body.</p>")
    response = client.post(
        restore_url(article, oldest_version(article)),
        {"restore": ["title_en", "body_en"], "based_on_version": article.edit_version},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title_en, article.body_en) == ("", "")


def test_tags_category_and_bylines_come_back_when_picked(client, editor):
    first, second = make_author(), make_author()
    old_tag, old_category = make_tag(), make_category()
    article = make_article(category=old_category, authors=[first])
    client = signed_in(client, editor)
    save_in_admin(client, article, tags=[old_tag.pk])
    new_category = make_category()
    Byline.objects.filter(article=article).update(author=second)
    save_in_admin(client, article, category=new_category.pk, tags=[make_tag().pk])

    response = client.post(
        restore_url(article, oldest_version(article)),
        {"restore": ["tags", "category", "bylines"], "based_on_version": article.edit_version},
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.category == old_category
    assert list(article.tags.all()) == [old_tag]
    assert [byline.author for byline in article.bylines.all()] == [first]
    newest = Version.objects.get_for_object(article).order_by("-pk").first()
    assert newest.field_dict["tags"] == [old_tag.pk]


def test_a_restore_never_changes_the_status_or_go_live_times(client, editor):
    article = make_article(status=Article.Status.DRAFT, published_at=None, title_en="Draft title")
    client = signed_in(client, editor)
    save_in_admin(client, article)  # a version from when it was a draft
    now = timezone.localtime(timezone.now() - timedelta(minutes=1))
    moment = {
        f"published_at_{code}_{part}": now.strftime(form)
        for code in LANGUAGES
        for part, form in (("0", "%Y-%m-%d"), ("1", "%H:%M:%S"))
    }
    save_in_admin(client, article, status=Article.Status.PUBLISHED, title_en="Live title", **moment)
    go_live_times = article.go_live_times

    # Every field the page offers, and the publication fields posted by hand as well.
    response = client.post(
        restore_url(article, oldest_version(article)),
        {
            "restore": ["title_en", "status", "published_at_en", "withdrawal_reason"],
            "based_on_version": article.edit_version,
        },
    )

    assert response.status_code == 200  # publication fields are not restorable choices
    assert restore_as_rendered(client, article, oldest_version(article)).status_code == 302
    article.refresh_from_db()
    assert article.title_en == "Draft title"
    assert article.status == Article.Status.PUBLISHED
    assert article.go_live_times == go_live_times


def test_a_restore_based_on_an_old_view_of_the_article_is_refused(client, editor):
    article = make_article(title_en="One")
    client = signed_in(client, editor)
    save_in_admin(client, article)
    save_in_admin(client, article, title_en="Two")
    opened_at = article.edit_version
    save_in_admin(client, article, title_en="Three")  # someone saved meanwhile

    response = client.post(
        restore_url(article, oldest_version(article)),
        {"restore": ["title_en"], "based_on_version": opened_at},
    )

    assert response.status_code == 200
    assert "Someone saved this article since you opened this page." in response.content.decode()
    article.refresh_from_db()
    assert article.title_en == "Three"


# Who may restore


def test_a_translator_cannot_republish_a_withdrawn_article_by_restoring_it(client, editor):
    """Finding 1: a restore by a translator put a withdrawn article back on the site."""
    article = make_article()
    client = signed_in(client, editor)
    save_in_admin(client, article)  # the published version
    data = change_form_data(article, status=Article.Status.WITHDRAWN, withdrawal_reason="Legal")
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    translator = signed_in(client.__class__(), make_user("Translators", languages=["ru"]))
    published = oldest_version(article)

    page = translator.get(restore_url(article, published))
    posted = translator.post(
        restore_url(article, published),
        {"restore": ["title_ru", "title_en"], "based_on_version": article.edit_version},
    )
    form = page_form(page.content.decode())
    as_rendered = translator.post(restore_url(article, published), form.data if form else {})

    assert posted.status_code == 403 and as_rendered.status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.WITHDRAWN
    assert article.withdrawal_reason == "Legal"
    assert translator.get(article.get_absolute_url("en")).status_code == 404


def test_a_translator_restores_only_their_own_languages_text(client, editor):
    article = make_article(status=Article.Status.REVIEW, published_at=None)
    editor_client = signed_in(client, editor)
    save_in_admin(editor_client, article)
    save_in_admin(
        editor_client, article, title_ru="Новый", title_en="Newer", featured="on", source="AP"
    )
    translator = signed_in(client.__class__(), make_user("Translators", languages=["ru"]))
    version = oldest_version(article)

    offered = ticked(translator, article, version)
    refused = translator.post(
        restore_url(article, version),
        {"restore": ["title_ru", "title_en", "featured"], "based_on_version": article.edit_version},
    )
    restored = restore_as_rendered(translator, article, version)

    assert offered == ["title_ru", "slug_ru"]
    assert refused.status_code == 200  # another language's field is not a choice: nothing saved
    assert restored.status_code == 302
    article.refresh_from_db()
    assert article.title_ru != "Новый"
    assert (article.title_en, article.featured, article.source) == ("Newer", True, "AP")


def test_an_author_cannot_unpublish_their_own_article_by_restoring_its_draft(client, editor):
    """Finding 3: the permission was checked on the old copy, which was a draft."""
    author = make_user("Authors")
    article = make_article(
        status=Article.Status.DRAFT, published_at=None, created_by=author, title_en="Draft"
    )
    save_in_admin(signed_in(client.__class__(), author), article)  # the draft version
    client = signed_in(client, editor)
    workflow.article_publish(article, editor)
    go_live_times = article.go_live_times
    author_client = signed_in(client.__class__(), author)

    response = author_client.post(
        restore_url(article, oldest_version(article)),
        {"restore": ["title_en"], "based_on_version": article.edit_version},
    )

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.go_live_times == go_live_times


def test_an_author_restores_their_own_draft(client):
    author = make_user("Authors")
    article = make_article(
        status=Article.Status.DRAFT, published_at=None, created_by=author, title_en="First"
    )
    client = signed_in(client, author)
    save_in_admin(client, article)
    save_in_admin(client, article, title_en="Second")
    assert restore_as_rendered(client, article, oldest_version(article)).status_code == 302
    article.refresh_from_db()
    assert article.title_en == "First"


# Deleted articles


def test_only_editors_recover_deleted_articles(client, editor):
    author = make_user("Authors")
    article = make_article(status=Article.Status.DRAFT, published_at=None, created_by=author)
    editor_client = signed_in(client, editor)
    save_in_admin(editor_client, article)
    assert (
        editor_client.post(
            reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
        ).status_code
        == 302
    )
    [deleted] = Version.objects.get_deleted(Article)
    recover = reverse("admin:articles_article_recover", args=[deleted.pk])
    author_client = signed_in(client.__class__(), author)

    assert author_client.get(reverse("admin:articles_article_recoverlist")).status_code == 403
    assert author_client.get(recover).status_code == 403
    assert author_client.post(recover, change_form_data(article)).status_code == 403
    assert not Article.objects.filter(pk=article.pk).exists()

    assert editor_client.get(recover).status_code == 200
    assert editor_client.post(recover, change_form_data(article)).status_code == 302
    assert Article.objects.filter(pk=article.pk).exists()


def test_recover_answers_only_for_deleted_articles(client, editor):
    article = make_article()
    client = signed_in(client, editor)
    save_in_admin(client, article)
    live_version = oldest_version(article)
    assert (
        client.get(reverse("admin:articles_article_recover", args=[live_version.pk])).status_code
        == 404
    )
