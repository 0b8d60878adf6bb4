"""export_content and import_content: a backup brings back the same site, byte for byte."""

import difflib
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from modeltranslation.translator import translator

from articles.caching import generation
from articles.editions.languages import EDITIONS
from articles.interchange import backup
from articles.models import (
    Article,
    ArticleViews,
    Author,
    Byline,
    Category,
    Image,
    RetiredSlug,
    SiteIdentity,
    Source,
    StaticPage,
    Tag,
)
from articles.public import popularity, sitemaps
from tests.factories import make_article, make_author, make_category, make_image, make_tag

pytestmark = pytest.mark.django_db

# The examples read no database: the test's own fixtures are harmless to share.
JUNK = hypothesis_settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CONTENT_MODELS = (Article, Byline, Image, Author, Category, Tag, RetiredSlug, Source, StaticPage)
LISTED_FEEDS = ("rss/", "atom/", "feed.json")


@pytest.fixture
def site(tiny_png):
    """A small newsroom in every state an article can be in."""
    now = timezone.now()
    politics = make_category(name_kk="Саясат", name_ru="Политика", name_en="Politics")
    economy = make_category(name_kk="Экономика", name_ru="Экономика", name_en="Economy")
    aigerim = make_author(name_kk="Әйгерім Сәрсенова", name_ru="Айгерим Сарсенова")
    daniyar = make_author(name_kk="Данияр Жақсылықов", bio_en="Covers the economy.")
    make_author(name_en="Retired Reporter", is_active=False)
    elections, budget = make_tag(name_en="Elections"), make_tag(name_en="Budget")
    cover = make_image(tiny_png, "cover.png", credit="Kazinform")
    inside = make_image(tiny_png, "inside.png")
    picture = f'<figure><img src="{inside.file.url}" alt="A chart"></figure>'

    make_article(
        title_kk="Парламент бюджетті бекітті",
        body_kk=f"<p>Депутаттар бюджетті қабылдады.</p>{picture}",
        category=politics,
        cover_image=cover,
        cover_caption_en="The chamber, on Tuesday",
        featured=True,
        authors=[daniyar, aigerim],
        source="Kazinform",
    ).tags.set([elections, budget])
    # Live in Kazakh and Russian; English goes live tomorrow.
    make_article(
        languages=("kk", "ru"),
        category=economy,
        authors=[aigerim],
        published_at_en=now + timedelta(days=1),
        title_en="Scheduled in English",
        body_en="<p>Soon.</p>",
    ).tags.set([budget])
    make_article(published_at=now + timedelta(hours=5), title_en="Tomorrow's news")
    make_article(status=Article.Status.DRAFT, published_at=None, title_en="A draft")
    make_article(status=Article.Status.REVIEW, published_at=None, category=economy)
    make_article(status=Article.Status.WITHDRAWN, withdrawal_reason="Wrong figures")
    corrected = make_article(category=politics, authors=[daniyar], legacy_key="kk:0123abcd")
    corrected.body_kk = "<p>Түзетілген мәтін.</p>"
    corrected.correction_kk = "Сан түзетілді."
    corrected.latin_title = "Parlament tüzetudı qabyldady"
    corrected.save()  # after going live: revised, so it shows "Updated"
    make_article(languages=("en",), breaking_until=now + timedelta(hours=2), category=economy)
    # A renamed category: its old slug answers 301.
    politics.name_kk = "Ішкі саясат"
    politics.save()
    assert RetiredSlug.objects.filter(slug="saiasat").exists()
    # The site's own words: a source's names, static pages (one renamed), its identity.
    Source.objects.create(
        credit="Kazinform", name_kk="Қазинформ", name_ru="Казинформ", name_en="Kazinform"
    )
    about = StaticPage(title_ru="О нас", body_ru="<p>Агентство.</p>", title_en="About us")
    about.save()
    about.title_ru = "Об агентстве"
    about.save()
    assert RetiredSlug.objects.filter(model_name="staticpage", slug="o-nas").exists()
    identity = SiteIdentity.load()
    identity.name_ru, identity.tagline_en, identity.accent_colour = "Ньюсрум", "News", "#7a1f2b"
    identity.logo = SimpleUploadedFile("logo.png", tiny_png, content_type="image/png")
    identity.save()
    identity.social_links.create(network="telegram", url="https://t.me/newsroom")


