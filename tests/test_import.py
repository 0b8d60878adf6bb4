"""`manage.py import_legacy`: the old site's text exports become articles, once."""

import re
import shutil
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.caching import edge, generation
from articles.interchange import importers
from articles.interchange.importers import LegacyFormatError, detect_language, parse_legacy_article
from articles.models import Article, Author
from tests.factories import make_author, make_category, make_tag
from tests.test_derivation import SAVE_BOOKKEEPING, raw_row

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "legacy"
KAZAKH = FIXTURES / "kk-ekonomika.txt"
RUSSIAN = FIXTURES / "ru-budget-2027.txt"
ENGLISH = FIXTURES / "en-steppe-rail.txt"
MARKUP = FIXTURES / "en-crlf-bom-markup.txt"
EMPTY = FIXTURES / "broken-empty.txt"
TITLE_ONLY = FIXTURES / "broken-title-only.txt"
GOOD_SAMPLES = [KAZAKH, RUSSIAN, ENGLISH, MARKUP]

ALMATY = ZoneInfo("Asia/Almaty")
RAIL_TITLE = "New rail link shortens freight route across the steppe"


def run_import(*paths, **options) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("import_legacy", *paths, stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


def run_failing_import(*paths, **options) -> tuple[str, str, str]:
    """Like run_import, for a run that must end in CommandError; also returns its message."""
    stdout, stderr = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_legacy", *paths, stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue(), str(raised.value)


def write_legacy(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def test_kazakh_sample_is_imported_in_kazakh_at_the_import_time_without_a_byline():
    before = timezone.now()
    run_import(KAZAKH)
    after = timezone.now()

    article = Article.objects.get()
    assert article.languages == ["kk"]
    assert article.title_kk == "Үкімет шағын бизнесті қолдаудың жаңа бағдарламасын бекітті"
    assert article.slug_kk
    assert before <= article.published_at_kk <= after
    assert article.status == Article.Status.PUBLISHED
    assert not article.bylines.exists()
    assert len(paragraphs(article.body_kk)) == 3
    assert "Соңғы жаңалықтар" not in article.body_kk


def test_russian_sample_keeps_its_date_in_almaty_time_and_its_author():
    run_import(RUSSIAN)

    article = Article.objects.get()
    assert article.languages == ["ru"]
    assert article.title_ru == "Мажилис одобрил проект республиканского бюджета на 2027 год"
    assert article.published_at_ru == datetime(2026, 11, 20, 14, 35, tzinfo=ALMATY)
    assert [author.name_ru for author in article.authors.all()] == ["Айгерим Садыкова"]
    assert "Последние новости" not in article.body_ru
    assert paragraphs(article.body_ru)[-1] == "Законопроект направлен на рассмотрение в Сенат."


def test_english_sample_has_its_author_and_three_paragraphs_without_the_page_heading():
    run_import(ENGLISH)

    article = Article.objects.get()
    assert article.languages == ["en"]
    assert article.title_en == RAIL_TITLE
    byline = article.bylines.get()
    assert (byline.author.name_en, byline.position) == ("Daniyar Omarov", 0)
    assert len(paragraphs(article.body_en)) == 3
    assert "Latest news" not in article.body_en


def test_bom_and_crlf_are_stripped():
    run_import(MARKUP)

    article = Article.objects.get()
    assert article.title_en == "Senate passes digital services law"
    assert "\r" not in article.body_en
    assert "\ufeff" not in article.title_en + article.body_en
    assert article.published_at_en == datetime(2026, 11, 25, 9, 10, tzinfo=ALMATY)
    assert len(paragraphs(article.body_en)) == 2


def test_markup_is_stored_as_literal_text_and_escaped_on_the_public_page(client):
    run_import(MARKUP)
    article = Article.objects.get()
    assert '<script>alert("x")</script>' in article.body_en
    assert "January & applies" in article.body_en
    # The sample's own date may still be ahead of the clock; make the page public today.
    article.published_at_en = timezone.now() - timedelta(hours=1)
    article.save()

    response = client.get(article.get_absolute_url("en"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;script&gt;" in html
    assert "<script>alert" not in html


def test_paragraphs_keep_their_inner_line_breaks():
    legacy = parse_legacy_article(
        "Title\n\nNone\nNone\nFirst line\nsecond line  \n\n\n\nNext paragraph\n"
    )

    assert legacy.body == "First line\nsecond line\n\nNext paragraph"


def test_the_date_and_the_author_may_come_in_either_order():
    legacy = parse_legacy_article("Title\n\nDaniyar Omarov\n20.11.2026 14:35\nBody.")

    assert legacy.author_name == "Daniyar Omarov"
    assert legacy.published_at == datetime(2026, 11, 20, 14, 35, tzinfo=ALMATY)


@pytest.mark.parametrize(
    ("date_line", "expected"),
    [
        ("2026-11-20 14:35", datetime(2026, 11, 20, 14, 35, tzinfo=ALMATY)),
        ("20.11.2026 14:35", datetime(2026, 11, 20, 14, 35, tzinfo=ALMATY)),
        ("2026-11-20T14:35:00+05:00", datetime(2026, 11, 20, 14, 35, tzinfo=ALMATY)),
        ("2026-11-20T09:35:00Z", datetime(2026, 11, 20, 14, 35, tzinfo=ALMATY)),
    ],
)
def test_dates_are_read_in_every_format_of_the_export(date_line, expected):
    legacy = parse_legacy_article(f"Title\n\n{date_line}\nNone\nBody.")

    assert legacy.published_at == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("\n\n  \n", "empty"),
        ("Only a title\n", "only a title"),
        ("Title\nNot blank\nNone\nNone\nBody.", "line 2 should be blank"),
        ("Title\n\nNone\n", "missing"),
        ("Title\n\nNone\nNone\n\nLatest news\n", "no body"),
        ("Title\n\n31.02.2026 10:00\nNone\nBody.", "not a valid date"),
        ("Title\n\n2026-13-01 10:00\nNone\nBody.", "not a valid date"),
        ("Title\n\n2026-11-20 10:00\n20.11.2026 10:00\nBody.", "both hold a date"),
        ("Title\n\nOne Author\nAnother Author\nBody.", "both hold a name"),
        ("12345\n\nNone\nNone\n678", "cannot tell the language"),
    ],
)
def test_files_not_in_the_export_format_are_refused_with_a_reason(text, reason):
    with pytest.raises(LegacyFormatError) as raised:
        parse_legacy_article(text)

    assert reason in raised.value.reason


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Үкімет шешім қабылдады", "kk"),
        ("ІРІ КОМПАНИЯЛАР", "kk"),
        ("Правительство приняло решение", "ru"),
        ("The government decided", "en"),
        ("Сбербанк и Kaspi отчитались о прибыли за квартал", "ru"),
        ("The word «Сәлем» greets visitors at the new Astana terminal", "en"),
    ],
)
def test_language_is_detected_from_the_letters_of_the_text(text, language):
    assert detect_language(text) == language


