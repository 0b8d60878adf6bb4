"""The Kazakh edition in the 2021 Latin alphabet at /kk-latn/: made on save, never typed."""

from datetime import timedelta

import feedparser
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.public.preview import preview_url
from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article, make_author, make_category, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def economy():
    return make_category(name_kk="Экономика", name_ru="Экономика", name_en="Economy")


@pytest.fixture
def author():
    return make_author(name_kk="Әйгерім Сәдуақасова", name_ru="Айгерим", name_en="Aigerim")


@pytest.fixture
def budget(economy, author):
    return make_article(
        title_kk="Үкімет бюджет жобасын мақұлдады",
        lead_kk="Қаржы министрлігі жобаны ұсынды.",
        body_kk="АСТАНА. ҚазАқпарат – Бюджет жобасы мақұлданды.\n\nҚұжат Парламентке жіберіледі.",
        category=economy,
        authors=[author],
    )


def test_saving_kazakh_fills_the_latin_edition(budget, economy, author):
    assert budget.title_kk_latn == "Ükımet büdjet jobasyn maqūldady"
    assert budget.body_kk_latn.startswith("ASTANA. QazAqparat – Büdjet jobasy")
    assert budget.slug_kk_latn == budget.slug_kk == "ukimet-budjet-jobasyn-maquldady"
    assert budget.published_at_kk_latn == budget.published_at_kk
    assert economy.name_kk_latn == "Ekonomika"
    assert author.name_kk_latn == "Äigerım Säduaqasova"


def test_changing_the_cyrillic_updates_the_latin(budget):
    budget.title_kk = "Парламент бюджетті қабылдады"
    budget.save()
    assert budget.title_kk_latn == "Parlament büdjettı qabyldady"


@pytest.mark.parametrize("path", ["/kk-latn/", "/kk-latn/news/", "/kk-latn/authors/"])
def test_latin_edition_pages_speak_latin_kazakh(client, budget, path):
    page = client.get(path).content.decode()
    assert '<html lang="kk-Latn"' in page
    assert "Soñğy jañalyqtar" in page  # "Latest news", transliterated from the catalogue
    assert "Соңғы" not in page
    if path != "/kk-latn/authors/":
        assert budget.title_kk_latn in page
        assert budget.title_kk not in page


def test_latin_article_page_shows_latin_text_dates_and_links(
    client, budget, economy, author, tiny_png
):
    budget.published_at_kk = timezone.make_aware(timezone.datetime(2025, 11, 25, 14, 30))
    budget.cover_image = make_image(tiny_png, caption_kk="Үкімет үйі")
    budget.save()
    response = client.get(budget.get_absolute_url("kk-latn"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<h1>{budget.title_kk_latn}</h1>" in page
    assert "<p>Qūjat Parlamentke jıberıledı.</p>" in page
    assert "Ükımet üiı" in page  # the caption
    assert "25 qaraşa 2025 j., 14:30" in page
    assert f'href="{economy.get_absolute_url("kk-latn")}"' in page
    assert f'href="{author.get_absolute_url("kk-latn")}"' in page
    assert 'hreflang="kk-Latn"' in page and 'hreflang="kk"' in page
    assert 'lang="kk-Latn">Qazaqşa<' in page  # the switcher names itself in its script


def test_latin_category_author_and_feeds(client, budget, economy, author):
    assert economy.name_kk_latn in client.get(economy.get_absolute_url("kk-latn")).content.decode()
    assert author.name_kk_latn in client.get(author.get_absolute_url("kk-latn")).content.decode()
    for url in ("/kk-latn/rss/", f"/kk-latn/category/{economy.slug_kk_latn}/rss/"):
        feed = feedparser.parse(client.get(url).content)
        assert not feed.bozo
        assert feed.feed.language == "kk-Latn"
        assert [entry.title for entry in feed.entries] == [budget.title_kk_latn]
        assert feed.entries[0].link.endswith(budget.get_absolute_url("kk-latn"))


def test_latin_edition_follows_kazakh_go_live_and_language(client):
    only_russian = make_article(languages=["ru"])
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    page = client.get("/kk-latn/news/").content.decode()
    assert only_russian.title_ru not in page
    assert scheduled.title_kk_latn not in page
    assert client.get(f"/kk-latn/news/{scheduled.pk}/").status_code == 404


def test_an_editors_override_wins_and_is_flagged_when_the_kazakh_changes(client, budget):
    budget.latin_title = "Ükımet büdjet jobasyn maqūldady (düzetılgen)"
    budget.save()
    assert budget.title_kk_latn == budget.latin_title
    assert budget.stale_latin_overrides == []

    budget.title_kk = "Үкімет жаңа бюджетті мақұлдады"
    budget.save()
    assert budget.title_kk_latn == budget.latin_title  # the override still wins
    assert budget.stale_latin_overrides == ["title"]

    editor = signed_in(client, make_user("Editors"))
    page = editor.get(change_url(budget)).content.decode()
    assert "The Kazakh text changed after these corrections were written" in page

    budget.latin_title = ""
    budget.save()
    assert budget.title_kk_latn == "Ükımet jaña büdjettı maqūldady"
    assert budget.stale_latin_overrides == []


def test_editors_never_type_the_latin_edition_in_the_admin(client, budget):
    editor = signed_in(client, make_user("Editors"))
    page = editor.get(change_url(budget)).content.decode()
    assert 'name="title_kk_latn"' not in page
    assert 'name="title_kk"' in page and 'name="latin_title"' in page
    response = editor.post(change_url(budget), change_form_data(budget, title_kk="Жаңа тақырып"))
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.title_kk_latn == "Jaña taqyryp"


def test_categories_and_authors_need_no_latin_name_in_the_admin(client):
    editor = signed_in(client, make_user("Editors"))
    data = {
        "name_kk": "Ғылым",
        "name_ru": "Наука",
        "name_en": "Science",
        "slug_kk": "",
        "slug_ru": "",
        "slug_en": "",
        "description_kk": "",
        "description_ru": "",
        "description_en": "",
        "position": "1",
    }
    response = editor.post(reverse("admin:articles_category_add"), data)
    assert response.status_code == 302
    from articles.models import Category

    science = Category.objects.get(name_en="Science")
    assert (science.name_kk_latn, science.slug_kk_latn) == ("Ğylym", "gylym")


def test_latin_preview_links_work(client, budget):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    response = client.get(preview_url(draft, "kk-latn").removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 200
    assert draft.title_kk_latn in response.content.decode()


def test_the_latin_interface_catalogue_is_built_from_the_kazakh_one(tmp_path, settings):
    locale = tmp_path / "locale"
    (locale / "kk" / "LC_MESSAGES").mkdir(parents=True)
    (locale / "kk" / "LC_MESSAGES" / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Latest news"\nmsgstr "Соңғы жаңалықтар"\n',
        encoding="utf-8",
    )
    settings.LOCALE_PATHS = [locale]
    call_command("build_latin_catalog", stdout=open("/dev/null", "w"))
    mo = (locale / "kk_Latn" / "LC_MESSAGES" / "django.mo").read_bytes()
    assert "Soñğy jañalyqtar".encode() in mo