def public_addresses() -> list[str]:
    """Every public page of the site as it is now: lists, articles, feeds, sitemaps."""
    addresses = ["/robots.txt", "/sitemap.xml"]
    addresses += [f"/sitemap-{section}.xml" for section in sitemaps.sections()]
    for code in EDITIONS:
        prefix = f"/{code}/"
        addresses += [prefix, f"{prefix}news/", f"{prefix}authors/", f"{prefix}search/?q=article"]
        addresses += [f"{prefix}{feed}" for feed in LISTED_FEEDS]
        for model in (Category, Author, Tag, StaticPage):
            for page in model.objects.all():
                url = page.get_absolute_url(code)
                addresses += [url, *(f"{url}{feed}" for feed in LISTED_FEEDS)]
        for article in Article.objects.all():
            # Live languages answer 200, the others 404 with links to the live ones.
            addresses += [article.get_absolute_url(code), f"{prefix}news/{article.pk}/"]
        addresses += [f"{prefix}category/{retired.slug}/" for retired in RetiredSlug.objects.all()]
    return addresses


# Timestamps that legitimately differ between two renderings of the same content.
MASKS = [
    # Django's feeds give a feed with no items the time it was written as its
    # <lastBuildDate> (RSS) or <updated> (Atom): a category that has no live
    # article in an edition has such an empty feed.
    (re.compile(rb"<lastBuildDate>[^<]*</lastBuildDate>"), b"<lastBuildDate/>"),
    (re.compile(rb"(<feed [^>]*>.*?<updated>)[^<]*(</updated>)", re.S), rb"\1\2"),
]


@pytest.fixture
def reads_not_counted(monkeypatch):
    """Reads made while rendering are not counted.

    They would be flushed into most-read rankings between the two renderings,
    and view counts are deliberately not part of a backup.
    """
    monkeypatch.setattr(popularity, "record_view", lambda article_id, language: None)


def render(client, addresses: list[str]) -> dict[str, tuple]:
    """Each page's status, redirect and body, with only the masked timestamps removed."""
    pages = {}
    for address in addresses:
        response = client.get(address)
        body = response.content
        if address.endswith(("rss/", "atom/")) and b"<item>" not in body and b"<entry>" not in body:
            for pattern, replacement in MASKS:
                body = pattern.sub(replacement, body)
        pages[address] = (response.status_code, response.get("Location"), body)
    assert not ArticleViews.objects.exists()
    return pages


def export_document(**options) -> dict:
    out = io.StringIO()
    call_command("export_content", stdout=out, stderr=io.StringIO(), **options)
    return json.loads(out.getvalue())


