"""Articles exported from the old site as plain text, brought into the newsroom.

One article per file, UTF-8 (a BOM and CRLF line ends are fine)::

    Title
    <blank line>
    <a date, an author's name, or None>
    <a date, an author's name, or None>
    The body: paragraphs separated by blank lines.
    Последние новости   <- the old site's latest-news heading, dropped

Identity. The old site's exports carry no ids, and the same export turns up in
more than one directory, so an article is identified by its content:
`Article.legacy_key` is the language plus a hash of the language, the title
(case and spacing aside) and the date line as written. The path plays no part,
so a copy of a file elsewhere updates the same article; the body plays no part,
so a corrected body updates the article too. A changed title or date is a
different article.

A re-import writes what the file holds (title, body, date, byline) in the
file's language only. What editors decided since (the status, other
languages, a slug they changed) stays unless the import is told otherwise.

Speed. Files are read and checked one by one, then written BATCH_SIZE at a
time, each batch in a transaction: a few statements write a batch's
articles, bylines, versions and search vectors, where a save each cost a
dozen queries (tools/bench_import.py measures it). Each article is still
made as a save makes it (derive()), published by the desk's rules
(workflow.article_publish) and kept as a version in its history, in one
revision per batch. Bulk writes send no signals, so once the import is done
every cached page is made anew, here and at the edge.
"""

import copy
import hashlib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from articles import workflow
from articles.caching import edge, generation
from articles.media.sanitizer import CONTROL_CHARACTERS
from articles.models import LANGUAGE_CODES, Article, Author, Byline, localized
from articles.models.derivation import derive
from articles.search import write_vectors

LATEST_NEWS_HEADINGS = frozenset(
    heading.casefold() for heading in ("Соңғы жаңалықтар", "Последние новости", "Latest news")
)
KAZAKH_ONLY_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
DAY_FIRST_FORMAT = "%d.%m.%Y %H:%M"
DATE_FORMATS = "ISO 8601 or DD.MM.YYYY HH:MM"
TITLE_MAX_LENGTH = Article._meta.get_field("title").max_length
AUTHOR_NAME_MAX_LENGTH = Author._meta.get_field("name").max_length
# The longest export is a few dozen kilobytes: anything far bigger is not an article,
# and is not read into memory whole to find that out.
MAX_FILE_MEGABYTES = 2
# Files written in one transaction: a batch costs a few statements whatever its size, and
# a batch that fails is imported again a file at a time (import_batch()).
BATCH_SIZE = 500


class LegacyFormatError(Exception):
    """A file that cannot be imported; `reason` tells the person running the import why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class LegacyArticle:
    title: str
    body: str
    language: str
    published_at: datetime | None
    author_name: str | None
    legacy_key: str


@dataclass(frozen=True)
class LegacyFile:
    """A file to import, and the directory it was found in, which it may not lead out of."""

    path: Path
    directory: Path | None = None  # None: named on the command line


@dataclass(frozen=True)
class ImportResult:
    path: Path
    article: Article
    language: str
    created: bool

    @property
    def public_url(self) -> str:
        """The article's full address, to print where there is no request to build it from."""
        return settings.SITE_URL + self.article.get_absolute_url(self.language)


@dataclass(frozen=True)
class ImportFailure:
    """A file that was not imported, and why."""

    path: Path
    reason: str


# A file read: its path and article, or why it cannot be imported.
type Read = tuple[Path, LegacyArticle] | ImportFailure


@dataclass(frozen=True)
class Prepared:
    """A file's article as the import makes it, unwritten, and as stored before (None: new)."""

    path: Path
    legacy: LegacyArticle
    article: Article
    previous: Article | None


def find_legacy_files(paths: Iterable[Path]) -> list[LegacyFile]:
    """The files to import: each path as given, and each directory's *.txt, recursively, sorted.

    A path that does not exist stays in the list, so that importing it
    reports it like any other bad file; so does a link in a directory,
    which importing refuses if it leads out of the directory. Linked
    directories are not entered.
    """
    found: dict[Path, LegacyFile] = {}
    for path in paths:
        if path.is_dir():
            files = path.rglob("*.txt", case_sensitive=False)
            for file in sorted(file for file in files if file.is_file() or file.is_symlink()):
                found.setdefault(file, LegacyFile(file, directory=path))
        else:
            found.setdefault(path, LegacyFile(path))
    return list(found.values())


