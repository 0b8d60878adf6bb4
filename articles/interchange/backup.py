"""Backups of the content as one portable JSON document (export_content, import_content).

docs/backup-format.md describes the format: categories, authors, tags, the
media library's rows, articles with every edition's text and times, sources'
names, static pages, the site's identity with its social links, and the
retired slugs that keep old addresses redirecting. Ids are kept, since
article addresses carry them.

An import reads the document twice, an item at a time, so that its size
does not matter: check() reads all of it and writes nothing; write() then
writes the rows as they were exported, with bulk_create, in one
transaction. Each article gets what a save derives (derive(), with the
history the document brings rather than new change times and versions),
then its search vectors and, once all are in, its related articles, as a
save writes them; then a new content generation.

A backup is input like any other, and may be damaged or hostile. check()
refuses what the site could not store, show or serve safely, as the admin's
forms refuse it: text with control characters, times past the calendar in
UTC or in the site's time zone, media names outside the media storage
(which pages would serve and a later change would delete), renditions and
Latin sources of another shape, values nested deeper than the format
nests. Bodies are not refused but cleaned, as a save cleans them: at
write(), since cleaning finds nothing to report.
"""

import codecs
import json
import re
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import batched, count
from typing import Any, BinaryIO, TextIO

import ijson
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.utils import validate_file_name
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from reversion.models import Revision, Version

from articles.caching import edge, generation
from articles.editions.languages import EDITIONS, LANGUAGE_CODES, localized, translated_fields
from articles.media.sanitizer import CONTROL_CHARACTERS
from articles.models import (
    LATIN_OVERRIDABLE,
    Article,
    Author,
    Byline,
    Category,
    Image,
    RetiredSlug,
    SiteIdentity,
    SocialLink,
    StaticPage,
    Tag,
    relate,
)
from articles.models import Source as NamedSource  # this module's Source reads the stream
from articles.models.bulk import update_from_values
from articles.models.derivation import derive
from articles.search import write_vectors

FORMAT = "newsroom-content"
VERSION = 3
BATCH_SIZE = 500
# The first problems are enough to find what went wrong; thousands would hide them.
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class Section:
    """One list in the document: the rows of a model, and what each row carries."""

    name: str
    model: type[models.Model]
    # An object per edition: {"kk": ..., "kk-latn": ..., "ru": ..., "en": ...}. Every field
    # articles/translation.py registers, so that each of its columns is exported.
    translated: tuple[str, ...] = ()
    # A single value each; a foreign key is the other row's id.
    fields: tuple[str, ...] = ()
    # Model fields deliberately not exported (docs/backup-format.md says why).
    left_out: tuple[str, ...] = ()
    # Fields a later version of the format added, with that version: a document of an
    # earlier one lacks them, and its rows get the model's default.
    since: dict[str, int] = field(default_factory=dict)
    # Rich text, translated or not: sanitized on the way in, as save() sanitizes it.
    html: tuple[str, ...] = ()
    # The version of the format that added the list: a document of an earlier one lacks it.
    since_version: int = 1

    def model_field(self, name: str) -> models.Field:
        return self.model._meta.get_field(name)

    def columns(self) -> list[str]:
        """The attributes a row is read from and written to (category_id, title_kk_latn...)."""
        single = [self.model_field(name).attname for name in self.fields]
        return single + [localized(name, code) for name in self.translated for code in EDITIONS]

    def keys(self, version: int = VERSION) -> set[str]:
        """What an item of a document of `version` carries."""
        added_later = {name for name, since in self.since.items() if since > version}
        return {*self.fields, *self.translated} - added_later

    def html_columns(self) -> list[str]:
        """The columns of rich text: every edition's body_*, latin_body."""
        return [
            column
            for name in self.html
            for column in (
                [localized(name, code) for code in EDITIONS] if name in self.translated else [name]
            )
        ]