def test_bad_samples_are_reported_with_their_reason_while_the_good_ones_are_imported():
    stdout, stderr, summary = run_failing_import(FIXTURES)

    assert summary == "Imported 4, updated 0, failed 2."
    assert Article.objects.count() == 4
    assert f"[1/6] {EMPTY}: failed: the file is empty" in stderr
    assert f"[2/6] {TITLE_ONLY}: failed: the file holds only a title" in stderr
    assert stdout.count(": imported http") == 4


def test_a_file_that_is_not_utf8_is_reported(tmp_path):
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Café society\n\nNone\nNone\nA crème brûlée.\n".encode("latin-1"))

    _stdout, stderr, summary = run_failing_import(latin1, ENGLISH)

    assert summary == "Imported 1, updated 0, failed 1."
    assert f"{latin1}: failed: not UTF-8 text" in stderr
    assert Article.objects.get().title_en == RAIL_TITLE


def test_a_path_that_does_not_exist_is_reported_without_a_traceback(tmp_path):
    missing = tmp_path / "missing.txt"

    _stdout, stderr, summary = run_failing_import(missing)

    assert summary == "Imported 0, updated 0, failed 1."
    assert f"{missing}: failed: no such file or directory" in stderr


def test_a_file_that_fails_midway_leaves_nothing_behind(monkeypatch):
    def fail(name):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("articles.interchange.importers.find_or_create_author", fail)

    with pytest.raises(RuntimeError):
        run_import(ENGLISH)

    assert not Article.objects.exists()


