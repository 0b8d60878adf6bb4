import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.models import Article, Byline, Category
from tests.desk import signed_in
from tests.factories import make_article, make_author, make_category, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    editor = get_user_model().objects.create_superuser("chief", "chief@example.com", "pw")
    signed_in(client, editor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def article_form(**overrides) -> dict:
    """The article change form as a browser would post it."""
    data = {
        "title_kk": "",
        "title_ru": "",
        "title_en": "",
        "slug_kk": "",
        "slug_ru": "",
        "slug_en": "",
        "lead_kk": "",
        "lead_ru": "",
        "lead_en": "",
        "body_kk": "",
        "body_ru": "",
        "body_en": "",
        "cover_caption_kk": "",
        "cover_caption_ru": "",
        "cover_caption_en": "",
        "status": "draft",
        "published_at_kk_0": "",
        "published_at_kk_1": "",
        "published_at_ru_0": "",
        "published_at_ru_1": "",
        "published_at_en_0": "",
        "published_at_en_1": "",
        "withdrawal_reason": "",
        "original_language": "",
        "correction_kk": "",
        "correction_ru": "",
        "correction_en": "",
        "based_on_version": "",
        "category": "",
        "source": "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_article_list_shows_columns_filters_and_languages(editor_client):
    category = make_category()
    make_article(languages=["kk", "ru"], category=category, title_kk="Қазақша тақырып")
    response = editor_client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Қазақша тақырып" in page
    assert str(category) in page
    assert re.search(r'class="desk-badge live" title="Русский: live since [^"]+">RU</span>', page)
    assert 'class="desk-badge missing" title="English: missing">EN</span>' in page
    assert "?language=-en" in page  # the "missing: English" filter
    assert "?language=stale%3Aen" in page


def test_article_list_filters_by_missing_language(editor_client):
    make_article(languages=["kk"], title_kk="Тек қазақша")
    make_article(title_en="Everywhere")
    page = editor_client.get(
        reverse("admin:articles_article_changelist") + "?language=-en"
    ).content.decode()
    assert "Тек қазақша" in page
    assert "Everywhere" not in page


def test_article_search_finds_titles_in_every_language(editor_client):
    make_article(languages=["ru"], title_ru="Бюджет утверждён")
    make_article(title_en="Unrelated")
    url = reverse("admin:articles_article_changelist")
    page = editor_client.get(url, {"q": "Бюджет"}).content.decode()
    assert "Бюджет утверждён" in page
    assert "Unrelated" not in page
    # Whatever the case, and inside a word (the titles' trigram indexes serve it).
    page = editor_client.get(url, {"q": "RELATE"}).content.decode()
    assert "Unrelated" in page
    assert "Бюджет утверждён" not in page


def test_add_page_has_a_tab_per_language_with_bundled_assets(editor_client):
    response = editor_client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 200
    page = response.content.decode()
    for code in ("kk", "ru", "en"):
        assert f'name="title_{code}"' in page
    assert "tabbed_translation_fields.js" in page
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in page
    assert "//ajax.googleapis.com" not in page


def test_each_languages_go_live_time_stands_beside_the_others_with_calendar_and_clock(
    editor_client,
):
    page = editor_client.get(reverse("admin:articles_article_add")).content.decode()
    row = re.search(
        r'class="form-row[^"]*field-published_at_kk.*?field-withdrawal_reason', page, re.S
    )
    for code, name in (("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")):
        for part, admin_class in (("0", "vDateField"), ("1", "vTimeField")):
            tag = re.search(rf'<input[^>]*name="published_at_{code}_{part}"[^>]*>', page)[0]
            # The admin's DateTimeShortcuts find the inputs by these classes...
            assert f'class="{admin_class}"' in tag
        # ...and modeltranslation's tabs by "mt", which would hide two of the three.
        assert f'name="published_at_{code}_0"' in row[0]
        assert f"Go-live time ({name})" in row[0]
    # The help is said once, for all three.
    assert page.count("a future time schedules it") == 1


def test_editor_adds_an_article_with_authors_in_order(editor_client):
    first, second = make_author(), make_author()
    data = article_form(
        title_ru="Новый закон",
        body_ru="Текст закона.",
        status="published",
        **{
            "bylines-TOTAL_FORMS": "2",
            "bylines-0-author": str(second.pk),
            "bylines-0-position": "0",
            "bylines-1-author": str(first.pk),
            "bylines-1-position": "1",
        },
    )
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert article.slug_ru == "novyi-zakon"
    assert article.published_at_ru is not None
    assert article.published_at_kk is None  # no text in Kazakh: not live there
    assert [byline.author for byline in Byline.objects.filter(article=article)] == [second, first]
    assert Article.objects.public("ru").get() == article


def test_change_page_opens_and_saves(editor_client):
    article = make_article()
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert editor_client.get(url).status_code == 200
    data = article_form(
        title_kk=article.title_kk,
        body_kk=article.body_kk,
        title_en="Edited title",
        body_en=article.body_en,
        status="published",
        based_on_version=article.edit_version,
        **{
            f"published_at_{code}_{part}": article.published_at_kk.astimezone().strftime(format)
            for code in ("kk", "en")
            for part, format in (("0", "%Y-%m-%d"), ("1", "%H:%M:%S"))
        },
    )
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.title_en == "Edited title"


def test_article_without_any_title_gets_a_form_error_and_keeps_the_text(editor_client):
    data = article_form(body_en="A body the editor typed and must not lose.")
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Write a title in at least one language." in page
    assert "A body the editor typed and must not lose." in page
    assert not Article.objects.exists()


def test_duplicate_category_slug_gets_a_form_error_and_keeps_the_text(editor_client):
    existing = make_category()
    data = {
        "name_kk": "Жаңа айдар",
        "name_ru": "Новая рубрика",
        "name_en": "New section",
        "slug_kk": "",
        "slug_ru": "",
        "slug_en": existing.slug_en,
        "description_kk": "",
        "description_ru": "Описание, которое нельзя потерять.",
        "description_en": "",
        "position": "3",
    }
    response = editor_client.post(reverse("admin:articles_category_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "errorlist" in page
    assert "Описание, которое нельзя потерять." in page
    assert Category.objects.count() == 1


def test_category_needs_a_name_in_every_language(editor_client):
    data = {"name_kk": "Спорт", "name_ru": "", "name_en": "", "position": "0"}
    response = editor_client.post(reverse("admin:articles_category_add"), data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Category.objects.exists()


def test_publish_and_withdraw_actions(editor_client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    url = reverse("admin:articles_article_changelist")
    editor_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED
    assert Article.objects.published().filter(pk=draft.pk).exists()
    asked = editor_client.post(url, {"action": "withdraw", "_selected_action": [draft.pk]})
    assert "Reason for withdrawal" in asked.content.decode()
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED  # nothing happens without a reason
    editor_client.post(
        url,
        {
            "action": "withdraw",
            "_selected_action": [draft.pk],
            "apply": "1",
            "reason": "Wrong figures",
        },
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.WITHDRAWN
    assert draft.withdrawal_reason == "Wrong figures"
    assert not Article.objects.published().exists()


def test_category_and_author_autocomplete_answer(editor_client):
    make_category(name_en="Economy")
    make_author(name_en="Daniyar Omarov")
    for model, field, term in (("article", "category", "Econ"), ("byline", "author", "Daniyar")):
        response = editor_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "articles", "model_name": model, "field_name": field, "term": term},
        )
        assert response.status_code == 200
        assert len(response.json()["results"]) == 1


def test_admin_requires_staff(client):
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_action_messages_speak_the_editors_language_with_correct_plurals(editor_client):
    drafts = [make_article(status=Article.Status.DRAFT) for _ in range(5)]
    editor_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [draft.pk for draft in drafts]},
        follow=True,
    )
    assert "5 статей опубликовано." in response.content.decode()


def test_inactive_authors_are_not_offered_for_new_bylines_but_keep_theirs(editor_client):
    retired = make_author(name_en="Retired Reporter", is_active=False)
    make_author(name_en="Active Reporter")
    article = make_article(authors=[retired])
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "byline",
            "field_name": "author",
            "term": "Reporter",
        },
    )
    assert [result["text"] for result in response.json()["results"]] == ["Active Reporter"]
    change_page = reverse("admin:articles_article_change", args=[article.pk])
    assert "Retired Reporter" in editor_client.get(change_page).content.decode()


def test_editing_a_plain_text_body_keeps_its_paragraphs(editor_client):
    article = make_article(body_en="First paragraph.\n\nSecond <paragraph>.")
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    form = page.context["adminform"].form
    assert form.initial["body_en"] == "<p>First paragraph.</p>\n\n<p>Second &lt;paragraph&gt;.</p>"


def test_a_delete_confirmation_lists_the_article_and_its_bylines_not_link_rows(editor_client):
    article = make_article(languages=["en"], original_language="en")
    article.tags.add(make_tag(name_en="Astana"))
    page = editor_client.get(reverse("admin:articles_article_delete", args=[article.pk]))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))
    assert f"Article: {article.title_en}" in text
    # The tag stays; the row joining it to the article is no one's business, listed or counted.
    assert "relationship" not in text