CATEGORIES = Section(
    "categories",
    Category,
    translated=translated_fields(Category),
    fields=("id", "position"),
)
AUTHORS = Section(
    "authors",
    Author,
    translated=translated_fields(Author),
    fields=("id", "photo", "is_active"),
)
TAGS = Section("tags", Tag, translated=translated_fields(Tag), fields=("id",))
IMAGES = Section(
    "images",
    Image,
    translated=translated_fields(Image),
    fields=(
        "id",
        "file",
        "width",
        "height",
        "focal_x",
        "focal_y",
        "credit",
        "renditions",
        "created_at",
    ),
    left_out=("uploaded_by",),
    since={"focal_x": 2, "focal_y": 2},
)
ARTICLES = Section(
    "articles",
    Article,
    translated=translated_fields(Article),
    fields=(
        "id",
        "status",
        "withdrawal_reason",
        "original_language",
        "category",
        "cover_image",
        "featured",
        "breaking_until",
        "source",
        "legacy_key",
        *(f"latin_{name}" for name in LATIN_OVERRIDABLE),
        "latin_sources",
        "edit_version",
        "created_at",
        "updated_at",
    ),
    # What a save derives from the rest is derived again on the way in.
    left_out=(
        "created_by",
        "written_in",
        *(localized("translation", code) for code in LANGUAGE_CODES),
        "related_ids",
        *(localized("search", code) for code in EDITIONS),
    ),
    html=("body", "latin_body"),
)
SOURCES = Section(
    "sources",
    NamedSource,
    translated=translated_fields(NamedSource),
    fields=("id", "credit"),
    since_version=3,
)
STATIC_PAGES = Section(
    "static_pages",
    StaticPage,
    translated=translated_fields(StaticPage),
    fields=("id", "position", "updated_at"),
    html=("body",),
    since_version=3,
)
# The site's one identity: an import that brings it replaces the site's own.
SITE_IDENTITY = Section(
    "site_identity",
    SiteIdentity,
    translated=translated_fields(SiteIdentity),
    fields=("id", "logo", "logo_width", "logo_height", "accent_colour", "updated_at"),
    since_version=3,
)
SOCIAL_LINKS = Section(
    "social_links",
    SocialLink,
    fields=("id", "identity", "network", "url", "position"),
    since_version=3,
)
RETIRED_SLUGS = Section(
    "retired_slugs",
    RetiredSlug,
    fields=("model_name", "object_id", "language", "slug", "retired_at"),
    left_out=("id",),
)
SECTIONS = (
    CATEGORIES,
    AUTHORS,
    TAGS,
    IMAGES,
    ARTICLES,
    SOURCES,
    STATIC_PAGES,
    SITE_IDENTITY,
    SOCIAL_LINKS,
    RETIRED_SLUGS,
)
# The site's identity is there from the first migration on: not content an import would clash with.
SITE_OWN = (SITE_IDENTITY, SOCIAL_LINKS)
# An article's relations, written beside its own fields.
ARTICLE_RELATIONS = ("bylines", "tags")
# What a retired slug's model_name names: the section its object_id points into.
RETIRED_OWNERS = {
    "category": CATEGORIES,
    "author": AUTHORS,
    "tag": TAGS,
    "staticpage": STATIC_PAGES,
}
BYLINE_FIELDS = (Byline._meta.get_field("author"), Byline._meta.get_field("position"))
HEADER = ("format", "version", "exported_at", "languages", "media_url")


# Exporting


def export(out: TextIO) -> Counter:
    """Write the whole content to `out` as one document; return how many rows of each list.

    Rows are read in batches, never all at once, and from one snapshot of the
    database, so that a site being edited meanwhile still gives a document
    whose references all resolve.
    """
    counts = Counter()
    header = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": moment_text(timezone.now()),
        "languages": EDITIONS,
        "media_url": settings.MEDIA_URL,
    }
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:  # otherwise each query sees the rows committed before it began
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        out.write("{\n")
        for key in HEADER:
            out.write(f"  {json.dumps(key)}: {json.dumps(header[key], ensure_ascii=False)},\n")
        for section in SECTIONS:
            items = exported_articles() if section is ARTICLES else exported_rows(section)
            counts[section.name] = write_list(out, section.name, items)
            out.write(",\n" if section is not SECTIONS[-1] else "\n")
        out.write("}\n")
    return counts


def write_list(out: TextIO, name: str, items: Iterable[dict]) -> int:
    """Write `"name": [...]` one item at a time, indented as json.dumps(indent=2) would."""
    out.write(f"  {json.dumps(name)}: [")
    written = 0
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2, sort_keys=True)
        out.write(("\n" if not written else ",\n") + textwrap.indent(text, "    "))
        written += 1
    out.write("\n  ]" if written else "]")
    return written


def exported_rows(section: Section) -> Iterator[dict]:
    rows = section.model.objects.order_by(*ordering(section)).values(*section.columns())
    if section is RETIRED_SLUGS:
        rows = rows.filter(owner_exists())
    for row in rows.iterator(chunk_size=BATCH_SIZE):
        yield exported_item(section, row)


def ordering(section: Section) -> tuple[str, ...]:
    if section is RETIRED_SLUGS:
        return ("model_name", "language", "slug")
    return ("pk",)


def owner_exists() -> models.Q:
    """Retired slugs whose category, author or tag still exists: the others redirect nowhere."""
    owned = models.Q(pk__in=[])
    for model_name, section in RETIRED_OWNERS.items():
        ids = section.model.objects.values("pk")
        owned |= models.Q(model_name=model_name, object_id__in=ids)
    return owned


def exported_articles() -> Iterator[dict]:
    """Each article with its bylines (in order) and tags, fetched a batch of articles at a time."""
    rows = Article.objects.order_by("pk").values(*ARTICLES.columns())
    for batch in batched(rows.iterator(chunk_size=BATCH_SIZE), BATCH_SIZE, strict=False):
        ids = [row["id"] for row in batch]
        bylines: dict[int, list] = {}
        for article_id, author_id, position in (
            Byline.objects.filter(article_id__in=ids)
            .order_by("article_id", "position", "id")
            .values_list("article_id", "author_id", "position")
        ):
            bylines.setdefault(article_id, []).append({"author": author_id, "position": position})
        tags: dict[int, list] = {}
        for article_id, tag_id in (
            Article.tags.through.objects.filter(article_id__in=ids)
            .order_by("article_id", "tag_id")
            .values_list("article_id", "tag_id")
        ):
            tags.setdefault(article_id, []).append(tag_id)
        for row in batch:
            item = exported_item(ARTICLES, row)
            item["bylines"] = bylines.get(row["id"], [])
            item["tags"] = tags.get(row["id"], [])
            yield item


