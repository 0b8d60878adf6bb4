"""The site's identity and its static pages: set at the desk, shown on every page, feed and map."""

import json
import re

import pytest
from django.urls import reverse

from articles.models import SiteIdentity, StaticPage
from articles.models.site import READABLE_CONTRAST, contrast, lighter_shade
from tests.desk import make_user, signed_in
from tests.factories import make_article
from tests.rendered_forms import posted_forms

pytestmark = pytest.mark.django_db


def name_the_site(**names) -> SiteIdentity:
    identity = SiteIdentity.load()
    for code, name in names.items():
        setattr(identity, f"name_{code}", name)
    identity.save()
    return identity


def identity_form(client) -> dict:
    """The identity's change form as the browser would post it, unchanged."""
    page = client.get(reverse("admin:articles_siteidentity_change", args=[1]))
    assert page.status_code == 200
    form = next(form for form in posted_forms(page.content.decode()) if "name_kk" in form.data)
    return {name: values[0] for name, values in form.data.items()}


def test_the_name_given_at_the_desk_is_the_sites_everywhere(client):
    name_the_site(kk="Ақпарат", ru="Информ", en="Inform")
    make_article(title_ru="Новость дня")

    page = client.get("/ru/").content.decode()
    assert '<a class="brand" href="/ru/">Информ</a>' in page
    assert "<title>Информ</title>" in page
    assert '<meta property="og:site_name" content="Информ">' in page
    assert '"publisher": {"@type": "NewsMediaOrganization", "name": "Информ"' in page
    assert "Newsroom" not in page
    # The Latin edition is converted from the Kazakh name, as articles are.
    assert "<title>Aqparat</title>" in client.get("/kk-latn/").content.decode()
    assert "<title>Inform: latest news</title>" in client.get("/en/rss/").content.decode()
    news_sitemap = client.get("/sitemap-news-ru.xml").content.decode()
    assert "<news:name>Информ</news:name>" in news_sitemap


def test_a_renamed_site_shows_its_new_name_at_once(client):
    name_the_site(ru="Старое имя")
    assert "Старое имя" in client.get("/ru/").content.decode()
    name_the_site(ru="Новое имя")
    page = client.get("/ru/").content.decode()
    assert "Новое имя" in page and "Старое имя" not in page


def test_the_foot_of_every_page_has_the_contact_line_links_and_copyright(client):
    identity = name_the_site(en="Inform")
    identity.contact_line_en = "4 Mangilik Yel Avenue, Astana"
    identity.copyright_holder_en = "Inform news agency"
    identity.save()
    identity.social_links.create(network="telegram", url="https://t.me/inform")

    footer = client.get("/en/news/").content.decode().split('<footer class="site-footer">')[1]
    assert "4 Mangilik Yel Avenue, Astana" in footer
    assert '<a href="https://t.me/inform" rel="me noopener">Telegram</a>' in footer
    assert re.search(r"© \d{4} Inform news agency", footer)


def test_an_editor_sets_the_accent_colour_and_pages_link_its_stylesheet(client, roles):
    editor = signed_in(client, make_user("Editors"))
    assert editor
    data = identity_form(client) | {"accent_colour": "#7a1f2b"}
    answer = client.post(reverse("admin:articles_siteidentity_change", args=[1]), data)
    assert answer.status_code == 302, answer.content.decode()[:2000]

    client.logout()
    page = client.get("/en/").content.decode()
    assert '<link rel="stylesheet" href="/identity.css?v=7a1f2b">' in page
    stylesheet = client.get("/identity.css?v=7a1f2b")
    assert stylesheet["Content-Type"].startswith("text/css")
    assert "immutable" in stylesheet["Cache-Control"]
    css = stylesheet.content.decode()
    assert ":root{--accent:#7a1f2b;--bar:#7a1f2b}" in css
    dark = re.search(r"prefers-color-scheme:dark\)\{:root\{--accent:(#[0-9a-f]{6})", css)[1]
    assert contrast(dark, "#121417") >= READABLE_CONTRAST


def test_a_colour_too_light_for_white_words_is_refused_and_the_form_keeps_what_was_typed(
    client, roles
):
    signed_in(client, make_user("Editors"))
    data = identity_form(client) | {"accent_colour": "#ffd400", "tagline_en": "Fresh news"}
    answer = client.post(reverse("admin:articles_siteidentity_change", args=[1]), data)
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "too hard to read" in page
    assert 'value="Fresh news"' in page and 'value="#ffd400"' in page
    assert SiteIdentity.load().accent_colour == "#0b5cad"


def test_the_dark_shade_of_a_colour_reads_on_the_dark_page():
    for colour in ("#0b5cad", "#7a1f2b", "#000000", "#1b5e20"):
        assert contrast(lighter_shade(colour, "#121417"), "#121417") >= READABLE_CONTRAST


def test_only_editors_keep_the_identity_and_the_static_pages(client, roles):
    for group in ("Authors", "Translators"):
        signed_in(client, make_user(group))
        identity = client.get(reverse("admin:articles_siteidentity_change", args=[1]))
        pages = client.get(reverse("admin:articles_staticpage_add"))
        assert identity.status_code == 403 and pages.status_code == 403, group
    signed_in(client, make_user("Editors"))
    assert client.get(reverse("admin:articles_staticpage_add")).status_code == 200
    # There is one identity: its list opens it, and it cannot be deleted.
    listed = client.get(reverse("admin:articles_siteidentity_changelist"))
    assert listed.status_code == 302 and listed["Location"].endswith("/siteidentity/1/change/")
    assert client.get(reverse("admin:articles_siteidentity_delete", args=[1])).status_code == 403