def test_progress_and_a_summary_are_printed():
    stdout, stderr = run_import(KAZAKH, ENGLISH)

    lines = stdout.splitlines()
    assert lines[0].startswith(f"[1/2] {KAZAKH}: imported http")
    assert lines[1].startswith(f"[2/2] {ENGLISH}: imported http")
    assert lines[-1] == "Imported 2, updated 0, failed 0."
    assert stderr == ""


def test_printed_addresses_open_the_published_articles(client, settings):
    settings.SITE_URL = "https://newsroom.example"

    stdout, _stderr = run_import(KAZAKH, RUSSIAN, ENGLISH)

    urls = re.findall(r"https?://\S+", stdout)
    assert len(urls) == 3
    for url in urls:
        assert url.startswith("https://newsroom.example/")
        assert client.get(url.removeprefix(settings.SITE_URL)).status_code == 200


def test_running_again_updates_instead_of_duplicating():
    run_import(*GOOD_SAMPLES)
    counts = (Article.objects.count(), Author.objects.count())

    stdout, _stderr = run_import(*GOOD_SAMPLES)

    assert (Article.objects.count(), Author.objects.count()) == counts
    assert stdout.count(": updated http") == 4
    assert ": imported" not in stdout
    assert stdout.splitlines()[-1] == "Imported 0, updated 4, failed 0."
    assert Article.objects.get(title_en=RAIL_TITLE).bylines.count() == 1


def test_the_same_file_in_another_directory_updates_the_same_article(tmp_path):
    run_import(ENGLISH)
    copy = tmp_path / "elsewhere" / "renamed.txt"
    copy.parent.mkdir()
    shutil.copy(ENGLISH, copy)

    stdout, _stderr = run_import(copy)

    assert Article.objects.count() == 1
    assert f"{copy}: updated" in stdout


def test_a_corrected_body_updates_the_article(tmp_path):
    run_import(ENGLISH)
    corrected = tmp_path / "corrected.txt"
    corrected.write_text(ENGLISH.read_text().replace("836", "838"), encoding="utf-8")

    run_import(corrected)

    assert "838-kilometre" in Article.objects.get().body_en


def test_reimporting_an_undated_article_keeps_its_publication_time():
    run_import(ENGLISH)
    first_published_at = Article.objects.get().published_at_en

    run_import(ENGLISH)

    assert Article.objects.get().published_at_en == first_published_at


def test_reimporting_keeps_a_slug_an_editor_changed():
    run_import(ENGLISH)
    Article.objects.update(slug_en="steppe-railway")

    run_import(ENGLISH)

    assert Article.objects.get().slug_en == "steppe-railway"


def test_a_title_corrected_in_the_file_gets_a_fresh_slug(tmp_path):
    run_import(ENGLISH)
    Article.objects.update(slug_en="steppe-railway")
    corrected = tmp_path / "corrected.txt"
    corrected.write_text(
        ENGLISH.read_text().replace("New rail link", "New Rail Link"), encoding="utf-8"
    )

    run_import(corrected)

    article = Article.objects.get()
    assert article.title_en.startswith("New Rail Link")
    assert article.slug_en == "new-rail-link-shortens-freight-route-across-the-steppe"


def test_reimporting_keeps_a_status_an_editor_set():
    run_import(ENGLISH)
    workflow.article_withdraw(Article.objects.get(), None, reason="Wrong figures.")

    run_import(ENGLISH)

    assert Article.objects.get().status == Article.Status.WITHDRAWN