def exported_item(section: Section, row: dict) -> dict:
    item = {name: exported_value(row[section.model_field(name).attname]) for name in section.fields}
    for name in section.translated:
        item[name] = {code: exported_value(row[localized(name, code)]) for code in EDITIONS}
    return item


def exported_value(value: Any) -> Any:
    return moment_text(value) if isinstance(value, datetime) else value


def moment_text(moment: datetime) -> str:
    """ISO 8601 in UTC with its offset: 2026-11-25T04:00:00+00:00."""
    return moment.astimezone(UTC).isoformat()


# Reading


class InvalidDocument(Exception):
    """A document that cannot be imported; `problems` say where and why, one per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class TooLong(Exception):
    """A value runs on longer than any a content export holds."""


class TooDeep(Exception):
    """A value is nested deeper than any a content export holds."""


# No item comes near this; a longer value means a damaged file, not one to read on.
MAX_VALUE_BYTES = 1 << 26
# An item nests five levels at most (an image, its renditions, their formats,
# a format's list, a [width, name] pair). Far deeper is no export, and would
# exhaust Python's recursion limit wherever the value is shown or stored as JSON.
MAX_DEPTH = 16
MEMBERS = HEADER + tuple(section.name for section in SECTIONS)
SECTIONS_BY_NAME = {section.name: section for section in SECTIONS}
OPENING = {"start_map", "start_array"}
CLOSING = {"end_map", "end_array"}


class Source:
    """The document's bytes as ijson reads them, checked on the way.

    Bytes that are not UTF-8 are refused as such (ijson would report them
    as one more JSON error); a byte order mark, which some editors write, is
    skipped. `at_end` tells a document cut short from a damaged one, and
    TooLong stops a value that runs on from mark() past MAX_VALUE_BYTES,
    as in a file whose last string never ends.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.bytes_read = 0
        self.marked = 0
        self.at_end = False

    def read(self, size: int) -> bytes:
        chunk = self.stream.read(size)
        if not self.bytes_read:
            chunk = chunk.removeprefix(codecs.BOM_UTF8)
        self.bytes_read += len(chunk)
        self.at_end = self.at_end or (size > 0 and not chunk)
        try:
            self.decoder.decode(chunk, final=self.at_end)
        except UnicodeDecodeError:
            raise InvalidDocument(["The file is not UTF-8 text: not a content export."]) from None
        if self.bytes_read - self.marked > MAX_VALUE_BYTES:
            raise TooLong
        return chunk

    def mark(self) -> None:
        """A value begins."""
        self.marked = self.bytes_read


def entries(stream: BinaryIO) -> Iterator[tuple[str, int | None, Any]]:
    """The document's header values and list items, in order: (member, index or None, value).

    ijson parses the document; each header value and list item is built
    from its events in turn, so the whole document is never in memory. The
    members come in the documented order, so that a reader meets every
    object before anything that refers to it.
    """
    source = Source(stream)
    # Numbers as json.loads reads them: whole ones as int, others as float (not Decimal).
    events = ijson.basic_parse(source, use_float=True)
    where = ""  # the value being read, or "after" the last one read
    try:
        if next(events)[0] != "start_map":
            raise InvalidDocument(
                ["the document: expected a JSON object (a content export begins with '{')"]
            )
        version = VERSION
        for expected in MEMBERS:
            section = SECTIONS_BY_NAME.get(expected)
            if section is not None and section.since_version > version:
                continue  # a list the document's version of the format did not have
            _event, name = next(events)  # a member's name, or None at the end of the object
            if name != expected:
                raise InvalidDocument([misplaced(expected, name)])
            where = expected
            source.mark()
            event, value = next(events)
            if section is None:
                value = built(event, value, events)
                if expected == "version" and type(value) is int:
                    version = value  # check_header() refuses any other
                yield expected, None, value
            elif event != "start_array":
                found = "an object" if event == "start_map" else describe(value)
                raise InvalidDocument([f"{expected}: expected a list, found {found}"])
            else:
                for index in count():
                    where = f"{expected}[{index}]"
                    source.mark()
                    event, value = next(events)
                    if event == "end_array":
                        break
                    yield expected, index, built(event, value, events)
            where = f"after {expected}"
        _event, name = next(events)
        if name is not None:
            raise InvalidDocument([f"{label(name)}: not part of the format (after {MEMBERS[-1]})"])
        where = "after the document"
        next(events, None)  # where ijson refuses any more text
    except TooLong:
        raise InvalidDocument(
            [f"{where}: a value too long to be part of a content export"]
        ) from None
    except TooDeep:
        raise InvalidDocument(
            [f"{where}: nested too deep (more than {MAX_DEPTH} levels) for a content export"]
        ) from None
    # yajl's, for an escape of the second half of a UTF-16 pair alone ("\udc00"); the
    # bytes themselves were UTF-8, or Source would have said so.
    except UnicodeDecodeError:
        raise InvalidDocument(
            [f"{where or 'the document'}: not JSON (a \\u escape that is half a character)"]
        ) from None
    # ijson's pure-Python backend, used where yajl is missing, raises json's error for bad escapes.
    except (ijson.JSONError, json.JSONDecodeError) as error:
        if not source.at_end:
            raise InvalidDocument([f"{where or 'the document'}: {not_json(error)}"]) from None
        if not where:
            raise InvalidDocument(["The file is empty: it is not a content export."]) from None
        place = where if where.startswith("after") else f"in {where}"
        raise InvalidDocument(
            [f"The document ends {place}: it was cut short (is the export complete?)."]
        ) from None


