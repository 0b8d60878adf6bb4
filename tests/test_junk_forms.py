"""Junk typed into the admin's forms: a form error, the typed text kept, nothing saved.

Each form is posted as a browser posts it: its fields are read from the add or
change page (so a field added later is posted too), then junk replaces some
of them: control characters, NUL, titles and slugs ten times too long,
impossible dates, missing values, ids that do not exist or overflow a 64-bit
column, files that are not pictures and pictures too large to decode.
"""

import io
import struct
import zlib
from html import escape
from html.parser import HTMLParser

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PillowImage
from reversion.models import Revision, Version

from articles.models import Article, Author, Byline, Category, Image, RetiredSlug, Tag
from tests.desk import signed_in
from tests.factories import make_article, make_author, make_category, make_image, make_tag

pytestmark = pytest.mark.django_db

HUGE = str(10**30)  # past any 64-bit column
TOO_LONG = "Ұзын сөз " * 334  # ten times the 300 characters a title may have
KEPT = "Мәтін, ол жоғалмауы керек"  # typed beside the junk, and shown again
# The fields whose junk the re-rendered form shows as typed (a select shows its choices).
TYPED = ("title_", "slug_", "lead_", "body_", "published_at_", "breaking_until_")


class BrowserForm(HTMLParser):
    """The fields a browser posts from the form with `form_id`, with their current values."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str | list[str]] = {}
        self.textarea = self.select = None
        self.multiple = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name") or ""
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif not self.inside or "__prefix__" in name:  # an inline's empty template row
            return
        elif tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file") or (
                kind == "checkbox" and "checked" not in attrs
            ):
                return
            self.fields[name] = attrs.get("value") or ("on" if kind == "checkbox" else "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self.select, self.multiple = name, "multiple" in attrs
            self.fields[name] = [] if self.multiple else None
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.multiple:
                if "selected" in attrs:
                    self.fields[self.select].append(value)
            elif "selected" in attrs or self.fields[self.select] is None:
                self.fields[self.select] = value  # the first option, unless one is selected

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            # Browsers drop the newline that follows <textarea>.
            self.fields[self.textarea] = self.fields[self.textarea].removeprefix("\n")
            self.textarea = None
        elif tag == "select" and self.select:
            if self.fields[self.select] is None:
                self.fields[self.select] = ""
            self.select = None


def form_data(client, url: str, form_id: str) -> dict:
    """What the page at `url` would post, untouched."""
    response = client.get(url)
    assert response.status_code == 200
    parser = BrowserForm(form_id)
    parser.feed(response.content.decode())
    assert parser.fields, f"no form {form_id} at {url}"
    return parser.fields


def rows() -> dict[str, int]:
    """How many rows every table an admin form writes holds."""
    models = (Article, Byline, Category, Author, Tag, Image, RetiredSlug, Revision, Version)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["article tags"] = Article.tags.through.objects.count()
    counts["admin log"] = LogEntry.objects.count()
    return counts


def stored_files(settings) -> list:
    return [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()]


def assert_refused(response, *typed: str) -> None:
    """A form error, every typed text shown again, no redirect to a saved object."""
    assert response.status_code == 200
    page = response.content.decode()
    assert "errornote" in page or "errorlist" in page, page[:3000]
    for text in typed:
        assert escape(text, quote=True) in page, f"{text[:60]!r} was lost"


def png_claiming(width: int, height: int) -> bytes:
    """A one-pixel PNG whose header claims width × height: a decompression bomb's header."""
    buffer = io.BytesIO()
    PillowImage.new("RGB", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    struct.pack_into(">II", data, 16, width, height)  # IHDR's width and height
    struct.pack_into(">I", data, 29, zlib.crc32(data[12:29]))  # and its checksum
    return bytes(data)


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser("chief", "chief@example.com", "pw")
    signed_in(client, user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# The article form: modeltranslation's fields per language, bylines inline.

ARTICLE_JUNK = {
    "a title ten times too long": {"title_kk": TOO_LONG},
    "a slug ten times too long": {"slug_ru": "s" * 3000},
    "a slug with spaces and a bell": {"slug_en": "not a slug\x07"},
    "NUL in the title": {"title_ru": "Заголовок\x00с нулём"},
    "NUL in the body": {"body_en": "A body\x00with NUL"},
    "control characters in the lead": {"lead_kk": "\x1b[31m\x08\x0c", "title_kk": ""},
    "an impossible date": {"published_at_en_0": "2026-02-30", "published_at_en_1": "10:00"},
    "a date past year 9999": {"published_at_en_0": "99999-01-01", "published_at_en_1": "10:00"},
    "the first day of year 1": {"published_at_en_0": "0001-01-01", "published_at_en_1": "00:00"},
    "a time that is no time": {"published_at_ru_0": "2026-01-01", "published_at_ru_1": "25:61"},
    "half a date": {"published_at_ru_0": "", "published_at_ru_1": "10:00"},
    "a status that is not one": {"status": "bogus"},
    "a language that is not one": {"original_language": "xx"},
    "a category that overflows": {"category": HUGE},
    "a category that is text": {"category": "abc"},
    "a cover image that overflows": {"cover_image": HUGE},
    "tags that overflow": {"tags": [HUGE]},
    "tags that are junk": {"tags": ["abc", "\x00"]},
    "a byline by an author who overflows": {"bylines-0-author": HUGE},
    "a byline by an author who is text": {"bylines-0-author": "%00"},
    "a negative byline position": {"bylines-0-position": "-1"},
    "a byline position that overflows": {"bylines-0-position": HUGE},
    "a junk inline count": {"bylines-TOTAL_FORMS": "abc"},
    "a published article without a body": {"status": "published", "body_en": ""},
    "a withdrawn article without a reason": {"status": "withdrawn", "withdrawal_reason": ""},
    "no title in any language": {"title_en": "", "title_kk": "", "title_ru": ""},
}


@pytest.mark.parametrize("junk", ARTICLE_JUNK.values(), ids=ARTICLE_JUNK.keys())
def test_junk_in_a_new_article_is_a_form_error_that_saves_nothing(editor, settings, junk):
    author = make_author()
    url = reverse("admin:articles_article_add")
    data = form_data(editor, url, "article_form")
    data.update(
        title_en="A headline",
        body_en=KEPT,
        lead_ru=KEPT,
        **{"bylines-0-author": str(author.pk), "bylines-0-position": "0"},
    )
    data.update(junk)
    before = rows()

    response = editor.post(url, data)

    typed = [value for name, value in junk.items() if name.startswith(TYPED) and value]
    assert_refused(response, KEPT, *typed)
    assert rows() == before
    assert not stored_files(settings)


@pytest.fixture
def article():
    """A live article with a byline and a tag, as editors find it."""
    article = make_article(authors=[make_author()], category=make_category())
    article.tags.add(make_tag())
    return article


def stored(article: Article) -> tuple:
    article = Article.objects.get(pk=article.pk)
    return (
        [getattr(article, f"title_{code}") for code in ("kk", "ru", "en")],
        article.body_en,
        article.status,
        article.edit_version,
        list(article.bylines.values_list("author_id", "position")),
        list(article.tags.values_list("pk", flat=True)),
    )


CHANGE_JUNK = {
    name: ARTICLE_JUNK[name]
    for name in (
        "a title ten times too long",
        "NUL in the title",
        "control characters in the lead",
        "the first day of year 1",
        "a status that is not one",
        "a category that is text",
        "tags that overflow",
        "a byline by an author who is text",
        "a byline position that overflows",
        "a junk inline count",
        "no title in any language",
    )
} | {
    "a published article without a body": {f"body_{code}": "" for code in ("kk", "ru", "en")},
    "a version that is text": {"based_on_version": "abc"},
    "a version that overflows": {"based_on_version": HUGE},
    "a byline id that overflows": {"bylines-0-id": HUGE},
    "an inline that claims more saved rows": {"bylines-INITIAL_FORMS": "5"},
}


@pytest.mark.parametrize("junk", CHANGE_JUNK.values(), ids=CHANGE_JUNK.keys())
def test_junk_in_an_article_change_leaves_the_article_as_it_was(editor, article, junk):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor, url, "article_form")
    data["lead_ru"] = KEPT
    data.update(junk)
    before, counts = stored(article), rows()

    response = editor.post(url, data)

    if response.status_code == 302:
        # Junk that names nothing was ignored: nothing else changed (a stale version saves).
        assert junk.keys() <= {"based_on_version", "bylines-0-id"}
    else:
        assert_refused(response, KEPT)
        assert stored(article) == before
        assert rows() == counts


def test_the_last_minute_of_year_9999_west_of_greenwich_is_out_of_range(editor, settings):
    settings.TIME_ZONE = "America/New_York"  # in UTC, it is already year 10000
    url = reverse("admin:articles_article_add")
    data = form_data(editor, url, "article_form")
    data.update(
        title_en=KEPT,
        body_en="Body.",
        breaking_until_0="9999-12-31",
        breaking_until_1="23:59",
    )
    before = rows()

    response = editor.post(url, data)

    assert_refused(response, KEPT, "9999-12-31")
    assert "This date is out of range." in response.content.decode()
    assert rows() == before


def test_a_valid_article_with_one_junk_byline_is_not_saved_half_way(editor):
    author = make_author()
    url = reverse("admin:articles_article_add")
    data = form_data(editor, url, "article_form")
    data.update(
        title_en=KEPT,
        body_en="Body.",
        status="published",
        **{
            "bylines-TOTAL_FORMS": "2",
            "bylines-0-author": str(author.pk),
            "bylines-0-position": "0",
            "bylines-1-author": HUGE,
            "bylines-1-position": "1",
        },
    )
    before = rows()

    response = editor.post(url, data)

    assert_refused(response, KEPT)
    assert rows() == before


# Categories, authors and tags: a name in each language, a slug, a position.

NAMED_JUNK = {
    "a name ten times too long": {"name_kk": TOO_LONG[:1500]},
    "NUL in the name": {"name_ru": "Имя\x00"},
    "an escape sequence in the name": {"name_en": "Name\x1b[31m"},
    "a missing name": {"name_en": ""},
    "a name of spaces only": {"name_en": "   "},
    "a slug ten times too long": {"slug_en": "s" * 1500},
    "a slug in Cyrillic": {"slug_ru": "рубрика"},
    "a slug with a NUL": {"slug_kk": "slug%00"},
    "a slug of dots": {"slug_en": ".."},
}
CATEGORY_JUNK = {
    **NAMED_JUNK,
    "a negative position": {"position": "-1"},
    "a position that overflows": {"position": HUGE},
    "a position that is text": {"position": "first"},
    "a missing position": {"position": ""},
    "NUL in the description": {"description_en": "About\x00"},
}
AUTHOR_JUNK = {**NAMED_JUNK, "NUL in the biography": {"bio_en": "Born\x00"}}
NAMED_FORMS = [
    *[("category", name, junk) for name, junk in CATEGORY_JUNK.items()],
    *[("author", name, junk) for name, junk in AUTHOR_JUNK.items()],
    *[("tag", name, junk) for name, junk in NAMED_JUNK.items()],
]


@pytest.mark.parametrize(
    ("model", "junk"),
    [(model, junk) for model, _name, junk in NAMED_FORMS],
    ids=[f"{model}: {name}" for model, name, _junk in NAMED_FORMS],
)
def test_junk_in_a_category_author_or_tag_is_a_form_error_that_saves_nothing(editor, model, junk):
    url = reverse(f"admin:articles_{model}_add")
    data = form_data(editor, url, f"{model}_form")
    data.update(name_kk=KEPT, name_ru="Имя", name_en="Name")
    data.update(junk)
    before = rows()

    response = editor.post(url, data)

    assert_refused(response, junk.get("name_kk", KEPT))
    assert rows() == before


@pytest.mark.parametrize(
    ("model", "junk"),
    [(model, junk) for model, _name, junk in NAMED_FORMS],
    ids=[f"{model}: {name}" for model, name, _junk in NAMED_FORMS],
)
def test_junk_in_a_category_author_or_tag_change_leaves_it_as_it_was(editor, model, junk):
    thing = {"category": make_category, "author": make_author, "tag": make_tag}[model]()
    url = reverse(f"admin:articles_{model}_change", args=[thing.pk])
    data = form_data(editor, url, f"{model}_form")
    data["name_kk"] = KEPT
    data.update(junk)
    values = type(thing).objects.filter(pk=thing.pk).values().get()
    before = rows()

    response = editor.post(url, data)

    assert_refused(response)
    assert type(thing).objects.filter(pk=thing.pk).values().get() == values
    assert rows() == before


# Pictures: the media library's images and authors' photos.


@pytest.fixture
def picture_limits(settings):
    settings.IMAGE_MAX_PIXELS = 400  # a 20 × 20 picture, and no more
    settings.IMAGE_MAX_UPLOAD_BYTES = 64 * 1024


def picture(size=(30, 30)) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


BAD_FILES = {
    "text named .png": ("notes.png", b"Not a picture at all.\n"),
    "a script named .jpg": ("photo.jpg", b"<?php system($_GET['c']); ?>"),
    "random bytes": ("noise.png", bytes(range(256)) * 8),
    "a truncated PNG": ("cut.png", picture((20, 10))[:60]),
    "an empty file": ("empty.png", b""),
    "more pixels than the limit": ("big.png", picture((30, 30))),
    "a bomb's header": ("bomb.png", png_claiming(100_000, 100_000)),
    "a file over the size limit": ("huge.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 70_000),
}


@pytest.mark.parametrize("name, content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_file_that_is_no_usable_picture_is_refused_by_the_media_library(
    editor, settings, picture_limits, name, content
):
    url = reverse("admin:articles_image_add")
    data = form_data(editor, url, "image_form")
    data.update(alt_en=KEPT, caption_ru="Подпись\x00", credit="x" * 2000)
    data["file"] = SimpleUploadedFile(name, content)
    before = rows()

    response = editor.post(url, data)

    assert_refused(response, KEPT)
    assert rows() == before
    assert not stored_files(settings)


@pytest.mark.parametrize("name, content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_file_that_is_no_usable_picture_is_refused_as_an_authors_photo(
    editor, settings, picture_limits, name, content
):
    url = reverse("admin:articles_author_add")
    data = form_data(editor, url, "author_form")
    data.update(name_kk=KEPT, name_ru="Имя", name_en="Name")
    data["photo"] = SimpleUploadedFile(name, content)
    before = rows()

    response = editor.post(url, data)

    assert_refused(response, KEPT)
    assert rows() == before
    assert not stored_files(settings)


def test_the_picture_limits_leave_a_small_picture_through(editor, settings, picture_limits):
    """The refusals above are the limits at work, not a broken upload."""
    url = reverse("admin:articles_image_add")
    data = form_data(editor, url, "image_form")
    data.update(alt_en="Teal", file=SimpleUploadedFile("small.png", picture((20, 20))))

    assert editor.post(url, data).status_code == 302
    assert Image.objects.count() == 1


def test_an_image_change_with_junk_keeps_the_stored_picture(editor, settings, tiny_png):
    image = make_image(tiny_png)
    url = reverse("admin:articles_image_change", args=[image.pk])
    data = form_data(editor, url, "image_form")
    data.update(alt_en=KEPT, file=SimpleUploadedFile("notes.png", b"not a picture"))
    files = stored_files(settings)

    response = editor.post(url, data)

    assert_refused(response, KEPT)
    assert Image.objects.get().file.name == image.file.name
    assert stored_files(settings) == files


# Junk in the admin's own addresses: a redirect or a 404, never a server error.

ADMIN_JUNK = [
    "articles/article/?created_at__year=" + HUGE,
    "articles/article/?created_at__year=9999",
    "articles/article/?created_at__year=9999&created_at__month=12&created_at__day=31",
    "articles/article/?created_at__year=1",
    "articles/article/?created_at__year=2026&created_at__month=" + HUGE,
    "articles/article/?created_at__year=2026&created_at__month=2&created_at__day=30",
    "articles/article/?updated_at__year=" + HUGE,
    "articles/article/?published_at_kk__gte=99999-01-01",
    "articles/article/?category__id__exact=" + HUGE,
    "articles/article/?language=%00",
    "articles/article/?q=%00",
    "articles/article/?o=99.-99",
    "articles/article/?p=" + HUGE,
    "articles/article/abc/change/",
    f"articles/article/{HUGE}/change/",
    "articles/article/abc/history/",
    "articles/article/%00/history/",
    f"articles/article/{HUGE}/history/",
    "articles/article/abc/history/1/",
    "articles/article/{pk}/history/abc/",
    f"articles/article/{{pk}}/history/{HUGE}/",
    f"articles/article/{{pk}}/history/compare/?from=abc&to={HUGE}",
    f"articles/article/{HUGE}/presence/",
    "articles/article/slug-preview/?language=kk&text=%00",
    "articles/category/abc/delete/",
    "autocomplete/?app_label=articles&model_name=article&field_name=tags&term=%00",
]


@pytest.mark.parametrize("path", ADMIN_JUNK)
def test_junk_in_an_admin_address_is_refused_without_a_server_error(editor, article, path):
    response = editor.get("/admin/" + path.format(pk=article.pk))

    assert response.status_code in (200, 302, 400, 403, 404)