def test_language_option_overrides_the_detected_language(tmp_path):
    sample = write_legacy(
        tmp_path / "ru-with-kazakh-name.txt",
        "Жители Қонаева получат новые школы\n\nNone\nNone\nВ городе построят три школы.\n",
    )
    assert parse_legacy_article(sample.read_text()).language == "kk"

    run_import(sample, language="ru")

    article = Article.objects.get()
    assert article.languages == ["ru"]
    assert article.title_ru == "Жители Қонаева получат новые школы"
    assert not article.title_kk


@pytest.mark.parametrize("date", ["2020-05-01 10:00", "01.05.2020 10:00"])
def test_date_option_dates_the_undated_articles(date):
    run_import(ENGLISH, RUSSIAN, date=date)

    assert Article.objects.get(title_en=RAIL_TITLE).published_at_en == datetime(
        2020, 5, 1, 10, 0, tzinfo=ALMATY
    )
    russian = Article.objects.get(title_ru__startswith="Мажилис")
    assert russian.published_at_ru == datetime(2026, 11, 20, 14, 35, tzinfo=ALMATY)


def test_a_date_option_that_is_not_a_date_stops_before_importing():
    with pytest.raises(CommandError, match="is not a date"):
        run_import(ENGLISH, date="yesterday")

    assert not Article.objects.exists()


def test_status_option_imports_drafts_that_readers_do_not_see():
    run_import(ENGLISH, status="draft")

    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.published().exists()


def test_directories_are_searched_recursively_for_text_files_in_sorted_order(tmp_path):
    (tmp_path / "2026" / "11").mkdir(parents=True)
    nested = shutil.copy(ENGLISH, tmp_path / "2026" / "11" / "rail.txt")
    top = shutil.copy(KAZAKH, tmp_path / "ekonomika.txt")
    (tmp_path / "notes.md").write_text("Not an article", encoding="utf-8")

    stdout, _stderr = run_import(tmp_path)

    assert Article.objects.count() == 2
    lines = stdout.splitlines()
    assert lines[0].startswith(f"[1/2] {nested}: imported")
    assert lines[1].startswith(f"[2/2] {top}: imported")


def test_an_existing_author_is_found_by_their_name_in_another_language():
    author = make_author(
        name_kk="Айгерим Садыкова", name_ru="Садыкова А.", name_en="Aigerim Sadykova"
    )

    run_import(RUSSIAN)

    assert list(Article.objects.get().authors.all()) == [author]
    assert Author.objects.count() == 1


def test_an_existing_author_is_found_whatever_the_case_and_spacing_of_the_name():
    author = make_author(name_kk="  АЙГЕРИМ   садыкова ")

    run_import(RUSSIAN)

    assert list(Article.objects.get().authors.all()) == [author]


def test_a_new_author_gets_the_name_in_every_language_and_slugs():
    run_import(ENGLISH)

    author = Author.objects.get()
    assert [author.name_kk, author.name_ru, author.name_en] == ["Daniyar Omarov"] * 3
    assert author.slug_kk and author.slug_ru and author.slug_en


# Batches


def write_stories(directory: Path, count: int, start: int = 0) -> list[Path]:
    """`count` short English exports without an author, each a different article."""
    return [
        write_legacy(directory / f"story-{number}.txt", f"Story {number}\n\nNone\nNone\nText.\n")
        for number in range(start, start + count)
    ]


def test_imported_articles_are_stored_as_a_save_would_store_them(tmp_path):
    run_import(*GOOD_SAMPLES)
    tag = make_tag()
    for article in Article.objects.all():
        article.tags.add(tag)
    corrected = write_legacy(
        tmp_path / "corrected.txt", KAZAKH.read_text().replace("АСТАНА.", "АСТАНА (түзетілді).")
    )

    run_import(corrected, ENGLISH)

    for pk in Article.objects.values_list("pk", flat=True):
        imported = raw_row(pk)
        Article.objects.get(pk=pk).save()
        saved = raw_row(pk)
        changed = {column for column in imported if imported[column] != saved[column]}
        assert changed <= SAVE_BOOKKEEPING, pk
        assert imported["written_in"]
        assert imported["related_ids"]  # as the tags made them: an import does not touch them
    kazakh = Article.objects.get(title_kk__startswith="Үкімет")
    assert kazakh.body_kk_latn.startswith("ASTANA (tüzetıldı).")