def built(event: str, value: Any, events: Iterator[tuple[str, Any]]) -> Any:
    """The value `event` begins, built from the events up to its end."""
    if event not in OPENING:
        return value
    builder = ijson.ObjectBuilder()
    depth = 0
    while True:
        builder.event(event, value)
        if event in OPENING:
            depth += 1
            if depth > MAX_DEPTH:
                raise TooDeep
        elif event in CLOSING:
            depth -= 1
            if not depth:
                return builder.value
        event, value = next(events)


def not_json(error: Exception) -> str:
    """ijson's reason on one line; yajl puts the text around the spot on the next two."""
    detail = error.args[0] if error.args else ""
    if isinstance(detail, bytes):  # yajl's excerpt can end inside a character
        detail = detail.decode("utf-8", "replace")
    lines = [line for line in str(detail).splitlines() if line.strip()]
    if not lines:
        return "not JSON"
    if len(lines) == 3:  # the reason, the text there, an arrow at the spot
        return f"not JSON ({lines[0].rstrip('.')}), near: {' '.join(lines[1].split())}"
    return f"not JSON ({lines[0]})"


def misplaced(expected: str, found: str | None) -> str:
    if expected == MEMBERS[0]:
        return 'The document does not begin with its "format": it is not a content export.'
    if found is None:
        return f"{expected}: missing"
    return f"expected {expected} here (the members come in a fixed order), found {label(found)}"


# Checking


@dataclass
class Row:
    """One row to write: its attributes, and an article's bylines and tags."""

    values: dict[str, Any]
    bylines: list[tuple[int, int]] = field(default_factory=list)  # (author id, position)
    tags: list[int] = field(default_factory=list)


@dataclass
class Summary:
    """What checking a document found out: enough to report on it, and to write it."""

    exported_at: datetime | None = None
    media_url: str = ""
    version: int = VERSION
    counts: Counter = field(default_factory=Counter)
    media_files: list[str] = field(default_factory=list)