def import_files(
    files: Iterable[LegacyFile],
    *,
    language: str | None = None,
    status: str | None = None,
    default_date: datetime | None = None,
) -> Iterator[ImportResult | ImportFailure]:
    """Create or update the article each file holds; yield how each file went, in their order.

    Files are imported BATCH_SIZE at a time, each batch in a transaction.
    `status` applies to new articles (published when None) and, when given,
    to existing ones. An undated article takes `default_date`, else the time
    it was first imported, else now. A file found in a directory is read
    only if it is inside it.
    """
    written = False
    try:
        for batch in batches(read_files(files, language)):
            for outcome in import_batch(batch, status=status, default_date=default_date):
                written = written or isinstance(outcome, ImportResult)
                yield outcome
    finally:
        # Also when an error stops the import: the batches before it are written.
        if written:
            content_changed()


def read_files(files: Iterable[LegacyFile], language: str | None) -> Iterator[Read]:
    """Each file's article, or why it cannot be imported."""
    for file in files:
        try:
            text = read_legacy_text(file.path, file.directory)
            yield file.path, parse_legacy_article(text, language=language)
        except LegacyFormatError as error:
            yield ImportFailure(file.path, error.reason)


def batches(reads: Iterable[Read]) -> Iterator[list[Read]]:
    """The files, BATCH_SIZE at a time; a copy of a file already in the batch begins the next.

    So a batch writes each article once, and a copy updates what the file
    before it wrote, as when files were imported one at a time.
    """
    batch: list[Read] = []
    keys: set[str] = set()
    for read in reads:
        key = None if isinstance(read, ImportFailure) else read[1].legacy_key
        if len(batch) == BATCH_SIZE or key in keys:
            yield batch
            batch, keys = [], set()
        batch.append(read)
        if key is not None:
            keys.add(key)
    if batch:
        yield batch


def import_batch(
    batch: list[Read], *, status: str | None, default_date: datetime | None
) -> Iterator[ImportResult | ImportFailure]:
    """Import a batch in one transaction; each file's outcome once it is committed.

    If writing it fails, the batch is imported again a file at a time, each
    in a transaction of its own: the files before the one that fails are
    kept, and its error raised, as when files were imported one at a time.
    """
    try:
        with transaction.atomic():
            outcomes = write_batch(batch, status=status, default_date=default_date)
    except Exception:
        if len(batch) == 1:
            raise
        outcomes = one_at_a_time(batch, status=status, default_date=default_date)
    yield from outcomes


def one_at_a_time(
    batch: list[Read], *, status: str | None, default_date: datetime | None
) -> Iterator[ImportResult | ImportFailure]:
    for read in batch:
        yield from import_batch([read], status=status, default_date=default_date)


def write_batch(
    batch: list[Read], *, status: str | None, default_date: datetime | None
) -> list[ImportResult | ImportFailure]:
    """Make each file's article as a save would, then write those that passed all together.

    One query reads the batch's stored articles; a few statements write the
    articles, their bylines, their versions and their search vectors.
    """
    now = timezone.now()
    keys = [read[1].legacy_key for read in batch if not isinstance(read, ImportFailure)]
    stored = Article.objects.select_related("cover_image").in_bulk(keys, field_name="legacy_key")
    outcomes: list[ImportResult | ImportFailure] = []
    prepared: list[Prepared] = []
    for read in batch:
        if isinstance(read, ImportFailure):
            outcomes.append(read)
            continue
        path, legacy = read
        previous = stored.get(legacy.legacy_key)
        try:
            article = prepare(legacy, previous, status, default_date, now)
        except LegacyFormatError as error:
            outcomes.append(ImportFailure(path, error.reason))
            continue
        prepared.append(Prepared(path, legacy, article, previous))
        outcomes.append(ImportResult(path, article, legacy.language, created=previous is None))
    write_articles(prepared)
    credit_authors(prepared)
    keep_versions(prepared)
    write_vectors([item.article for item in prepared])
    # No relate(): related articles are ranked by tags, which an import never changes,
    # so a save would leave them as they are too.
    return outcomes


def prepare(
    legacy: LegacyArticle,
    stored: Article | None,
    status: str | None,
    default_date: datetime | None,
    now: datetime,
) -> Article:
    """The article the file makes, new or `stored` updated (a copy), as a save would store it.

    Raises LegacyFormatError if it should be published and cannot be.
    """
    created = stored is None
    article = Article(legacy_key=legacy.legacy_key) if created else copy.copy(stored)
    wanted = status or (Article.Status.PUBLISHED if created else article.status)
    title_column = localized("title", legacy.language)
    if created or getattr(article, title_column) != legacy.title:
        # derive() makes the slug from the title; an unchanged title keeps its address.
        setattr(article, localized("slug", legacy.language), "")
    setattr(article, title_column, legacy.title)
    setattr(article, localized("body", legacy.language), legacy.body)
    go_live_column = localized("published_at", legacy.language)
    go_live = legacy.published_at or default_date or getattr(article, go_live_column) or now
    if wanted == Article.Status.PUBLISHED:
        publish(article, legacy.language, go_live)
    else:
        # A draft, or what editors decided since the last import (in review, withdrawn).
        article.status = wanted
        setattr(article, go_live_column, go_live)
    derive(article, stored, now=now)
    # Set by an insert, not by an update of chosen columns (auto_now).
    article.updated_at = now
    return article