def make_page(**fields) -> StaticPage:
    page = StaticPage(**fields)
    page.save()
    return page


def test_a_static_page_is_live_in_each_language_it_is_written_in(client):
    page = make_page(
        title_ru="О нас", body_ru="<p>Мы агентство.</p>", title_en="About us", body_en=""
    )
    assert page.get_absolute_url("ru") == "/ru/pages/o-nas/"

    answer = client.get("/ru/pages/o-nas/")
    assert answer.status_code == 200
    assert "<h1>О нас</h1>" in answer.content.decode()
    assert "<p>Мы агентство.</p>" in answer.content.decode()

    # English has a title and no text: not live there, and its page says where to read it.
    missing = client.get("/en/pages/o-nas/")
    assert missing.status_code == 404
    assert 'href="/ru/pages/o-nas/"' in missing.content.decode()
    footer = client.get("/en/").content.decode().split('<footer class="site-footer">')[1]
    assert "About us" not in footer
    footer = client.get("/ru/").content.decode().split('<footer class="site-footer">')[1]
    assert '<a href="/ru/pages/o-nas/">О нас</a>' in footer


def test_a_static_pages_slug_from_another_language_redirects_to_this_languages(client):
    make_page(
        title_ru="Реклама", body_ru="<p>Цены.</p>", title_en="Advertising", body_en="<p>Rates.</p>"
    )
    answer = client.get("/en/pages/reklama/")
    assert answer.status_code == 301 and answer["Location"] == "/en/pages/advertising/"
    assert client.get("/en/pages/no-such-page/").status_code == 404


def test_pages_written_in_one_language_each_do_not_clash(client):
    make_page(title_ru="Первая", body_ru="<p>Раз.</p>")
    make_page(title_en="Second", body_en="<p>Two.</p>")
    assert StaticPage.objects.filter(slug_en__isnull=True).count() == 1


def test_a_static_page_is_sanitised_like_an_article_by_the_form_and_by_any_save(client, roles):
    page = make_page(title_en="Privacy", body_en="<p>Safe.</p><script>alert(1)</script>")
    assert "<script" not in page.body_en

    signed_in(client, make_user("Editors"))
    url = reverse("admin:articles_staticpage_change", args=[page.pk])
    form = next(
        form for form in posted_forms(client.get(url).content.decode()) if "title_en" in form.data
    )
    data = {name: values[0] for name, values in form.data.items()}
    data["body_en"] = '<p onclick="steal()">Edited.</p><iframe src="https://evil.example"></iframe>'
    assert client.post(url, data).status_code == 302
    page.refresh_from_db()
    assert page.body_en == "<p>Edited.</p>"


def test_static_pages_are_in_their_editions_sitemaps(client):
    make_page(title_ru="Контакты", body_ru="<p>Телефон.</p>")
    assert "/ru/pages/kontakty/" in client.get("/sitemap-pages-ru.xml").content.decode()
    assert "/pages/" not in client.get("/sitemap-pages-en.xml").content.decode()


def test_the_home_page_names_the_site_in_structured_data(client):
    name_the_site(en="Inform")
    page = client.get("/en/").content.decode()
    data = [
        json.loads(found)
        for found in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)
    ]
    assert data[0]["name"] == "Inform" and data[0]["publisher"]["name"] == "Inform"


def test_an_articles_source_is_named_in_each_editions_letters(client):
    from articles.models import Source

    article = make_article(source="Kazinform", title_ru="Новость", title_kk="Жаңалық")
    other = make_article(source="Reuters")
    assert (
        '<span class="source">Kazinform</span>'
        in client.get(article.get_absolute_url("ru")).content.decode()
    )

    Source.objects.create(
        credit="KAZINFORM", name_kk="Қазинформ", name_ru="Казинформ", name_en="Kazinform"
    )
    assert (
        '<span class="source">Казинформ</span>'
        in client.get(article.get_absolute_url("ru")).content.decode()
    )
    assert (
        '<span class="source">Qazinform</span>'
        in client.get(article.get_absolute_url("kk-latn")).content.decode()
    )
    # A credit no source names reads as it was typed.
    assert (
        '<span class="source">Reuters</span>'
        in client.get(other.get_absolute_url("ru")).content.decode()
    )


def test_a_logo_takes_the_names_place_in_the_header_with_its_size(client, tiny_png):
    from django.core.files.uploadedfile import SimpleUploadedFile

    identity = name_the_site(en="Inform")
    identity.logo = SimpleUploadedFile("logo.png", tiny_png, content_type="image/png")
    identity.save()

    page = client.get("/en/").content.decode()

    brand = re.search(r'<a class="brand" href="/en/">(.*?)</a>', page)[1]
    assert re.fullmatch(
        r'<img src="/media/identity/logo[^"]*\.png" width="3" height="2" alt="Inform">', brand
    )
    # The publisher's logo in structured data is the identity's too.
    logo = r'"logo": \{"@type": "ImageObject", "url": "[^"]*/media/identity/logo[^"]*", '
    assert re.search(logo + r'"width": 3, "height": 2\}', page)