class Problems:
    """The problems found in a document, each with where it is."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.count = 0

    def add(self, where: str, message: str) -> None:
        self.count += 1
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        if self.count:
            more = self.count - len(self.found)
            raise InvalidDocument(self.found + ([f"... and {more:,} more."] if more else []))


def check(stream: BinaryIO) -> Summary:
    """Read the whole document and check it, writing nothing.

    Raises InvalidDocument listing the problems found: which object, which
    field. A document that passes can be written.
    """
    problems = Problems()
    relations = Relations(problems)
    summary = Summary()
    for name, index, value in entries(stream):
        if index is None:
            check_header(name, value, summary, problems)
            continue
        section = SECTIONS_BY_NAME[name]
        summary.counts[name] += 1
        row = read_item(section, value, f"{name}[{index}]", problems, summary.version)
        if row is None:
            relations.add_refused(section, value)
        else:
            relations.add(section, row, f"{name}[{index}]")
            if section is IMAGES and row.values["file"]:
                summary.media_files.append(row.values["file"])
            elif section is AUTHORS and row.values["photo"]:
                summary.media_files.append(row.values["photo"])
            elif section is SITE_IDENTITY and row.values["logo"]:
                summary.media_files.append(row.values["logo"])
    problems.raise_if_any()
    return summary


def check_header(name: str, value: Any, summary: Summary, problems: Problems) -> None:
    """Check a header value; a document of another kind or version is refused at once."""
    if name == "format" and value != FORMAT:
        raise InvalidDocument(
            [f"format: expected {FORMAT!r}, found {describe(value)}: it is not a content export."]
        )
    if name == "version":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidDocument([f"version: expected a whole number, found {describe(value)}."])
        if value > VERSION:
            raise InvalidDocument(
                [
                    f"version: the document is version {value}, written by a newer Newsroom; "
                    f"this one reads version {VERSION}. Import it with a newer Newsroom."
                ]
            )
        summary.version = value
    if name == "languages" and (
        not isinstance(value, list) or sorted(map(str, value)) != sorted(EDITIONS)
    ):
        raise InvalidDocument(
            [
                f"languages: the document's editions ({describe(value)}) are not this site's "
                f"({', '.join(EDITIONS)})."
            ]
        )
    try:
        if name == "exported_at":
            summary.exported_at = moment(value)
        elif name == "media_url":
            summary.media_url = text(value)
    except ValueError as error:
        problems.add(name, str(error))


def read_item(
    section: Section, item: Any, where: str, problems: Problems, version: int
) -> Row | None:
    """The row an item of a document of `version` describes, or None (with the problems noted)."""
    if not isinstance(item, dict):
        problems.add(where, f"expected an object, found {describe(item)}")
        return None
    if isinstance(item.get("id"), int):
        where = f"{where} (id {item['id']})"
    expected = section.keys(version) | (set(ARTICLE_RELATIONS) if section is ARTICLES else set())
    for key in sorted(expected - item.keys()):
        problems.add(where, f"{key}: missing")
    for key in sorted(item.keys() - expected):
        problems.add(where, f"{label(key)}: not part of the format")
    if expected - item.keys():
        return None
    reported = problems.count
    values = {}
    for name in section.fields:
        model_field = section.model_field(name)
        if name not in item:  # added by a later version than the document's
            values[model_field.attname] = model_field.get_default()
            continue
        values[model_field.attname] = checked(model_field, item[name], f"{where}: {name}", problems)
    for name in section.translated:
        per_edition = item[name]
        if not isinstance(per_edition, dict) or sorted(per_edition) != sorted(EDITIONS):
            problems.add(
                where,
                f"{name}: expected an object with {', '.join(EDITIONS)}, "
                f"found {describe(per_edition)}",
            )
            continue
        for code in EDITIONS:
            column = localized(name, code)
            values[column] = checked(
                section.model_field(column), per_edition[code], f"{where}: {name}.{code}", problems
            )
    row = Row(values)
    if section is ARTICLES:
        row.bylines = checked_bylines(item["bylines"], f"{where}: bylines", problems)
        row.tags = checked_ids(item["tags"], f"{where}: tags", problems)
    return row if problems.count == reported else None


def checked(model_field: models.Field, value: Any, where: str, problems: Problems) -> Any:
    try:
        return to_python(model_field, value)
    except ValueError as error:
        problems.add(where, str(error))


def to_python(model_field: models.Field, value: Any) -> Any:
    """The value to store for `model_field`, from the document; ValueError says what is wrong."""
    if value is None:
        if model_field.null:
            return None
        raise ValueError("may not be null")
    if isinstance(model_field, models.DateTimeField):
        return moment(value)
    if isinstance(model_field, models.JSONField):
        return JSON_SHAPES[model_field](value)
    if isinstance(model_field, models.BooleanField):
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, found {describe(value)}")
        return value
    if isinstance(model_field, (models.IntegerField, models.ForeignKey)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, found {describe(value)}")
    else:
        text(value)
    if model_field.choices and value not in dict(model_field.flatchoices):
        if not (value == "" and model_field.blank):
            choices = ", ".join(describe(choice) for choice in dict(model_field.flatchoices))
            raise ValueError(f"{describe(value)} is not one of {choices}")
    if isinstance(model_field, models.FileField):
        # Its validators check an upload; the document names a stored file.
        if len(value) > model_field.max_length:
            raise ValueError(f"a file name longer than {model_field.max_length} characters")
        media_name(value)
    elif not isinstance(model_field, models.ForeignKey):
        try:
            model_field.run_validators(value)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None
    return value


def moment(value: Any) -> datetime:
    """A time from ISO 8601 text with an offset, in UTC.

    It must be a time the site can store (in UTC) and show (in its time
    zone): at the edges of the calendar one or the other overflows, as the
    admin's forms know (forms.is_storable).
    """
    try:
        parsed = datetime.fromisoformat(text(value))
    except ValueError:
        raise ValueError(f"expected an ISO 8601 time, found {describe(value)}") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{describe(value)} has no offset from UTC (+00:00, +05:00...)")
    try:
        stored = parsed.astimezone(UTC)
        stored.astimezone(timezone.get_default_timezone())
    except OverflowError:
        raise ValueError(
            f"{describe(value)} is beyond the calendar (years 1 to 9999) in UTC or in "
            f"{settings.TIME_ZONE}, where pages show it"
        ) from None
    return stored


# Half of a UTF-16 pair, alone: JSON can write one ("\ud800"), no database can store it.
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text(value: Any) -> str:
    """Text as the admin's forms accept it (forms.EditorInputForm).

    Control characters are refused rather than left out: no page or feed can
    carry them, and a backup that holds them was changed outside the site.
    """
    if not isinstance(value, str):
        raise ValueError(f"expected text, found {describe(value)}")
    if found := CONTROL_CHARACTERS.search(value):
        raise ValueError(
            f"holds a control character (U+{ord(found[0]):04X}, character {found.start() + 1}), "
            "which no page or feed can carry: remove it"
        )
    if found := LONE_SURROGATE.search(value):
        raise ValueError(
            f"holds half of a UTF-16 pair (U+{ord(found[0]):04X}, character "
            f"{found.start() + 1}) without the other: not text"
        )
    return value


# A drive, as Windows names one (C:): a name on one machine, not in the media storage.
DRIVE = re.compile(r"[A-Za-z]:")
# The longest name of a file or folder most file systems allow (NAME_MAX).
MAX_NAME_PART_BYTES = 255


def media_name(value: Any) -> str:
    """A file's name in the media storage: relative to it, and inside it; "" is no file.

    Pages serve the file by this name and a later change deletes it, so a
    name outside the storage (`../`, `/etc/`, `C:`) is refused, as Django
    refuses it for an upload.
    """
    name = text(value)
    if not name:
        return name
    if not name.isprintable():
        unprintable = ord(next(char for char in name if not char.isprintable()))
        raise ValueError(f"{describe(name)} holds an unprintable character (U+{unprintable:04X})")
    try:
        validate_file_name(name, allow_relative_path=True)
    except SuspiciousFileOperation:
        raise ValueError(
            f"{describe(name)} is not a name inside the media storage (relative, no ..)"
        ) from None
    if DRIVE.match(name):
        raise ValueError(f"{describe(name)} names a drive, not a file in the media storage")
    if any(len(part.encode()) > MAX_NAME_PART_BYTES for part in re.split(r"[/\\]", name)):
        raise ValueError(
            f"{describe(name)} has a part longer than a file system allows "
            f"({MAX_NAME_PART_BYTES} bytes)"
        )
    return name


def renditions(value: Any) -> dict:
    """An image's renditions, as images.make_renditions() describes them, or {}.

    Pages serve each rendition by its name and a new picture deletes them
    (images.discard_later): each must be a name in the media storage.
    """
    if not isinstance(value, dict):
        raise ValueError(f"expected an object, found {describe(value)}")
    if not value or value.keys() == PENDING_KEYS:
        # Pending renditions (a backup taken while the worker was busy) restore as none:
        # pages show the original, and `manage.py regenerate_renditions` makes them.
        return {}
    if value.keys() != RENDITION_KEYS:
        raise ValueError(
            f"expected {{}} or an object with {', '.join(sorted(RENDITION_KEYS))}, "
            f"found {describe(value)}"
        )
    check_part("source", media_name, value["source"])
    check_part("width", pixels, value["width"])
    check_part("height", pixels, value["height"])
    if value["fallback_type"] is not None:
        check_part("fallback_type", text, value["fallback_type"])
    formats = value["formats"]
    if not isinstance(formats, dict):
        raise ValueError(f"formats: expected an object, found {describe(formats)}")
    for kind, made in formats.items():
        check_part("formats", text, kind)
        if not isinstance(made, list):
            raise ValueError(f"formats.{label(kind)}: expected a list, found {describe(made)}")
        for index, rendition in enumerate(made):
            where = f"formats.{label(kind)}[{index}]"
            if not isinstance(rendition, list) or len(rendition) != 2:
                raise ValueError(f"{where}: expected [width, name], found {describe(rendition)}")
            check_part(where, pixels, rendition[0])
            check_part(where, media_name, rendition[1])
    return value


RENDITION_KEYS = {"source", "width", "height", "formats", "fallback_type"}
PENDING_KEYS = {"source", "pending"}
# The widest picture an image's width column can hold.
MAX_PIXELS = 2**31 - 1


def pixels(value: Any) -> int:
    """A width or height, as renditions give them."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PIXELS:
        raise ValueError(
            f"expected a size in pixels (a whole number from 1), found {describe(value)}"
        )
    return value