def publish(article: Article, language: str, go_live: datetime) -> None:
    """Publish the file's language from its date, as the desk publishes (articles/workflow.py).

    Not saved there: the batch writes it. The import announces itself once,
    when it is done: not each article.
    """
    try:
        workflow.article_publish(article, None, languages=[language], at=go_live, commit=False)
    except ValidationError as error:
        raise LegacyFormatError(f"cannot be published: {' '.join(error.messages)}") from None


def write_articles(prepared: list[Prepared]) -> None:
    """Insert the new articles; set the columns the import changed in the others, nothing else."""
    Article.objects.bulk_create([item.article for item in prepared if item.previous is None])
    updated = [item for item in prepared if item.previous is not None]
    if updated:
        # Without rewrite(False) modeltranslation would set the active language's column
        # for `title`; a save sets the `title` column itself.
        Article.objects.rewrite(False).bulk_update(
            [item.article for item in updated], changed_fields(updated)
        )


def changed_fields(updated: list[Prepared]) -> list[str]:
    """The fields that differ from the stored article in any of `updated`."""
    fields = [field for field in Article._meta.concrete_fields if not field.primary_key]
    return [
        field.name
        for field in fields
        if any(
            getattr(item.article, field.attname) != getattr(item.previous, field.attname)
            for item in updated
        )
    ]


def credit_authors(prepared: list[Prepared]) -> None:
    """Each file's author on its article's byline, unless there already (as get_or_create)."""
    authors: dict[str, Author] = {}
    bylines = []
    for item in prepared:
        if name := item.legacy.author_name:
            if name not in authors:
                authors[name] = find_or_create_author(name)
            bylines.append(Byline(article=item.article, author=authors[name], position=0))
    Byline.objects.bulk_create(bylines, ignore_conflicts=True)


def keep_versions(prepared: list[Prepared]) -> None:
    """Each article as written, with its bylines, as a version in one revision for the batch.

    A revision each cost more than writing the articles; the history still
    shows one version of each article per import. What a version holds
    besides the article's columns (its tags, its bylines and their authors'
    names) is read for the whole batch at once, not for each article.
    """
    if not prepared:
        return
    articles = [item.article for item in prepared]
    prefetch_related_objects(articles, "tags", "bylines__author")
    with reversion.create_revision(atomic=False):
        reversion.set_comment(revision_comment([item.path for item in prepared]))
        for article in articles:
            reversion.add_to_revision(article)


def revision_comment(paths: list[Path]) -> str:
    if len(paths) == 1:
        return f"Imported from {paths[0].name}"
    return f"Imported from {len(paths)} files ({paths[0].name} to {paths[-1].name})"


def content_changed() -> None:
    """Bulk writes send no signals: every page is made anew, here and at the edge."""
    generation.bump()
    edge.purge_everything()