def write_document(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def empty_content_tables() -> None:
    """Empty the content tables as a new database is: no signals, the id sequences restarted.

    The cache is left as it was, like the cache of a site restored into a new database.
    """
    models = (*CONTENT_MODELS, Article.tags.through, ArticleViews)
    tables = [model._meta.db_table for model in models]
    connection.check_constraints()  # PostgreSQL truncates no table with checks pending
    with connection.cursor() as cursor:
        for statement in connection.ops.sql_flush(no_style(), tables, reset_sequences=True):
            cursor.execute(statement)
    assert not any(model.objects.exists() for model in CONTENT_MODELS)


def import_content(path: Path, *options: str) -> str:
    out = io.StringIO()
    call_command("import_content", str(path), *options, stdout=out, stderr=out)
    return out.getvalue()


def forget_cached_pages() -> None:
    cache.clear()


def content_rows() -> dict:
    """Every content row as stored, for "nothing was written" checks."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in CONTENT_MODELS}


def test_a_round_trip_into_an_empty_database_serves_the_same_pages(
    site, client, tmp_path, reads_not_counted
):
    addresses = public_addresses()
    before = render(client, addresses)
    assert {status for status, _location, _body in before.values()} == {200, 301, 404}
    path = tmp_path / "backup.json"
    call_command("export_content", output=path, stdout=io.StringIO())
    empty_content_tables()

    import_content(path)
    forget_cached_pages()
    after = render(client, addresses)

    differing = [address for address in addresses if after[address] != before[address]]
    assert differing == [], page_difference(before[differing[0]], after[differing[0]])


def page_difference(before: tuple, after: tuple) -> str:
    """What differs between two renderings of a page (status, redirect, then the body's lines)."""
    if before[:2] != after[:2]:
        return f"{before[:2]} became {after[:2]}"
    lines = difflib.unified_diff(
        before[2].decode().splitlines(), after[2].decode().splitlines(), lineterm="", n=1
    )
    return "\n".join(lines)


def stored_content() -> dict[str, list]:
    """Every content row as the database holds it, by column, without what a backup leaves out
    (docs/backup-format.md): bylines and tags as what they link, since their ids are made anew."""
    rows = {}
    for section in backup.SECTIONS:
        model = section.model
        left_out = {model._meta.get_field(name).attname for name in section.left_out}
        columns = [
            field.attname
            for field in model._meta.concrete_fields
            if field.attname not in left_out and field.name not in translated_names(model)
        ]
        rows[section.name] = list(model.objects.order_by(*columns[:1]).values_list(*columns))
    rows["bylines"] = sorted(Byline.objects.values_list("article_id", "author_id", "position"))
    rows["tags"] = sorted(Article.tags.through.objects.values_list("article_id", "tag_id"))
    return rows


def translated_names(model) -> set[str]:
    """Fields modeltranslation translates: their columns are the per-language ones."""
    if model not in translator.get_registered_models():
        return set()
    return set(translator.get_options_for_model(model).all_fields)


def test_a_round_trip_gives_back_every_row_the_database_held(site, tmp_path):
    before = stored_content()
    assert all(before.values())  # every kind of row is there to compare
    path = tmp_path / "backup.json"
    call_command("export_content", output=path, stdout=io.StringIO())
    empty_content_tables()

    import_content(path)

    after = stored_content()
    assert {name: rows for name, rows in after.items() if rows != before[name]} == {}


def test_a_round_trip_gives_back_the_same_document(site, tmp_path):
    exported = export_document()
    path = write_document(tmp_path / "backup.json", exported)
    empty_content_tables()

    import_content(path)

    again = export_document()
    del again["exported_at"], exported["exported_at"]
    assert again == exported


def test_exporting_twice_gives_the_same_document_apart_from_the_export_time(site):
    first, second = io.StringIO(), io.StringIO()
    call_command("export_content", stdout=first, stderr=io.StringIO())
    call_command("export_content", stdout=second, stderr=io.StringIO())

    def without_time(text: str) -> str:
        return re.sub(r'"exported_at": "[^"]*"', "", text)

    assert without_time(first.getvalue()) == without_time(second.getvalue())


def test_the_document_holds_every_language_and_relation(site):
    document = export_document()

    assert document["format"] == "newsroom-content"
    assert document["version"] == backup.VERSION == 3
    assert document["languages"] == EDITIONS
    first = next(item for item in document["articles"] if item["featured"])
    assert first["title"]["kk-latn"] == "Parlament büdjettı bekıttı"
    assert first["published_at"]["kk"].endswith("+00:00")
    assert [byline["position"] for byline in first["bylines"]] == [0, 1]
    byline_names = {author["id"]: author["name"]["kk"] for author in document["authors"]}
    assert [byline_names[byline["author"]] for byline in first["bylines"]] == [
        "Данияр Жақсылықов",
        "Әйгерім Сәрсенова",
    ]
    assert {item["status"] for item in document["articles"]} == set(Article.Status)
    corrected = next(item for item in document["articles"] if item["legacy_key"])
    assert corrected["latin_title"] == "Parlament tüzetudı qabyldady"
    assert corrected["revised_at"]["kk"] is not None
    assert document["retired_slugs"] == [
        {
            "language": "kk",
            "model_name": "category",
            "object_id": Category.objects.get(name_en="Politics").pk,
            "retired_at": document["retired_slugs"][0]["retired_at"],
            "slug": "saiasat",
        },
        {
            "language": "ru",
            "model_name": "staticpage",
            "object_id": StaticPage.objects.get().pk,
            "retired_at": document["retired_slugs"][1]["retired_at"],
            "slug": "o-nas",
        },
    ]
    assert document["sources"][0]["name"]["ru"] == "Казинформ"
    (about,) = document["static_pages"]
    assert about["title"]["ru"] == "Об агентстве" and about["title"]["en"] == "About us"
    assert about["slug"]["kk"] is None  # not written in Kazakh
    (identity,) = document["site_identity"]
    assert identity["name"]["ru"] == "Ньюсрум" and identity["accent_colour"] == "#7a1f2b"
    assert identity["logo"].startswith("identity/") and identity["logo_width"] == 3
    assert document["social_links"] == [
        {
            "id": identity["id"] and document["social_links"][0]["id"],
            "identity": identity["id"],
            "network": "telegram",
            "position": 0,
            "url": "https://t.me/newsroom",
        }
    ]
    image = next(item for item in document["images"] if item["credit"] == "Kazinform")
    assert image["file"].startswith("images/") and image["width"] == 3
    assert image["renditions"]["source"] == image["file"]


def test_every_model_field_is_exported_or_deliberately_left_out():
    for section in backup.SECTIONS:
        covered = set(section.fields) | set(section.left_out) | set(section.translated)
        covered |= {
            f"{name}_{code.replace('-', '_')}" for name in section.translated for code in EDITIONS
        }
        fields = {field.name for field in section.model._meta.concrete_fields}
        fields |= {field.name for field in section.model._meta.many_to_many}
        if section is backup.ARTICLES:
            covered |= {"authors", "tags"}  # as "bylines" and "tags"
        assert fields - covered == set(), section.name


def test_imported_ids_are_kept_and_new_rows_get_fresh_ones(site, tmp_path):
    article_ids = sorted(Article.objects.values_list("pk", flat=True))
    category_ids = sorted(Category.objects.values_list("pk", flat=True))
    path = write_document(tmp_path / "backup.json", export_document())
    empty_content_tables()  # which restarts the id sequences, as in a new database

    import_content(path)

    assert sorted(Article.objects.values_list("pk", flat=True)) == article_ids
    assert make_article().pk > article_ids[-1]
    assert make_category().pk > category_ids[-1]


def exporting_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        export_document()
    return len(queries)


def test_the_export_costs_the_same_queries_for_few_articles_and_many(site):
    few = exporting_queries()
    for _ in range(30):
        make_article(authors=[Author.objects.first()]).tags.set(Tag.objects.all())

    assert exporting_queries() == few


def test_an_export_to_a_file_replaces_it_only_once_complete(site, tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    folder.mkdir()
    path = folder / "backup.json"
    call_command("export_content", output=path, stdout=io.StringIO())
    complete = path.read_text(encoding="utf-8")

    def connection_lost():
        yield from ()
        raise DatabaseError("connection lost")

    monkeypatch.setattr(backup, "exported_articles", connection_lost)
    with pytest.raises(DatabaseError):
        call_command("export_content", output=path, stdout=io.StringIO())

    assert path.read_text(encoding="utf-8") == complete
    assert [file.name for file in folder.iterdir()] == ["backup.json"]


def test_the_summary_goes_beside_the_document_on_standard_output(site):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_content", stdout=out, stderr=err)
    json.loads(out.getvalue())
    assert err.getvalue() == (
        "Exported to standard output: categories 2, authors 3, tags 2, images 2, articles 8, "
        "sources 1, static pages 1, site identity 1, social links 1, retired slugs 2.\n"
    )


def test_an_export_that_cannot_be_written_says_why(site, tmp_path):
    with pytest.raises(CommandError, match="Cannot write .*missing/backup.json"):
        call_command("export_content", output=tmp_path / "missing" / "backup.json")


def test_importing_into_a_database_with_content_is_refused(site, tmp_path):
    path = write_document(tmp_path / "backup.json", export_document())
    before = content_rows()

    with pytest.raises(
        CommandError, match=r"already holds content \(categories 2, authors 3.*--replace"
    ):
        import_content(path)

    assert content_rows() == before


def test_replace_deletes_the_existing_content_first(site, tmp_path):
    path = write_document(tmp_path / "backup.json", export_document())
    extra = make_article(title_en="Written after the backup")
    make_tag(name_en="Later")
    ArticleViews.objects.create(article=extra, language="en", day=timezone.localdate(), views=3)
    kept = {model.__name__: model.objects.count() for model in CONTENT_MODELS}

    output = import_content(path, "--replace")

    assert "Imported categories 2, authors 3, tags 2, images 2, articles 8" in output
    assert not Article.objects.filter(pk=extra.pk).exists()
    assert not Tag.objects.filter(name_en="Later").exists()
    assert not ArticleViews.objects.exists()
    assert {model.__name__: model.objects.count() for model in CONTENT_MODELS} == {
        **kept,
        "Article": kept["Article"] - 1,
        "Tag": kept["Tag"] - 1,
    }


def test_a_failed_replace_keeps_the_content_that_was_there(site, tmp_path, monkeypatch):
    path = write_document(tmp_path / "backup.json", export_document())
    make_article(title_en="Written after the backup")
    before = content_rows()

    def fail():
        raise DatabaseError("disk full")

    monkeypatch.setattr(backup, "reset_sequences", fail)
    with pytest.raises(CommandError, match="refused the import; nothing was written: disk full"):
        import_content(path, "--replace")

    assert content_rows() == before


def test_import_leaves_no_cached_page_behind(site, client, tmp_path):
    path = write_document(tmp_path / "backup.json", export_document())
    Article.objects.filter(featured=True).update(title_en="Changed after the backup")
    generation.bump()
    assert "Changed after the backup" in client.get("/en/").text
    empty_content_tables()

    import_content(path)

    assert "Changed after the backup" not in client.get("/en/").text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_imported_articles_are_found_by_full_text_search(site, client, tmp_path):
    path = write_document(tmp_path / "backup.json", export_document())
    empty_content_tables()

    import_content(path)

    response = client.get("/kk/search/", {"q": "бюджетті"})
    assert not response.context["near"]  # found by its words, not as a near-spelling
    assert [article.title_kk for article in response.context["articles"]] == [
        "Парламент бюджетті бекітті"
    ]
    assert Article.objects.filter(search_kk__isnull=False).count() == Article.objects.count()


def test_image_files_missing_from_storage_are_warned_about_but_imported(site, tmp_path, settings):
    path = write_document(tmp_path / "backup.json", export_document())
    empty_content_tables()
    settings.MEDIA_ROOT = tmp_path / "empty-media"  # the media directory was not copied

    output = import_content(path)

    assert "Warning: 3 files the content names are not in the media storage" in output
    assert "images/" in output and "identity/" in output  # the pictures and the logo
    assert Image.objects.count() == 2


def without_latin_edition(text: str) -> str:
    return re.sub(r'"languages": \[[^\]]*\]', '"languages": ["kk", "ru", "en"]', text, count=1)


def truncated(text: str) -> str:
    return text[: len(text) * 2 // 3]


def with_tags_before_authors(text: str) -> str:
    document = json.loads(text)
    members = list(document)
    members.remove("tags")
    members.insert(members.index("authors"), "tags")
    return json.dumps({member: document[member] for member in members}, ensure_ascii=False)


def with_unknown_member(text: str) -> str:
    return json.dumps({**json.loads(text), "comments": []}, ensure_ascii=False)


def without_field(document: dict) -> dict:
    del document["articles"][2]["status"]
    return document


def with_dangling_byline(document: dict) -> dict:
    document["articles"][0]["bylines"].append({"author": 999, "position": 5})
    return document


def with_naive_time(document: dict) -> dict:
    document["articles"][1]["published_at"]["ru"] = "2026-11-25T09:00:00"
    return document


def with_duplicate_id(document: dict) -> dict:
    document["tags"][1]["id"] = document["tags"][0]["id"]
    return document


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda text: "not json at all", r"the document: not JSON \(.+\)"),
        (lambda text: f"[{text}]", r"the document: expected a JSON object"),
        (lambda text: "", "The file is empty"),
        (truncated, r"cut short \(is the export complete\?\)"),
        (
            lambda text: text.replace('"featured": true', '"featured": yes', 1),
            r"articles\[\d+\]: not JSON \(.+\)",
        ),
        (lambda text: text + "\n{}", r"after the document: not JSON"),
        (with_tags_before_authors, r"expected authors here \(the members come in a fixed order\)"),
        (with_unknown_member, r"comments: not part of the format \(after retired_slugs\)"),
        (lambda text: text.replace("newsroom-content", "wordpress", 1), "not a content export"),
        (lambda text: text.replace('"version": 3', '"version": 4', 1), "newer Newsroom"),
        (without_latin_edition, r"languages: .* not this site's"),
    ],
)
def test_a_damaged_or_foreign_file_is_refused_and_nothing_written(site, tmp_path, spoil, message):
    text = json.dumps(export_document(), ensure_ascii=False, indent=2)
    path = tmp_path / "backup.json"
    path.write_text(spoil(text), encoding="utf-8")
    empty_content_tables()

    with pytest.raises(CommandError, match=message) as refused:
        import_content(path)

    assert "nothing was written" in str(refused.value)
    assert not any(model.objects.exists() for model in CONTENT_MODELS)


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (without_field, r"articles\[2\] \(id \d+\): status: missing"),
        (with_dangling_byline, r"articles\[0\] \(id \d+\): bylines: no item of authors has id 999"),
        (with_naive_time, r"articles\[1\] \(id \d+\): published_at.ru: .* has no offset"),
        (with_duplicate_id, r"tags\[1\] \(id \d+\): id: used by an earlier one too"),
    ],
)
def test_a_document_with_bad_objects_names_each_problem_and_writes_nothing(
    site, tmp_path, spoil, message
):
    path = write_document(tmp_path / "backup.json", spoil(export_document()))
    empty_content_tables()

    with pytest.raises(CommandError, match=message):
        import_content(path)

    assert not any(model.objects.exists() for model in CONTENT_MODELS)