def latin_sources(value: Any) -> dict:
    """For each corrected Latin field, the Kazakh text it was written for: {"title": "…"}.

    The desk reads each key as a field's name (Article.stale_latin_overrides).
    """
    if not isinstance(value, dict):
        raise ValueError(f"expected an object, found {describe(value)}")
    for name, source in value.items():
        if name not in LATIN_OVERRIDABLE:
            raise ValueError(f"{label(name)}: not one of {', '.join(LATIN_OVERRIDABLE)}")
        check_part(name, text, source)
    return value


def check_part(where: str, check: Callable[[Any], Any], value: Any) -> None:
    """Check a part of a structured value; its problem says which part."""
    try:
        check(value)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None


# What each JSON field must hold beyond JSON.
JSON_SHAPES = {
    IMAGES.model_field("renditions"): renditions,
    ARTICLES.model_field("latin_sources"): latin_sources,
}


def describe(value: Any) -> str:
    """A value as a problem report shows it: short, in JSON's terms, and printable.

    Characters a terminal would act on or hide (a lone UTF-16 half, a
    right-to-left override) are shown escaped, as JSON shows control characters.
    """
    shown = json.dumps(value, ensure_ascii=False)
    if len(shown) > 60:
        shown = f"{shown[:57]}..."
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in shown)


