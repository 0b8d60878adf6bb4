"""`manage.py import_content FILE [--replace]`: bring back what export_content wrote.

The document is read twice, an item at a time: once to check all of it,
writing nothing and refusing what the site could not store or serve safely,
then to write it in one transaction, the bodies sanitized as a save
sanitizes them (articles/interchange/backup.py).
"""

import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.interchange.backup import (
    ContentExists,
    InvalidDocument,
    MissingMedia,
    check,
    existing_content,
    listed,
    missing_media,
    write,
)
from articles.workflow import DeskAction, announce

SHOWN_MISSING_FILES = 10


class Command(BaseCommand):
    help = (
        "Import a document written by export_content into an empty database, keeping every id. "
        "Media files are not in the document: copy the media directory alongside."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The document; - reads standard input.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the content the database holds (articles, authors, categories, tags, "
            "images, retired slugs, their view counts and revision history) before importing.",
        )

    def handle(self, *args, file: str, replace: bool, **options):
        if not replace and (existing := existing_content()):
            raise CommandError(holds_content(existing))
        try:
            with opened(file) as stream:
                summary = check(stream)
                self.stdout.write(
                    f"{'Standard input' if file == '-' else file} checks out "
                    f"({listed(summary.counts)}; exported {summary.exported_at:%Y-%m-%d %H:%M} "
                    "UTC). Writing..."
                )
                stream.seek(0)
                progress = self.show_progress(summary.counts["articles"])
                write(stream, replace=replace, progress=progress)
                announce(
                    DeskAction.IMPORT,
                    command="import_content",
                    file=file,
                    replace=replace,
                    counts=dict(summary.counts),
                )
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except InvalidDocument as error:
            problems = "\n".join(f"  {problem}" for problem in error.problems)
            raise CommandError(
                f"{file} cannot be imported; nothing was written.\n{problems}"
            ) from None
        except ContentExists:
            raise CommandError(holds_content(existing_content())) from None
        except DatabaseError as error:
            raise CommandError(
                f"The database refused the import; nothing was written: {error}"
            ) from None
        if summary.media_url != settings.MEDIA_URL:
            self.stderr.write(
                f"Warning: pictures inside article text are addressed under {summary.media_url}, "
                f"and this site serves media under {settings.MEDIA_URL}: rewrite those "
                "addresses in the text, or the pictures will not show.",
                self.style.WARNING,
            )
        self.warn_about_missing_media(missing_media(summary))
        self.stdout.write(self.style.SUCCESS(f"Imported {listed(summary.counts)}."))

    def show_progress(self, total: int):
        """Print a line at each tenth of the articles."""
        shown = set()

        def progress(done: int) -> None:
            tenth = done * 10 // total
            if tenth not in shown:
                shown.add(tenth)
                self.stdout.write(f"  {done:>9,} / {total:,} articles")

        return progress

    def warn_about_missing_media(self, missing: MissingMedia) -> None:
        if missing.names:
            shown = "\n".join(f"  {name}" for name in missing.names[:SHOWN_MISSING_FILES])
            more = len(missing.names) - SHOWN_MISSING_FILES
            self.stderr.write(
                f"Warning: {len(missing.names):,} files the content names are not in the media "
                "storage; pages show broken pictures until the media directory (or bucket) is "
                f"copied alongside:\n{shown}" + (f"\n  ... and {more:,} more." if more > 0 else ""),
                self.style.WARNING,
            )
        if missing.unanswered:
            self.stderr.write(
                f"Warning: the media storage stopped answering ({missing.unanswered}), so not "
                "every file the content names was looked for: check that the media directory "
                "(or bucket) is in place.",
                self.style.WARNING,
            )


@contextmanager
def opened(file: str):
    """The document, to be read twice: standard input is kept in a temporary file first."""
    if file != "-":
        with Path(file).open("rb") as stream:
            yield stream
        return
    with tempfile.TemporaryFile() as spooled:
        shutil.copyfileobj(sys.stdin.buffer, spooled)
        spooled.seek(0)
        yield spooled


def holds_content(existing) -> str:
    return (
        f"The database already holds content ({listed(existing)}). import_content writes "
        "into an empty database; --replace deletes the content there first."
    )