def test_a_bad_document_with_replace_deletes_nothing(site, tmp_path):
    path = write_document(tmp_path / "backup.json", with_dangling_byline(export_document()))
    before = content_rows()

    with pytest.raises(CommandError, match="no item of authors has id 999"):
        import_content(path, "--replace")

    assert content_rows() == before


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "backup.json"
    path.write_bytes('{"format": "newsroom-content", "x": "Сая"}'.encode("cp1251"))

    with pytest.raises(CommandError, match="not UTF-8 text"):
        import_content(path)


def test_a_file_saved_with_a_byte_order_mark_imports(site, tmp_path):
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(export_document(), ensure_ascii=False), encoding="utf-8-sig")
    empty_content_tables()

    import_content(path)

    assert Article.objects.count() == 8


def test_a_value_too_long_for_a_content_export_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "MAX_VALUE_BYTES", 200_000)
    make_article(body_en=f"<p>{'word ' * 100_000}</p>")
    path = write_document(tmp_path / "backup.json", export_document())
    empty_content_tables()

    with pytest.raises(CommandError, match=r"articles\[0\]: a value too long"):
        import_content(path)

    assert not Article.objects.exists()


def test_numbers_come_back_as_the_exporter_wrote_them(tiny_png, tmp_path):
    image = make_image(tiny_png)
    renditions = {**image.renditions, "width": 2**31 - 1}
    Image.objects.filter(pk=image.pk).update(renditions=renditions)
    path = write_document(tmp_path / "backup.json", export_document())
    empty_content_tables()

    import_content(path)

    imported = Image.objects.get().renditions
    assert imported == renditions
    assert type(imported["width"]) is int


