"""`manage.py import_legacy` fed junk: each bad file refused with its reason, the rest imported.

Malformed, truncated, binary, empty, huge and non-UTF-8 files, NUL bytes and
control characters, dates past the calendar, links out of the directory and
names with `..`: nothing half-written, and nothing outside the directory read.
"""

import io
import os
import random
import shutil
import signal
import tracemalloc
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image as PillowImage

from articles.interchange.importers import MAX_FILE_MEGABYTES
from articles.models import Article, Author, Byline

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "legacy"
GOOD = ["kk-ekonomika.txt", "ru-budget-2027.txt", "en-steppe-rail.txt"]
SECRET_TITLE = "A file outside the import directory"


def run_failing_import(*paths) -> tuple[str, str, str]:
    """The import's output, its errors and its summary, for a run with failed files."""
    stdout, stderr = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_legacy", *paths, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue(), str(raised.value)


def png() -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    return buffer.getvalue()


GOOD_TEXT = (FIXTURES / "en-steppe-rail.txt").read_bytes()
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty.txt": (b"", "the file is empty"),
    "blank-lines.txt": (b"\n\n   \n\t\n", "the file is empty"),
    "title-only.txt": (b"Only a title\n", "only a title"),
    "no-blank-line.txt": (b"Title\nNot blank\nNone\nNone\nBody.", "line 2 should be blank"),
    "cut-after-metadata.txt": (GOOD_TEXT.split(b"ALMATY")[0], "no body"),
    "cut-mid-letter.txt": ("Заголовок\n\nNone\nNone\nТекст".encode()[:-1], "not UTF-8 text"),
    "latin1.txt": ("Café\n\nNone\nNone\nCrème brûlée.".encode("latin-1"), "not UTF-8 text"),
    "utf16.txt": ("Title\n\nNone\nNone\nBody.".encode("utf-16"), "not UTF-8 text"),
    "random-bytes.txt": (random.Random(8).randbytes(4096), "not UTF-8 text"),
    "picture.txt": (png(), "not UTF-8 text"),
    "nul.txt": (b"Title\n\nNone\nNone\nBody\x00 with NUL.", "NUL characters"),
    "escape.txt": (b"Title\n\nNone\nNone\nBody \x1b[31mred\x1b[0m.", "line 5 holds a control"),
    "form-feed.txt": (b"Title\x0c\n\nNone\nNone\nBody.", "line 1 holds a control"),
    "year-1.txt": (b"Title\n\n01.01.0001 00:00\nNone\nBody.", "not a valid date"),
    "year-10000.txt": (b"Title\n\n9999-12-31T23:59-12:00\nNone\nBody.", "not a valid date"),
    "year-99999.txt": (b"Title\n\n99999-01-01\nNone\nBody.", "not a valid date"),
    "long-title.txt": (("Ұзын " * 700 + "\n\nNone\nNone\nBody.").encode(), "at most 300 fit"),
    "long-author.txt": (b"Title\n\nNone\n" + b"Name " * 100 + b"\nBody.", "too long for an au"),
    "no-letters.txt": (b"12345\n\nNone\nNone\n678 90", "cannot tell the language"),
}


@pytest.fixture
def exports(tmp_path) -> Path:
    """An export directory: the good samples, every kind of bad file, and odd names."""
    directory = tmp_path / "exports"
    directory.mkdir()
    for name in GOOD:
        shutil.copy(FIXTURES / name, directory / name)
    for name, (content, _reason) in BAD_FILES.items():
        (directory / name).write_bytes(content)
    return directory


def test_every_bad_file_is_reported_with_its_reason_and_every_good_one_imported(exports):
    stdout, stderr, summary = run_failing_import(exports)

    assert summary == f"Imported {len(GOOD)}, updated 0, failed {len(BAD_FILES)}."
    for name, (_content, reason) in BAD_FILES.items():
        [line] = [line for line in stderr.splitlines() if f"{exports / name}:" in line]
        assert reason in line.partition(": failed: ")[2], line
    assert stdout.count(": imported http") == len(GOOD)
    assert Article.objects.count() == len(GOOD)


def test_bad_files_leave_no_article_author_or_byline_behind(exports):
    for name in GOOD:
        (exports / name).unlink()

    run_failing_import(exports)

    assert not Article.objects.exists()
    assert not Author.objects.exists()  # long-author.txt named one, and was refused
    assert not Byline.objects.exists()