def read_legacy_text(path: Path, directory: Path | None = None) -> str:
    """The file's text, without a BOM; `directory`: the one it was found in, not to be left."""
    if directory is not None and not path.resolve().is_relative_to(directory.resolve()):
        raise LegacyFormatError(f"a link to {path.resolve()}, outside {directory}: not read")
    if path.exists() and not path.is_file():
        raise LegacyFormatError("not a regular file")
    limit = MAX_FILE_MEGABYTES * 1024 * 1024
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except FileNotFoundError:
        raise LegacyFormatError("no such file or directory") from None
    except OSError as error:
        raise LegacyFormatError(f"cannot read the file: {error.strerror or error}") from error
    if len(data) > limit:
        raise LegacyFormatError(
            f"the file is larger than {MAX_FILE_MEGABYTES} MB: too large for one article"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LegacyFormatError(f"not UTF-8 text (byte {error.start} cannot be decoded)") from error


def parse_legacy_article(text: str, *, language: str | None = None) -> LegacyArticle:
    """The article in a legacy file's text; `language` skips detection."""
    if "\x00" in text:
        # PostgreSQL refuses NUL in text; no article has one.
        raise LegacyFormatError("the file holds NUL characters: not a text file")
    if control := CONTROL_CHARACTERS.search(text):
        line = text.count("\n", 0, control.start()) + 1
        raise LegacyFormatError(
            f"line {line} holds a control character ({control[0]!r}): not plain text"
        )
    # Kazakh letters can arrive composed or decomposed; compare and store one form.
    text = unicodedata.normalize("NFC", text)
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        raise LegacyFormatError("the file is empty")
    title = " ".join(lines[0].split())
    if not title:
        raise LegacyFormatError("line 1, the title, is blank")
    if len(lines) == 1:
        raise LegacyFormatError("the file holds only a title: no metadata and no body")
    if lines[1]:
        raise LegacyFormatError("line 2 should be blank: the title is a single line")
    if len(lines) < 4:
        raise LegacyFormatError("lines 3 and 4 (the date and the author) are missing")
    if len(title) > TITLE_MAX_LENGTH:
        raise LegacyFormatError(
            f"the title has {len(title)} characters; at most {TITLE_MAX_LENGTH} fit"
        )
    published_at, date_line, author_name = read_metadata(lines[2], lines[3])
    body = "\n\n".join(body_paragraphs(lines[4:]))
    if not body:
        raise LegacyFormatError("the article has no body")
    language = language or detect_language(f"{title}\n{body}")
    return LegacyArticle(
        title=title,
        body=body,
        language=language,
        published_at=published_at,
        author_name=author_name,
        legacy_key=legacy_key(language, title, date_line),
    )


def read_metadata(*lines: str) -> tuple[datetime | None, str | None, str | None]:
    """(publication time, the date line as written, author's name) from lines 3 and 4.

    Each line is a date, a name or `None`, in either order: what parses as
    a date is one, and what starts with a digit but does not parse is a
    broken date rather than a name.
    """
    published_at = date_line = author_name = None
    for number, line in enumerate(lines, start=3):
        if line.casefold() == "none":
            continue
        if not line:
            raise LegacyFormatError(
                f"line {number} is blank; expected a date, an author's name or None"
            )
        try:
            moment = parse_publication_time(line)
        except ValueError:
            moment = None
            if line[0].isdigit():
                raise LegacyFormatError(
                    f"line {number}: {line!r} is not a valid date ({DATE_FORMATS})"
                ) from None
        if moment is not None:
            if date_line is not None:
                raise LegacyFormatError("lines 3 and 4 both hold a date")
            published_at, date_line = moment, " ".join(line.split())
            continue
        if author_name is not None:
            raise LegacyFormatError("lines 3 and 4 both hold a name; one author at most")
        if len(line) > AUTHOR_NAME_MAX_LENGTH:
            raise LegacyFormatError(
                f"line {number} is too long for an author's name; is the metadata missing?"
            )
        author_name = " ".join(line.split())
    return published_at, date_line, author_name


def parse_publication_time(text: str) -> datetime:
    """An aware datetime from ISO 8601 or DD.MM.YYYY HH:MM; naive times are in TIME_ZONE.

    Raises ValueError for anything else, and for a time the database cannot
    store (it stores UTC: year 1 east of Greenwich is year 0 there).
    """
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = datetime.strptime(text, DAY_FIRST_FORMAT)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    try:
        moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is out of range") from None
    return moment


def body_paragraphs(lines: list[str]) -> list[str]:
    """The body's paragraphs, each keeping its line breaks, without the latest-news heading."""
    if lines and " ".join(lines[-1].split()).casefold() in LATEST_NEWS_HEADINGS:
        lines = lines[:-1]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    return paragraphs


def detect_language(text: str) -> str:
    """kk for Cyrillic with a letter only Kazakh uses, ru for other Cyrillic, en for Latin.

    Cyrillic and Latin letters are counted, so a quoted name or a brand in
    the other script does not change the language of the whole article.
    """
    scripts: Counter[str] = Counter()
    # Each distinct letter is named once: a body repeats a few dozen letters thousands of times.
    for char, count in Counter(text).items():
        if char.isalpha():
            scripts[unicodedata.name(char, "").split(" ", 1)[0]] += count
    cyrillic, latin = scripts["CYRILLIC"], scripts["LATIN"]
    if not cyrillic and not latin:
        raise LegacyFormatError("cannot tell the language from the text; give --language")
    if cyrillic >= latin:
        return "kk" if KAZAKH_ONLY_LETTERS.intersection(text) else "ru"
    return "en"


def legacy_key(language: str, title: str, date_line: str | None) -> str:
    """The article's identity across re-imports (see the module docstring)."""
    identity = "\n".join([language, " ".join(title.split()).casefold(), date_line or ""])
    return f"{language}:{hashlib.sha256(identity.encode()).hexdigest()[:40]}"


def find_or_create_author(name: str) -> Author:
    """The author with this name in any language, case and spacing aside; else a new one."""
    wanted = " ".join(name.split()).casefold()
    columns = [localized("name", code) for code in LANGUAGE_CODES]
    # Compared here, not in SQL: SQLite folds the case of ASCII letters only.
    for pk, *names in Author.objects.order_by("pk").values_list("pk", *columns):
        if any(" ".join((other or "").split()).casefold() == wanted for other in names):
            return Author.objects.get(pk=pk)
    return Author.objects.create(**{column: name for column in columns})