def test_a_fraction_where_a_whole_number_belongs_is_refused_as_json_wrote_it(tiny_png, tmp_path):
    image = make_image(tiny_png)
    Image.objects.filter(pk=image.pk).update(renditions={**image.renditions, "height": 1e-07})
    path = write_document(tmp_path / "backup.json", export_document())
    empty_content_tables()

    with pytest.raises(CommandError, match=r"renditions: height: .* found 1e-07$"):
        import_content(path)


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*nowhere.json: No such file"):
        import_content(tmp_path / "nowhere.json")


SMALL_DOCUMENT = json.dumps(
    {
        "format": "newsroom-content",
        "version": 1,
        "exported_at": "2026-11-25T04:00:00+00:00",
        "languages": EDITIONS,
        "media_url": "/media/",
        "categories": [],
        "authors": [],
        "tags": [
            {
                "id": 1,
                "name": {code: "Сайлау" for code in EDITIONS},
                "slug": {code: "sailau" for code in EDITIONS},
            }
        ],
        "images": [],
        "articles": [],
        "retired_slugs": [],
    },
    ensure_ascii=False,
    indent=2,
).encode()


def test_a_small_hand_written_document_passes_the_check():
    summary = backup.check(io.BytesIO(SMALL_DOCUMENT))
    assert summary.counts == {"tags": 1}