def test_a_huge_file_is_refused_without_being_read_whole(tmp_path):
    huge = tmp_path / "huge.txt"
    line = "A paragraph of a file that is far too long for one article.\n\n"
    with huge.open("w", encoding="utf-8") as file:
        file.write("A title\n\nNone\nNone\n")
        file.write(line * (20 * 1024 * 1024 // len(line)))  # 20 MB
    tracemalloc.start()
    try:
        _stdout, stderr, summary = run_failing_import(huge, FIXTURES / "en-steppe-rail.txt")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert f"{huge}: failed: the file is larger than {MAX_FILE_MEGABYTES} MB" in stderr
    assert summary == "Imported 1, updated 0, failed 1."
    assert peak < 3 * MAX_FILE_MEGABYTES * 1024 * 1024  # the 20 MB were never in memory


def test_a_file_just_under_the_size_limit_is_read(tmp_path):
    body = "Paragraph.\n\n" * ((MAX_FILE_MEGABYTES * 1024 * 1024 - 100) // 12)
    big = tmp_path / "big.txt"
    big.write_text(f"A long report\n\nNone\nNone\n{body}", encoding="utf-8")

    call_command("import_legacy", big, stdout=StringIO())

    assert Article.objects.get().title_en == "A long report"


@pytest.fixture
def outside(tmp_path) -> Path:
    """A valid export outside the import directory: nothing may read it."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    secret = elsewhere / "secret.txt"
    secret.write_text(f"{SECRET_TITLE}\n\nNone\nNone\nNot to be read.\n", encoding="utf-8")
    return secret


@pytest.fixture
def opened(monkeypatch) -> list[Path]:
    """Every file the import opens, resolved."""
    paths = []
    open_path = Path.open

    def recorded(self, *args, **kwargs):
        paths.append(self.resolve())
        return open_path(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", recorded)
    return paths


def test_a_link_out_of_the_directory_is_reported_and_not_read(exports, outside, opened):
    link = exports / "link.txt"
    link.symlink_to(outside)
    (exports / "nested").mkdir()
    relative = exports / "nested" / "climb.txt"
    relative.symlink_to(Path("..") / ".." / outside.parent.name / outside.name)

    _stdout, stderr, _summary = run_failing_import(exports)

    assert f"{link}: failed: a link to {outside}, outside {exports}: not read" in stderr
    assert f"{relative}: failed: a link to {outside}" in stderr
    assert outside not in opened
    assert not Article.objects.filter(title_en=SECRET_TITLE).exists()
    assert Article.objects.count() == len(GOOD)


def test_a_linked_directory_out_of_the_import_directory_is_not_entered(exports, outside, opened):
    (exports / "linked").symlink_to(outside.parent, target_is_directory=True)

    run_failing_import(exports)

    assert outside not in opened
    assert not Article.objects.filter(title_en=SECRET_TITLE).exists()


def test_a_link_inside_the_directory_is_imported_once_as_its_target(exports):
    (exports / "same-rail.txt").symlink_to(exports / "en-steppe-rail.txt")

    stdout, _stderr, _summary = run_failing_import(exports)

    assert f"{exports / 'same-rail.txt'}: updated" in stdout
    assert Article.objects.count() == len(GOOD)


def test_names_with_dots_are_files_of_the_directory_like_any_other(tmp_path, opened):
    directory = tmp_path / "exports"
    directory.mkdir()
    odd = [directory / "..rail.txt", directory / "rail..txt", directory / "...txt"]
    for path in odd:
        shutil.copy(FIXTURES / "en-steppe-rail.txt", path)

    stdout = StringIO()
    call_command("import_legacy", directory, stdout=stdout)

    assert all(path.resolve() in opened for path in odd)
    assert all(path.resolve().is_relative_to(directory.resolve()) for path in opened)
    assert Article.objects.count() == 1  # the same export three times: one article


@pytest.fixture
def give_up_after_seconds():
    """Fail a test that waits: opening a pipe with no writer waits for ever."""

    def waited(signum, frame):
        raise TimeoutError("the import waited for the pipe")

    previous = signal.signal(signal.SIGALRM, waited)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_pipe_named_on_the_command_line_is_refused_not_read(tmp_path, give_up_after_seconds):
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)

    _stdout, stderr, summary = run_failing_import(pipe)

    assert f"{pipe}: failed: not a regular file" in stderr
    assert summary == "Imported 0, updated 0, failed 1."


def test_a_date_option_past_the_calendar_stops_before_importing():
    with pytest.raises(CommandError, match="is not a date"):
        call_command(
            "import_legacy",
            FIXTURES / "en-steppe-rail.txt",
            date="01.01.0001 00:00",
            stdout=StringIO(),
        )

    assert not Article.objects.exists()


def test_a_failure_after_the_article_is_saved_leaves_no_article_or_author(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    # Bylines are written after their batch's articles (importers.credit_authors).
    monkeypatch.setattr(Byline.objects, "bulk_create", fail)

    with pytest.raises(RuntimeError):
        call_command("import_legacy", FIXTURES / "en-steppe-rail.txt", stdout=StringIO())

    assert not Article.objects.exists()
    assert not Author.objects.exists()