def test_files_are_imported_in_batches_and_reported_in_their_order(tmp_path, monkeypatch):
    monkeypatch.setattr(importers, "BATCH_SIZE", 2)
    stories = write_stories(tmp_path, 4)
    broken = write_legacy(tmp_path / "story-2-broken.txt", "Only a title\n")

    stdout, stderr, summary = run_failing_import(tmp_path)

    assert summary == "Imported 4, updated 0, failed 1."
    assert [line.split(": ")[0] for line in stdout.splitlines()[:4]] == [
        f"[{number}/5] {path}" for number, path in zip([1, 2, 4, 5], stories, strict=True)
    ]
    assert (
        stderr == f"[3/5] {broken}: failed: the file holds only a title: no metadata and no body\n"
    )
    assert Article.objects.count() == 4


def test_a_batch_costs_as_many_queries_for_many_files_as_for_few(tmp_path):
    few, many = tmp_path / "few", tmp_path / "many"
    write_stories(few, 2)
    write_stories(many, 20, start=2)

    counts = []
    for directory in (few, many):
        with CaptureQueriesContext(connection) as queries:
            run_import(directory)
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert Article.objects.count() == 22


def test_a_file_that_cannot_be_published_is_refused_and_the_rest_of_its_batch_imported(tmp_path):
    picture = write_legacy(
        tmp_path / "b-picture.txt", 'Photo story\n\nNone\nNone\n<img src="/media/x.png">\n'
    )
    stories = write_stories(tmp_path, 2)

    _stdout, stderr, summary = run_failing_import(*stories[:1], picture, *stories[1:])

    assert summary == "Imported 2, updated 0, failed 1."
    assert f"[2/3] {picture}: failed: cannot be published: " in stderr
    assert not Article.objects.filter(title_en="Photo story").exists()


def test_a_batch_that_fails_keeps_the_files_before_the_failing_one(tmp_path, monkeypatch):
    def fail(name):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("articles.interchange.importers.find_or_create_author", fail)
    stories = write_stories(tmp_path, 2)

    stdout = StringIO()
    with pytest.raises(RuntimeError):
        call_command("import_legacy", *stories, ENGLISH, stdout=stdout)

    assert sorted(Article.objects.values_list("title_en", flat=True)) == ["Story 0", "Story 1"]
    assert stdout.getvalue().count(": imported http") == 2
    assert not Article.objects.filter(title_en=RAIL_TITLE).exists()


def test_each_import_keeps_a_version_of_each_article_in_one_revision_per_batch(tmp_path):
    stories = write_stories(tmp_path, 3)

    run_import(*stories)
    run_import(*stories)

    for article in Article.objects.all():
        versions = Version.objects.get_for_object(article)
        assert [version.revision.comment for version in versions] == [
            "Imported from 3 files (story-0.txt to story-2.txt)"
        ] * 2
        assert versions[0].field_dict["edit_version"] == 2
    assert len({version.revision_id for version in Version.objects.all()}) == 2


def test_an_import_makes_every_page_anew_once_here_and_at_the_edge(
    tmp_path, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EDGE_CACHE_URLS = ["http://edge.invalid"]
    purges = []
    monkeypatch.setattr(edge, "send", purges.append)
    token = generation.current().token

    with django_capture_on_commit_callbacks(execute=True):
        run_import(*write_stories(tmp_path, 3))

    assert generation.current().token != token
    assert purges == [edge.SITE]


def test_reimporting_keeps_what_editors_added_beside_the_files_language():
    run_import(ENGLISH)
    category = make_category()
    Article.objects.update(
        lead_en="An editor's lead.",
        title_ru="Новая железная дорога",
        body_ru="Текст.",
        category=category,
    )

    run_import(ENGLISH)

    article = Article.objects.get()
    assert article.lead_en == "An editor's lead."
    assert article.languages == ["ru", "en"]
    assert article.category == category