def test_the_documented_example_imports(tmp_path):
    documentation = (Path(__file__).parents[1] / "docs" / "backup-format.md").read_text("utf-8")
    example = re.search(r"```json\n(.*?)```", documentation, re.S)[1]
    path = tmp_path / "example.json"
    path.write_text(example, encoding="utf-8")

    import_content(path)

    article = Article.objects.get(pk=1042)
    assert article.is_live_in("kk-latn") and not article.is_live_in("en")
    assert article.byline_authors == [Author.objects.get(slug_kk="aigerim-sarsenova")]
    assert article.get_absolute_url("kk") == "/kk/news/1042-senat-budjetti-maquldady/"
    assert (article.cover_image.focal_x, article.cover_image.focal_y) == (40, 35)


def documented_example() -> str:
    documentation = (Path(__file__).parents[1] / "docs" / "backup-format.md").read_text("utf-8")
    return re.search(r"```json\n(.*?)```", documentation, re.S)[1]


def version_2_of(document: str) -> str:
    """The document as version 2 wrote it: without the lists version 3 added."""
    parsed = json.loads(document)
    for name in ("sources", "static_pages", "site_identity", "social_links"):
        del parsed[name]
    parsed["version"] = 2
    return json.dumps(parsed, ensure_ascii=False, indent=2)


