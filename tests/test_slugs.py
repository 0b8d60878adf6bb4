"""Readable ASCII slugs in every language, stable addresses, and the admin's live preview."""

import pytest
from django.urls import reverse
from django.utils import translation

from articles.editions.slugs import make_slug
from tests.desk import change_url, make_user, signed_in
from tests.factories import make_article, make_author, make_category

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "language", "slug"),
    [
        ("Мәулен", "kk", "maulen"),
        ("Қазақстан Республикасы", "kk", "qazaqstan-respublikasy"),
        ("Шығыс Еуропа мен Орталық Азия", "kk", "sygys-europa-men-ortalyq-aziia"),
        ("Үкімет бюджет жобасын мақұлдады", "kk", "ukimet-budjet-jobasyn-maquldady"),
        (
            "Токаев подписал закон о республиканском бюджете",
            "ru",
            "tokaev-podpisal-zakon-o-respublikanskom-biudzhete",
        ),
        ("Senate passes digital services law", "en", "senate-passes-digital-services-law"),
        ("«!!!» — ???", "kk", "item"),
        ("", "ru", "item"),
    ],
)
def test_slugs_are_readable_ascii_in_every_language_and_never_empty(text, language, slug):
    assert make_slug(text, language) == slug


def test_article_slugs_come_from_each_languages_title():
    article = make_article(
        title_kk="Ерліктің дастаны",
        title_ru="Токаев подписал закон",
        title_en="The law is signed",
    )
    assert (article.slug_kk, article.slug_ru, article.slug_en) == (
        "erliktin-dastany",
        "tokaev-podpisal-zakon",
        "the-law-is-signed",
    )


def test_a_renamed_categorys_old_address_answers_301_in_every_edition(client):
    category = make_category(name_kk="Саясат", name_ru="Политика", name_en="Politics")
    old = {code: category.get_absolute_url(code) for code in ("kk", "kk-latn", "en")}
    category.name_kk, category.name_en = "Ішкі саясат", "Home affairs"
    category.save()
    assert category.slug_kk == "iski-saiasat"
    assert category.slug_en == "home-affairs"
    for code, url in old.items():
        response = client.get(url)
        assert response.status_code == 301, code
        assert response["Location"] == category.get_absolute_url(code)


@pytest.mark.parametrize("feed", ["category-feed", "category-feed-atom", "category-feed-json"])
def test_a_categorys_feed_under_another_languages_or_a_former_slug_answers_301(client, feed):
    category = make_category(name_kk="Саясат", name_ru="Политика", name_en="Politics")
    former_en = category.slug_en
    category.name_en = "Home affairs"
    category.save()

    with translation.override("en"):
        wanted = reverse(f"articles:{feed}", kwargs={"slug": "home-affairs"})
        for slug in (category.slug_kk, former_en):
            response = client.get(reverse(f"articles:{feed}", kwargs={"slug": slug}))
            assert response.status_code == 301, slug
            assert response["Location"] == wanted
        assert client.get(wanted).status_code == 200
        assert (
            client.get(reverse(f"articles:{feed}", kwargs={"slug": "nothing"})).status_code == 404
        )


def test_a_hand_edited_author_slug_keeps_the_old_one_redirecting(client):
    author = make_author(name_en="Daniyar Omarov")
    old = author.get_absolute_url("en")
    author.slug_en = "d-omarov"
    author.save()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == "/en/authors/d-omarov/"


def test_an_old_slug_taken_by_another_category_serves_that_category(client):
    first = make_category(name_en="Sport")
    first.name_en = "Sports"
    first.save()
    second = make_category(name_en="Sport")
    assert second.slug_en == "sport"
    assert client.get("/en/category/sport/").status_code == 200
    assert client.get("/en/category/sport/").context["category"] == second


@pytest.mark.parametrize(
    ("language", "text"), [("kk", "Ақтөбе филармониясы"), ("ru", "Жёлтый лист"), ("en", "Hi!")]
)
def test_admin_slug_preview_uses_the_servers_rules(client, language, text):
    editor = signed_in(client, make_user("Editors"))
    response = editor.get(
        reverse("admin:articles_slug_preview"), {"language": language, "text": text}
    )
    assert response.json() == {"slug": make_slug(text, language)}


def test_slug_preview_refuses_unknown_languages_and_strangers(client):
    url = reverse("admin:articles_slug_preview")
    assert client.get(url, {"language": "kk", "text": "x"}).status_code == 302  # to the login
    editor = signed_in(client, make_user("Editors"))
    assert editor.get(url, {"language": "xx", "text": "x"}).status_code == 400


@pytest.mark.parametrize("model", ["article", "category", "author"])
def test_change_forms_load_the_live_slug_preview(client, model):
    editor = signed_in(client, make_user(superuser=True))
    page = editor.get(reverse(f"admin:articles_{model}_add")).content.decode()
    assert "articles/slug-preview.js" in page
    assert f'data-endpoint="{reverse("admin:articles_slug_preview")}"' in page


def test_article_change_form_previews_slugs_from_titles(client):
    article = make_article()
    page = signed_in(client, make_user("Editors")).get(change_url(article)).content.decode()
    assert 'data-source="title"' in page
