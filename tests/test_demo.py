"""The demo content of `make run`: loaded once for the module (it draws and encodes pictures)."""

import re
import tempfile
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from PIL import Image

from articles.models import Article, Author, Category

# The module's costly fixture is made once, in one worker (make test: --dist loadgroup).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

LANGUAGES = ["kk", "ru", "en"]


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def printed_password(output: str) -> str | None:
    match = re.search(r"with the password: (\S+)", output)
    return match.group(1) if match else None


@pytest.fixture(autouse=True)
def _media_root():
    """The demo's pictures stay in the directory they were loaded into (demo_output)."""


@pytest.fixture(scope="module")
def demo_media():
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        yield media


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker, demo_media):
    """The demo loaded once, in a transaction undone after the module's tests."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield load_demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo_output(loaded_demo):
    return loaded_demo


def test_demo_fills_every_page_with_articles_categories_and_authors(demo_output):
    assert Article.objects.count() >= 30
    assert Category.objects.count() == 5
    assert Author.objects.count() == 4
    for code in LANGUAGES:
        assert Article.objects.public(code).count() >= 10, code
        assert Article.objects.public(code).filter(featured=True).exists(), code


def test_some_demo_articles_lack_a_language(demo_output):
    public = Article.objects.published()
    for code in LANGUAGES:
        assert public.count() > public.in_language(code).count(), code


def test_demo_covers_are_real_images(demo_output):
    with_cover = Article.objects.filter(cover_image__isnull=False).select_related("cover_image")
    assert with_cover.count() >= 5
    for article in with_cover:
        cover = article.cover_image
        with Image.open(cover.file.path) as image:
            assert image.size == (cover.width, cover.height)
        for code in article.languages:  # described for readers of each language
            assert getattr(cover, f"alt_{code}") and getattr(cover, f"caption_{code}")


def test_demo_has_a_draft_a_withdrawn_and_a_scheduled_article_nobody_sees(demo_output):
    hidden = Article.objects.exclude(pk__in=Article.objects.published())
    statuses = set(hidden.values_list("status", flat=True))
    assert statuses == {"draft", "withdrawn", "published"}  # published: scheduled for tomorrow


def test_every_public_demo_page_renders(client, demo_output):
    for code in LANGUAGES:
        for url in [f"/{code}/", f"/{code}/news/", f"/{code}/rss/"]:
            assert client.get(url).status_code == 200, url
        for article in Article.objects.public(code):
            response = client.get(article.get_absolute_url(code))
            assert response.status_code == 200
            assert "None" not in response.content.decode()
        for category in Category.objects.all():
            assert client.get(category.get_absolute_url(code)).status_code == 200
        for author in Author.objects.all():
            assert client.get(author.get_absolute_url(code)).status_code == 200


def test_loading_twice_changes_nothing(demo_output):
    count = Article.objects.count()
    second = load_demo()
    assert Article.objects.count() == count
    assert "not loaded" in second


def test_demo_editor_gets_a_generated_password_printed_once(demo_output):
    password = printed_password(demo_output)
    editor = get_user_model().objects.get(username="editor")
    assert editor.is_staff and editor.is_superuser
    assert password and editor.check_password(password)
    assert "/admin/" in demo_output

    again = load_demo()
    assert printed_password(again) is None
    assert "changepassword editor" in again
    editor.refresh_from_db()
    assert editor.check_password(password)


def test_each_new_database_gets_a_different_password(demo_output):
    first = printed_password(demo_output)
    get_user_model().objects.filter(username="editor").delete()
    second = printed_password(load_demo())
    assert first and second and first != second


def test_the_demo_site_has_its_own_pages_identity_and_sources(client, demo_output):
    from articles.models import Article, SiteIdentity, StaticPage

    assert StaticPage.objects.count() == 6
    assert SiteIdentity.load().social_links.count() == 5
    for code in ("kk", "kk-latn", "ru", "en"):
        footer = client.get(f"/{code}/").content.decode().split('<footer class="site-footer">')[1]
        assert footer.count("/pages/") == 6, code
    story = Article.objects.published("ru").filter(source="Kazinform").first()
    page = client.get(story.get_absolute_url("ru")).content.decode()
    assert '<span class="source">Казинформ</span>' in page
