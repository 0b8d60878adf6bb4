"""import_content fed a hostile or broken backup: cleaned as a save cleans it, or refused whole.

Bodies are sanitized as Article.save() sanitizes them, and serve nothing
executable on the article page or in the feeds. Text no page or feed can
carry, media names outside the media storage, renditions and Latin sources
of another shape, times past the calendar and documents nested too deep are
refused with the item and field they are in, and the database is left as
it was.
"""

import copy
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from datetime import timezone as fixed_offset
from itertools import batched
from pathlib import Path

import ijson
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from articles.editions.languages import EDITIONS
from articles.interchange import backup
from articles.media.sanitizer import CONTROL_CHARACTERS, clean_body
from articles.models import Article, Image
from articles.public.feeds import FEED_LENGTH
from tests.factories import make_article, make_author, make_category, make_image, make_tag
from tests.fixtures.hostile_html import CORPUS
from tests.test_backup import (
    JUNK,
    content_rows,
    export_document,
    import_content,
    public_addresses,
    write_document,
)
from tests.test_sanitizer import assert_nothing_executable

pytestmark = pytest.mark.django_db

HTML_COLUMNS = [f"body_{code.replace('-', '_')}" for code in EDITIONS] + ["latin_body"]
# Control characters are refused before any sanitizing, as the admin refuses them.
IMPORTABLE = [case for case in CORPUS if not CONTROL_CHARACTERS.search(case.html)]
WITH_CONTROL_CHARACTERS = [case for case in CORPUS if CONTROL_CHARACTERS.search(case.html)]


@pytest.fixture(autouse=True)
def _site(settings):
    """The site assert_nothing_executable expects, in the time zone the edge times are for."""
    settings.SITE_URL = "https://newsroom.example"
    settings.MEDIA_URL = "/media/"
    settings.TIME_ZONE = "Asia/Almaty"


@pytest.fixture
def document(tiny_png) -> dict:
    """The export of a small site: an author with a photo, a picture, an article using both."""
    author = make_author()
    author.photo.save("aigerim.png", ContentFile(tiny_png))
    cover = make_image(tiny_png, "senate.png")
    article = make_article(cover_image=cover, authors=[author], category=make_category())
    article.tags.set([make_tag()])
    return export_document()


@pytest.fixture(params=["yajl2_c", "python"])
def json_parser(request, monkeypatch):
    """Each of ijson's parsers: yajl's, in C, where it is installed; its own in Python elsewhere."""
    if request.param == "python":
        monkeypatch.setattr(ijson, "basic_parse", ijson.get_backend("python").basic_parse)


def refused_import(path: Path) -> str:
    """What an import with --replace reports; it must write, and delete, nothing."""
    before = content_rows()
    with pytest.raises(CommandError, match="cannot be imported; nothing was written") as refused:
        import_content(path, "--replace")
    assert content_rows() == before
    return str(refused.value)


def refused(tmp_path: Path, document: dict) -> str:
    return refused_import(write_document(tmp_path / "backup.json", document))


def with_bodies(document: dict, bodies: list[str]) -> dict:
    """The document's article once per body, in every edition's body and in latin_body."""
    article = document["articles"][0]
    document["articles"] = [
        {**article, "id": number, "body": dict.fromkeys(EDITIONS, body), "latin_body": body}
        for number, body in enumerate(bodies, start=1)
    ]
    return document


def shown_bodies(client, article: Article) -> list[str]:
    """The article's body as each edition's page shows it."""
    bodies = []
    for code in EDITIONS:
        page = client.get(article.get_absolute_url(code))
        assert page.status_code == 200
        bodies.append(re.search(r'<div class="body">(.*?)</div>', page.text, re.S)[1])
    return bodies