def test_a_version_2_document_imports_and_leaves_the_sites_identity_as_it_is(tmp_path):
    identity = SiteIdentity.load()
    identity.name_en = "Our own name"
    identity.save()
    path = tmp_path / "version-2.json"
    path.write_text(version_2_of(documented_example()), encoding="utf-8")

    import_content(path)

    assert Article.objects.filter(pk=1042).exists()
    assert SiteIdentity.load().name_en == "Our own name"
    assert not StaticPage.objects.exists()


def test_the_documented_example_brings_the_sites_identity_and_pages(tmp_path, client):
    path = tmp_path / "example.json"
    path.write_text(documented_example(), encoding="utf-8")

    import_content(path)

    assert client.get("/kk/pages/biz-turaly/").status_code == 200
    page = client.get("/en/").content.decode()
    assert 'href="https://t.me/newsroom"' in page and "Astana, +7 7172 00 00 00" in page


def test_a_version_1_document_imports_its_pictures_with_the_focal_point_in_the_middle(tmp_path):
    version_1 = re.sub(r'\s*"focal_[xy]": \d+,', "", version_2_of(documented_example()))
    version_1 = version_1.replace('"version": 2', '"version": 1', 1)
    assert "focal" not in version_1
    path = tmp_path / "version-1.json"
    path.write_text(version_1, encoding="utf-8")

    import_content(path)

    image = Article.objects.get(pk=1042).cover_image
    assert (image.focal_x, image.focal_y) == (50, 50)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: re.sub(r'\s*"focal_x": \d+,', "", text), r"images\[0\].*focal_x: missing"),
        (lambda text: text.replace('"focal_y": 35', '"focal_y": 135'), r"focal_y: .*100"),
    ],
)
def test_a_version_2_picture_needs_a_focal_point_inside_it(tmp_path, change, message):
    path = tmp_path / "spoilt.json"
    path.write_text(change(documented_example()), encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        import_content(path)


@JUNK
@given(cut=st.integers(min_value=0, max_value=len(SMALL_DOCUMENT) - 2))
def test_a_document_cut_anywhere_is_refused_with_a_message(cut):
    with pytest.raises(backup.InvalidDocument):
        backup.check(io.BytesIO(SMALL_DOCUMENT[:cut]))


@JUNK
@given(junk=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_junk_is_refused_with_a_message(junk):
    with pytest.raises(backup.InvalidDocument):
        backup.check(io.BytesIO(junk))


@JUNK
@given(
    key=st.sampled_from(["id", "name", "slug"]),
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=5), children, max_size=3)
        ),
        max_leaves=6,
    ),
)
def test_any_value_in_any_field_is_either_accepted_or_refused_with_a_message(key, value):
    document = json.loads(SMALL_DOCUMENT)
    document["tags"][0][key] = value
    data = json.dumps(document, ensure_ascii=False).encode()
    try:
        backup.check(io.BytesIO(data))
    except backup.InvalidDocument as refused:
        assert all(problem.startswith("tags[0]") for problem in refused.problems)
