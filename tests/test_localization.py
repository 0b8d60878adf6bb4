"""The interface in every language: catalogues, dates, plurals, sorting, right-to-left."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.factories import make_article, make_author, make_category

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize(
    "catalogue",
    [
        f"{place}{language}/LC_MESSAGES/{domain}.po"
        for language in ("kk", "ru")
        for place, domain in [("", "django"), ("libraries/", "django"), ("libraries/", "djangojs")]
    ],
)
def test_every_interface_string_is_translated(catalogue):
    # Ours, and in locale/libraries what the libraries' own catalogues lack.
    with open(LOCALE / catalogue, "rb") as po:
        catalog = read_po(po)
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and message.context != "alt. month"  # Russian keeps Django's own genitive months
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert untranslated == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", "25 қараша 2025 ж., 14:30"),
        ("kk-latn", "25 qaraşa 2025 j., 14:30"),
        ("ru", "25 ноября 2025, 14:30"),
        ("en", "25 November 2025, 14:30"),
    ],
)
def test_dates_read_naturally_in_every_edition(language, expected):
    moment = timezone.make_aware(timezone.datetime(2025, 11, 25, 14, 30))
    with translation.override(language):
        assert date_format(timezone.localtime(moment), "DATETIME_FORMAT") == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "count", "phrase"),
    [
        ("ru", 1, "1 статья"),
        ("ru", 2, "2 статьи"),
        ("ru", 5, "5 статей"),
        ("ru", 21, "21 статья"),
        ("kk", 1, "1 мақала"),
        ("kk", 5, "5 мақала"),  # Kazakh nouns stay singular after numerals
        ("kk-latn", 5, "5 maqala"),
        ("en", 1, "1 article"),
        ("en", 5, "5 articles"),
    ],
)
def test_article_counts_use_the_languages_plural_forms(client, language, count, phrase):
    category = make_category()
    for _ in range(count):
        make_article(category=category)
    page = client.get(category.get_absolute_url(language)).content.decode()
    assert re.search(rf'<p class="count">\s*{phrase}\s*</p>', page), phrase


@pytest.mark.django_db
def test_authors_are_listed_in_kazakh_alphabetical_order(client):
    for name in ["Үміт", "Ілияс", "Айдос", "Ұлан", "Ерлан", "Әйгерім"]:
        make_author(name_kk=name, name_ru=name, name_en=name)
    page = client.get(reverse("articles:authors")).content.decode()  # the default language: kk
    found = re.findall(r'<h2 class="author-name"><a href="/kk/authors/[^"]+">([^<]+)</a>', page)
    # і after ы and the rest, ұ before ү, ә right after а: not Python's code-point order.
    assert found == ["Айдос", "Әйгерім", "Ерлан", "Ұлан", "Үміт", "Ілияс"]


@pytest.mark.django_db
def test_authors_in_the_latin_edition_follow_the_latin_alphabet(client):
    for name in ["Ілияс", "Ислам", "Шолпан", "Сәуле"]:
        make_author(name_kk=name, name_ru=name, name_en=name)
    page = client.get("/kk-latn/authors/").content.decode()
    found = re.findall(
        r'<h2 class="author-name"><a href="/kk-latn/authors/[^"]+">([^<]+)</a>', page
    )
    # I (from і) before İ (from и); Ş after S.
    assert found == ["Iliias", "İslam", "Säule", "Şolpan"]


@pytest.mark.django_db
def test_a_right_to_left_language_mirrors_the_page(client):
    languages = [*settings.LANGUAGES, ("ar", "العربية")]
    with override_settings(LANGUAGES=languages, LANGUAGES_BIDI=["ar"]):
        response = client.get("/ar/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="ar" dir="rtl">' in page


def test_the_stylesheet_uses_logical_properties_so_layouts_mirror():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    physical = re.findall(
        r"(?<![-\w])(?:margin|padding|border)-(?:left|right)\b|(?<![-\w])(?:left|right)\s*:|"
        r"text-align\s*:\s*(?:left|right)|float\s*:\s*(?:left|right)",
        css,
    )
    assert physical == []


@pytest.mark.parametrize(
    ("language", "friday"), [("kk", "Жұма"), ("kk-latn", "Jūma"), ("ru", "Пятница")]
)
def test_weekdays_are_spelled_right(language, friday):
    friday_date = timezone.make_aware(timezone.datetime(2025, 11, 28, 12, 0))
    with translation.override(language):
        assert date_format(timezone.localtime(friday_date), "l") == friday