def label(name: str) -> str:
    """A member's name from the document as a problem report shows it: as it is, if plain."""
    return name if name.isprintable() and len(name) <= 60 else describe(name)


def checked_bylines(value: Any, where: str, problems: Problems) -> list[tuple[int, int]]:
    if not isinstance(value, list):
        problems.add(where, f"expected a list, found {describe(value)}")
        return []
    bylines = []
    for index, byline in enumerate(value):
        if not isinstance(byline, dict) or byline.keys() != {"author", "position"}:
            problems.add(
                f"{where}[{index}]",
                f'expected {{"author": id, "position": number}}, found {describe(byline)}',
            )
            continue
        author, position = (
            checked(model_field, byline[model_field.name], f"{where}[{index}]", problems)
            for model_field in BYLINE_FIELDS
        )
        bylines.append((author, position))
    return bylines


def checked_ids(value: Any, where: str, problems: Problems) -> list[int]:
    if not isinstance(value, list) or not all(
        isinstance(id_, int) and not isinstance(id_, bool) for id_ in value
    ):
        problems.add(where, f"expected a list of ids, found {describe(value)}")
        return []
    return value


# The database's uniqueness rules, per list.
UNIQUE = {
    **{
        section.name: [(localized("slug", code),) for code in LANGUAGE_CODES]
        for section in (CATEGORIES, AUTHORS, TAGS, STATIC_PAGES)
    },
    ARTICLES.name: [("legacy_key",)],
    RETIRED_SLUGS.name: [("model_name", "language", "slug")],
}


class Relations:
    """Checks, row by row, that every reference resolves and nothing unique is used twice.

    Objects come before what refers to them (categories before articles,
    and so on), so each reference is checked as its row is read.
    """

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.ids: dict[str, set[int]] = {section.name: set() for section in SECTIONS}
        self.used: dict[tuple, str] = {}  # (list, columns, values) -> the row that has them

    def add(self, section: Section, row: Row, where: str) -> None:
        values = row.values
        if "id" in section.fields:
            where = f"{where} (id {values['id']})"
            if values["id"] < 1:
                self.problems.add(where, "id: not a positive number")
            elif values["id"] in self.ids[section.name]:
                self.problems.add(where, "id: used by an earlier one too")
            self.ids[section.name].add(values["id"])
        for columns in UNIQUE.get(section.name, ()):
            key = tuple(values[column] for column in columns)
            if None in key:
                continue  # the database allows any number of nulls
            taken = self.used.setdefault((section.name, columns, key), where)
            if taken != where:
                self.problems.add(
                    where, f"{', '.join(columns)} {describe(list(key))} is also {taken}'s"
                )
        if section is ARTICLES:
            self.check_article(row, where)
        elif section is SOCIAL_LINKS:
            self.refer(where, "identity", SITE_IDENTITY, values["identity_id"])
        elif section is SOURCES:
            # The database compares credits in lower case (Source's constraint).
            key = (section.name, ("credit",), (values["credit"] or "").casefold())
            taken = self.used.setdefault(key, where)
            if taken != where:
                self.problems.add(where, f"credit {describe(values['credit'])} is also {taken}'s")
        elif section is RETIRED_SLUGS:
            owner = RETIRED_OWNERS.get(values["model_name"])
            if owner is None:
                self.problems.add(where, f"model_name: not one of {', '.join(RETIRED_OWNERS)}")
            else:
                self.refer(where, "object_id", owner, values["object_id"])
            if values["language"] not in EDITIONS:
                self.problems.add(where, f"language: not one of {', '.join(EDITIONS)}")

    def add_refused(self, section: Section, item: Any) -> None:
        """Note the id of an item refused for its own problems: what refers to it has none."""
        if "id" in section.fields and isinstance(item, dict) and isinstance(item.get("id"), int):
            self.ids[section.name].add(item["id"])

    def check_article(self, row: Row, where: str) -> None:
        self.refer(where, "category", CATEGORIES, row.values["category_id"])
        self.refer(where, "cover_image", IMAGES, row.values["cover_image_id"])
        authors = [author for author, _position in row.bylines]
        for author in authors:
            self.refer(where, "bylines", AUTHORS, author)
        if len(set(authors)) < len(authors):
            self.problems.add(where, "bylines: an author is credited twice")
        for tag in row.tags:
            self.refer(where, "tags", TAGS, tag)
        if len(set(row.tags)) < len(row.tags):
            self.problems.add(where, "tags: a tag is listed twice")

    def refer(self, where: str, name: str, target: Section, id_: int | None) -> None:
        if id_ is not None and id_ not in self.ids[target.name]:
            self.problems.add(where, f"{name}: no item of {target.name} has id {id_}")


# Writing


class ContentExists(Exception):
    """The database already holds content, and the import was not told to replace it."""


def listed(counts: Counter) -> str:
    """How many rows of each list: "categories 12, authors 300, ..., retired slugs 4"."""
    return ", ".join(
        f"{section.name.replace('_', ' ')} {counts[section.name]:,}" for section in SECTIONS
    )