def feed_contents(client) -> list[str]:
    """The HTML of every item of every edition's JSON and RSS feeds."""
    contents = []
    for code in EDITIONS:
        contents += [
            item["content_html"] for item in client.get(f"/{code}/feed.json").json()["items"]
        ]
        rss = ET.fromstring(client.get(f"/{code}/rss/").content)
        for item in rss.iter("item"):
            contents.append(item.findtext("description"))
            contents.append(item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded"))
    return contents


# Bodies


# Bodies an import once stored as they came, for the article page and the feeds to serve.
SERVED_AS_IMPORTED = {
    "an entity-encoded javascript link": '<p><a href="java&#115;cript:alert(1)">Read</a></p>',
    "a tab-split javascript link": '<p><a href="java\tscript:alert(1)">Read</a></p>',
    "a fixed overlay": '<p style="position:fixed;inset:0;z-index:99">Read</p>',
    "a textarea that swallows the page": "<p>Read</p><textarea>",
}


@pytest.mark.parametrize("body", SERVED_AS_IMPORTED.values(), ids=SERVED_AS_IMPORTED.keys())
def test_an_imported_body_is_stored_as_a_save_would_store_it(document, tmp_path, client, body):
    path = write_document(tmp_path / "backup.json", with_bodies(document, [body]))

    import_content(path, "--replace")

    article = Article.objects.get()
    assert [getattr(article, column) for column in HTML_COLUMNS] == [clean_body(body)] * 5
    assert make_article(body_kk=body).body_kk == clean_body(body)
    assert "Read" in client.get("/kk/feed.json").json()["items"][0]["content_html"]
    for html in [*shown_bodies(client, article), *feed_contents(client)]:
        assert_nothing_executable(html)


@pytest.mark.parametrize(
    "cases",
    list(batched(IMPORTABLE, FEED_LENGTH, strict=False)),
    ids=lambda cases: f"{cases[0].name}...{cases[-1].name}",
)
def test_no_hostile_body_serves_anything_executable_after_an_import(
    document, tmp_path, client, cases
):
    # Behind a paragraph, so that each body is rich text, sanitized, not shown as escaped text.
    bodies = [f"<p>Imported.</p>{case.html}" for case in cases]
    path = write_document(tmp_path / "backup.json", with_bodies(document, bodies))

    import_content(path, "--replace")

    for article, body in zip(Article.objects.order_by("pk"), bodies, strict=True):
        assert {getattr(article, column) for column in HTML_COLUMNS} == {clean_body(body)}
        for shown in shown_bodies(client, article):
            assert_nothing_executable(shown)
    contents = feed_contents(client)
    assert len(contents) == len(EDITIONS) * 3 * len(cases)
    for content in contents:
        assert_nothing_executable(content)


@pytest.mark.parametrize(
    "case", WITH_CONTROL_CHARACTERS, ids=[case.name for case in WITH_CONTROL_CHARACTERS]
)
def test_a_body_with_control_characters_is_refused_as_the_admin_refuses_it(
    document, tmp_path, case
):
    document["articles"][0]["body"]["ru"] = f"<p>Imported.</p>{case.html}"

    message = refused(tmp_path, document)

    assert re.search(r"articles\[0\] \(id \d+\): body.ru: holds a control character", message)


# Plain text


@pytest.mark.parametrize(
    ("section", "field", "value", "code_point"),
    [
        ("articles", "title.kk", "Сенат\x1b[2J бюджетті мақұлдады", "U+001B"),
        ("articles", "source", "Kazinform\x00", "U+0000"),
        ("articles", "latin_title", "Senat\x08", "U+0008"),
        ("authors", "name.ru", "Айгерим\x0cСарсенова", "U+000C"),
        ("images", "credit", "\x07Kazinform", "U+0007"),
        ("categories", "slug.en", "politics\x1f", "U+001F"),
    ],
    ids=["title", "source", "latin_title", "author name", "credit", "slug"],
)
def test_text_with_control_characters_is_refused_naming_the_item_and_field(
    document, tmp_path, section, field, value, code_point
):
    name, _dot, code = field.partition(".")
    item = document[section][0]
    if code:
        item[name][code] = value
    else:
        item[name] = value

    message = refused(tmp_path, document)

    assert re.search(
        rf"{section}\[0\] \(id \d+\): {re.escape(field)}: holds a control character "
        rf"\({re.escape(code_point)}, character \d+\)",
        message,
    )


# yajl reads a lone first half ("\\ud800") as "?" itself: nothing is left to refuse.
@pytest.mark.parametrize(
    ("json_parser", "escape"),
    [
        ("python", "\\ud800"),
        ("python", "\\udc00"),
        ("python", "\\udfff"),
        ("yajl2_c", "\\udc00"),
        ("yajl2_c", "\\udfff"),
    ],
    indirect=["json_parser"],
)
def test_half_a_utf16_pair_is_refused_by_either_parser(document, tmp_path, json_parser, escape):
    document["categories"][0]["name"]["kk"] = "Саясат"
    text = json.dumps(document, ensure_ascii=False).replace('"Саясат"', f'"{escape}Саясат"')
    path = tmp_path / "backup.json"
    path.write_text(text, encoding="utf-8")

    message = refused_import(path)

    assert re.search(
        r"categories\[0\]: not JSON \(a \\u escape that is half a character\)"
        r"|categories\[0\] \(id \d+\): name.kk: holds half of a UTF-16 pair",
        message,
    )


def test_a_problem_report_shows_the_documents_text_escaped(document, tmp_path):
    document["tags"][0]["\x1b]0;owned\x07\u202e"] = "\x1b[2J"
    document["articles"][0]["title"]["kk"] = "\u202eSenate\x1b[2J"

    message = refused(tmp_path, document)

    assert r'"\u001b]0;owned\u0007\u202e": not part of the format' in message
    assert all(line.isprintable() for line in message.splitlines())


# Media names


OUTSIDE_THE_MEDIA_STORAGE = {
    "climbing out": "../../newsroom/settings.py",
    "climbing out midway": "images/../../../etc/passwd",
    "climbing out with backslashes": "images\\..\\..\\secret.jpg",
    "absolute": "/etc/passwd",
    "absolute with a backslash": "\\\\server\\share\\x.jpg",
    "a drive": "C:\\Windows\\win.ini",
    "a drive with a slash": "c:/images/x.jpg",
    "a folder": "images/",
    "the storage itself": ".",
}
NOT_A_MEDIA_NAME = r"(is not a name inside the media storage|names a drive)"


@pytest.mark.parametrize(
    "name", OUTSIDE_THE_MEDIA_STORAGE.values(), ids=OUTSIDE_THE_MEDIA_STORAGE.keys()
)
def test_an_image_file_outside_the_media_storage_is_refused_and_nothing_changes(
    document, tmp_path, name
):
    document["images"][0]["file"] = name

    message = refused(tmp_path, document)

    assert re.search(rf"images\[0\] \(id \d+\): file: .* {NOT_A_MEDIA_NAME}", message)


@pytest.mark.parametrize(
    "name", OUTSIDE_THE_MEDIA_STORAGE.values(), ids=OUTSIDE_THE_MEDIA_STORAGE.keys()
)
def test_an_author_photo_outside_the_media_storage_is_refused_and_nothing_changes(
    document, tmp_path, name
):
    document["authors"][0]["photo"] = name

    message = refused(tmp_path, document)

    assert re.search(rf"authors\[0\] \(id \d+\): photo: .* {NOT_A_MEDIA_NAME}", message)


@pytest.mark.parametrize(
    "name", OUTSIDE_THE_MEDIA_STORAGE.values(), ids=OUTSIDE_THE_MEDIA_STORAGE.keys()
)
def test_a_rendition_outside_the_media_storage_is_refused_and_nothing_changes(
    document, tmp_path, name
):
    [kind, *_others] = document["images"][0]["renditions"]["formats"]
    document["images"][0]["renditions"]["formats"][kind][0][1] = name

    message = refused(tmp_path, document)

    assert re.search(
        rf"images\[0\] \(id \d+\): renditions: formats.{kind}\[0\]: .* {NOT_A_MEDIA_NAME}",
        message,
    )


@pytest.mark.parametrize(
    ("field", "name", "problem"),
    [
        ("file", "images/x.jpg\x00.png", r"file: holds a control character \(U\+0000"),
        ("file", "images/x.png\n", r"file: .* holds an unprintable character \(U\+000A\)"),
        ("renditions", f"renditions/{'ы' * 200}.webp", r"renditions: .* a part longer than"),
    ],
)
def test_a_media_name_no_storage_can_hold_is_refused(document, tmp_path, field, name, problem):
    image = document["images"][0]
    if field == "file":
        image["file"] = name
    else:
        image["renditions"]["source"] = name

    message = refused(tmp_path, document)

    assert re.search(rf"images\[0\] \(id \d+\): {problem}", message)


def test_names_with_dots_inside_the_media_storage_are_imported(document, tmp_path):
    document["images"][0]["file"] = "images/..senate.png"
    document["authors"][0]["photo"] = "authors/aigerim..png"
    path = write_document(tmp_path / "backup.json", document)

    output = import_content(path, "--replace")

    assert "2 files the content names are not in the media storage" in output
    assert Image.objects.get().file.name == "images/..senate.png"


def renditions_without_formats(renditions: dict) -> dict:
    return {key: value for key, value in renditions.items() if key != "formats"}


MISSHAPEN_RENDITIONS = {
    "a list": (lambda renditions: [renditions], r"renditions: expected an object"),
    "an unknown member": (
        lambda renditions: {**renditions, "onload": "alert(1)"},
        r"renditions: expected \{\} or an object with fallback_type, formats, height, source",
    ),
    "a member missing": (renditions_without_formats, r"renditions: expected \{\} or an object"),
    "formats as a list": (
        lambda renditions: {**renditions, "formats": [["webp", 3, "x.webp"]]},
        r"renditions: formats: expected an object",
    ),
    "a rendition without a name": (
        lambda renditions: {**renditions, "formats": {"webp": [[3]]}},
        r"renditions: formats.webp\[0\]: expected \[width, name\], found \[3\]",
    ),
    "a width as text": (
        lambda renditions: {**renditions, "formats": {"webp": [["3", "x.webp"]]}},
        r"renditions: formats.webp\[0\]: expected a size in pixels",
    ),
    "a width of nothing": (
        lambda renditions: {**renditions, "width": 0},
        r"renditions: width: expected a size in pixels",
    ),
    "a fractional height": (
        lambda renditions: {**renditions, "height": 1.5},
        r"renditions: height: expected a size in pixels",
    ),
    "a name as a number": (
        lambda renditions: {**renditions, "formats": {"webp": [[3, 42]]}},
        r"renditions: formats.webp\[0\]: expected text, found 42",
    ),
}


@pytest.mark.parametrize(
    ("misshape", "problem"), MISSHAPEN_RENDITIONS.values(), ids=MISSHAPEN_RENDITIONS.keys()
)
def test_renditions_of_another_shape_are_refused(document, tmp_path, misshape, problem):
    image = document["images"][0]
    image["renditions"] = misshape(image["renditions"])

    message = refused(tmp_path, document)

    assert re.search(rf"images\[0\] \(id \d+\): {problem}", message)


@pytest.mark.parametrize(
    ("sources", "problem"),
    [
        ({"__class__": "x"}, r"latin_sources: __class__: not one of title, lead, body"),
        (["title"], r"latin_sources: expected an object"),
        ({"title": 5}, r"latin_sources: title: expected text, found 5"),
    ],
)
def test_latin_sources_of_another_shape_are_refused(document, tmp_path, sources, problem):
    document["articles"][0]["latin_sources"] = sources

    message = refused(tmp_path, document)

    assert re.search(rf"articles\[0\] \(id \d+\): {problem}", message)


def test_a_media_storage_that_stops_answering_is_warned_about_after_the_import(
    document, tmp_path, monkeypatch
):
    path = write_document(tmp_path / "backup.json", document)

    def out_of_reach(name):
        raise ConnectionError("the bucket is out of reach")

    monkeypatch.setattr(Image._meta.get_field("file").storage, "exists", out_of_reach)
    output = import_content(path, "--replace")

    stopped = "the media storage stopped answering (ConnectionError: the bucket is out of reach)"
    assert stopped in output
    assert "Imported categories 1, authors 1, tags 1, images 1, articles 1" in output


# Times


PAST_THE_CALENDAR = {
    "before year 1 in UTC": "0001-01-01T00:00:00+05:00",
    "after 9999 in UTC": "9999-12-31T23:59:59-05:00",
    "after 9999 where pages show it": "9999-12-31T23:00:00+00:00",
}
TIMES_OF = {
    "an article's go-live time": (
        lambda document, time: document["articles"][0]["published_at"].update(ru=time),
        r"articles\[0\] \(id \d+\): published_at.ru",
    ),
    "a picture's upload time": (
        lambda document, time: document["images"][0].update(created_at=time),
        r"images\[0\] \(id \d+\): created_at",
    ),
    "the export time": (lambda document, time: document.update(exported_at=time), "exported_at"),
}


@pytest.mark.parametrize("time", PAST_THE_CALENDAR.values(), ids=PAST_THE_CALENDAR.keys())
@pytest.mark.parametrize(("put", "where"), TIMES_OF.values(), ids=TIMES_OF.keys())
def test_a_time_past_the_calendar_is_refused(document, tmp_path, put, where, time):
    put(document, time)

    message = refused(tmp_path, document)

    assert re.search(rf'{where}: "{re.escape(time)}" is beyond the calendar', message)


def test_the_first_and_last_times_the_site_can_show_are_imported_and_served(
    document, tmp_path, client
):
    article = document["articles"][0]
    first, last = "0001-01-01T00:00:00+00:00", "9999-12-31T18:59:59+00:00"  # Almaty is UTC+5
    article |= {"created_at": first, "updated_at": last, "breaking_until": last}
    for name in ("published_at", "text_changed_at"):
        article[name] = dict.fromkeys(EDITIONS, first)
    article["revised_at"] = dict.fromkeys(EDITIONS, last)
    path = write_document(tmp_path / "backup.json", document)

    import_content(path, "--replace")

    statuses = {address: client.get(address).status_code for address in public_addresses()}
    assert set(statuses.values()) <= {200, 301, 404}
    assert statuses[Article.objects.get().get_absolute_url("kk")] == 200


# Nesting


NESTED_HERE = "nested here"
DEEP_LIST = "[" * 200_000 + "]" * 200_000
DEEP_OBJECT = '{"a": ' * 200_000 + "1" + "}" * 200_000
DEEP_PLACES = {
    "the export time": (lambda document: document.update(exported_at=NESTED_HERE), "exported_at"),
    "a tag": (lambda document: document["tags"].insert(0, NESTED_HERE), r"tags\[0\]"),
    "a byline": (
        lambda document: document["articles"][0]["bylines"].append(NESTED_HERE),
        r"articles\[0\]",
    ),
}


@pytest.mark.parametrize("deep", [DEEP_LIST, DEEP_OBJECT], ids=["lists", "objects"])
@pytest.mark.parametrize(("put", "where"), DEEP_PLACES.values(), ids=DEEP_PLACES.keys())
def test_a_document_nested_200000_deep_is_refused_saying_where(
    document, tmp_path, json_parser, put, where, deep
):
    put(document)
    path = tmp_path / "backup.json"
    text = json.dumps(document, ensure_ascii=False).replace(f'"{NESTED_HERE}"', deep)
    path.write_text(text, encoding="utf-8")

    message = refused_import(path)

    assert re.search(rf"{where}: nested too deep \(more than \d+ levels\)", message)


# Anything else


ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)
MEDIA_NAMES = (
    st.sampled_from(list(OUTSIDE_THE_MEDIA_STORAGE.values()) + ["images/x.png"]) | ANY_TEXT
)
TIMES = st.builds(
    lambda moment, hours: moment.replace(tzinfo=fixed_offset(timedelta(hours=hours))).isoformat(),
    st.datetimes(),
    st.integers(min_value=-23, max_value=23),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT | TIMES | MEDIA_NAMES,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(ANY_TEXT, children, max_size=3)
    ),
    max_leaves=8,
)
SIZES = st.integers(min_value=-1, max_value=2**32)
RENDITIONS = st.fixed_dictionaries(
    {
        "source": MEDIA_NAMES,
        "width": SIZES,
        "height": SIZES,
        "formats": st.dictionaries(
            st.sampled_from(["avif", "webp", "fallback"]) | ANY_TEXT,
            st.lists(st.tuples(SIZES, MEDIA_NAMES).map(list), max_size=3),
            max_size=3,
        ),
        "fallback_type": st.none() | st.just("image/png") | ANY_TEXT,
    }
)
# (list, field, edition or None) of an image's and an article's fields, many kinds of value.
FUZZED_FIELDS = [
    ("images", "file", None),
    ("images", "renditions", None),
    ("images", "width", None),
    ("images", "created_at", None),
    ("images", "alt", "kk-latn"),
    ("authors", "photo", None),
    ("articles", "title", "kk"),
    ("articles", "body", "kk-latn"),
    ("articles", "latin_body", None),
    ("articles", "latin_sources", None),
    ("articles", "published_at", "ru"),
    ("articles", "breaking_until", None),
    ("articles", "status", None),
    ("articles", "cover_image", None),
    ("articles", "bylines", None),
    ("articles", "edit_version", None),
    ("articles", "legacy_key", None),
]


@JUNK
@given(
    field=st.sampled_from(FUZZED_FIELDS),
    value=JSON_VALUES | RENDITIONS | TIMES | MEDIA_NAMES,
)
def test_any_value_is_refused_with_its_place_or_written_and_served(document, client, field, value):
    section, name, code = field
    spoiled = copy.deepcopy(document)
    if code:
        spoiled[section][0][name][code] = value
    else:
        spoiled[section][0][name] = value
    data = json.dumps(spoiled).encode()  # a lone UTF-16 half as a \u escape, as JSON allows
    try:
        backup.check(io.BytesIO(data))
    except backup.InvalidDocument as refusal:
        assert all(problem.startswith(f"{section}[0]") for problem in refusal.problems)
        return
    with transaction.atomic():
        backup.write(io.BytesIO(data), replace=True)
        for edition in EDITIONS:
            for address in (
                Article.objects.get().get_absolute_url(edition),
                f"/{edition}/feed.json",
                f"/sitemap-articles-{edition}.xml",
            ):
                assert client.get(address).status_code in (200, 404)
        transaction.set_rollback(True)