def existing_content() -> Counter:
    """How many rows of each list the database holds now."""
    counts = {
        section.name: section.model.objects.count()
        for section in SECTIONS
        if section not in SITE_OWN
    }
    return Counter({name: count for name, count in counts.items() if count})


def write(
    stream: BinaryIO, replace: bool = False, progress: Callable[[int], None] | None = None
) -> None:
    """Write a document check() passed, in one transaction: all of it, or nothing.

    Into an empty database, or with `replace` after deleting the content
    there, and its revision history, which would otherwise describe the
    imported objects that take its ids. `progress` is told how many articles
    are written, a batch at a time.
    """
    with transaction.atomic():
        if replace:
            delete_content()
        elif existing_content():
            raise ContentExists
        written = 0
        for section, rows in batches(stream):
            insert(section, rows)
            if section is ARTICLES and progress:
                written += len(rows)
                progress(written)
        reset_sequences()
        # Every article's, once all their tags are in.
        relate(Article.objects.values_list("pk", flat=True).iterator())
        # Bulk inserts send no signals: every page is made anew, here and at the edge.
        generation.bump()
        edge.purge_everything()


def batches(stream: BinaryIO) -> Iterator[tuple[Section, list[Row]]]:
    """The document's rows, read again, in batches of one list's rows."""
    batch: list[Row] = []
    section = None
    version = VERSION
    for name, index, value in entries(stream):
        if index is None:
            if name == "version":
                version = value  # checked already
            continue
        if batch and (name != section.name or len(batch) == BATCH_SIZE):
            yield section, batch
            batch = []
        section = SECTIONS_BY_NAME[name]
        problems = Problems()
        row = read_item(section, value, f"{name}[{index}]", problems, version)
        problems.raise_if_any()  # only if the file changed since it was checked
        batch.append(row)
    if batch:
        yield section, batch


def insert(section: Section, rows: list[Row]) -> None:
    model = section.model
    instances = [model(**row.values) for row in rows]
    if section is ARTICLES:
        # As a save would store them, with the history the document brings.
        for article in instances:
            derive(article, history=False)
    elif section is STATIC_PAGES:
        for page in instances:
            page.clean_bodies()
    elif section is SITE_IDENTITY:
        SiteIdentity.objects.all().delete()  # the site's own, with its links
    model.objects.bulk_create(instances)
    restore_stamped_times(section, instances, rows)
    if section is ARTICLES:
        Byline.objects.bulk_create(
            Byline(article_id=row.values["id"], author_id=author, position=position)
            for row in rows
            for author, position in row.bylines
        )
        Article.tags.through.objects.bulk_create(
            Article.tags.through(article_id=row.values["id"], tag_id=tag)
            for row in rows
            for tag in row.tags
        )
        write_vectors(instances)


def restore_stamped_times(section: Section, instances: list, rows: list[Row]) -> None:
    """Put back the times that bulk_create stamped with the import's (auto_now fields).

    One UPDATE from a VALUES list per batch (models/bulk.py).
    """
    stamped = [
        model_field
        for model_field in map(section.model_field, section.fields)
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)
    ]
    if not stamped:
        return
    adapt = connection.ops.adapt_datetimefield_value
    update_from_values(
        section.model._meta.db_table,
        {field.column: f"incoming.column{number}" for number, field in enumerate(stamped, start=2)},
        [
            (instance.pk, *(adapt(row.values[field.attname]) for field in stamped))
            for instance, row in zip(instances, rows, strict=True)
        ],
    )


def delete_content() -> None:
    """Delete every row an import writes, a batch at a time, and their revision history."""
    for model in (Article, RetiredSlug, Image, Author, Category, Tag, NamedSource, StaticPage):
        while batch := list(model.objects.values_list("pk", flat=True)[:BATCH_SIZE]):
            model.objects.filter(pk__in=batch).delete()
    types = ContentType.objects.get_for_models(
        Article, Byline, Image, Author, Category, Tag, NamedSource, StaticPage
    )
    Version.objects.filter(content_type__in=types.values()).delete()
    Revision.objects.filter(version__isnull=True).delete()


def reset_sequences() -> None:
    """Let the next new row of each model take an id after the imported ones (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(
        no_style(), [section.model for section in SECTIONS if "id" in section.fields]
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@dataclass(frozen=True)
class MissingMedia:
    """The image files and author photos the media storage lacks, as far as it could be asked."""

    names: list[str]
    unanswered: str = ""  # why the storage stopped answering, if it did


def missing_media(summary: Summary) -> MissingMedia:
    """The image files and author photos the document names that the media storage lacks.

    Never raises: the import is written by then, and a storage that cannot
    answer (a bucket out of reach, a directory not mounted) is worth a
    warning, not a failed command over a finished import.
    """
    storage = Image._meta.get_field("file").storage
    missing = []
    for name in summary.media_files:
        try:
            found = storage.exists(name)
        except Exception as error:  # each storage backend fails in its own way
            return MissingMedia(missing, unanswered=f"{type(error).__name__}: {error}")
        if not found:
            missing.append(name)
    return MissingMedia(missing)
