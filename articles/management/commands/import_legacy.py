"""`manage.py import_legacy PATH...`: the old site's text exports in (interchange/importers.py)."""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.interchange.importers import (
    DATE_FORMATS,
    ImportFailure,
    find_legacy_files,
    import_files,
    parse_publication_time,
)
from articles.models import LANGUAGE_CODES, Article
from articles.workflow import DeskAction, announce


class Command(BaseCommand):
    help = (
        "Import articles exported from the old site as plain text. "
        "Running it again on the same files updates the articles instead of duplicating them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            type=Path,
            metavar="PATH",
            help="A file, or a directory searched recursively for *.txt files.",
        )
        parser.add_argument(
            "--language",
            choices=LANGUAGE_CODES,
            help="The language of every file. By default it is detected from the text.",
        )
        parser.add_argument(
            "--date",
            help=f"The publication time of files without one ({DATE_FORMATS}). "
            "By default: the time of the import.",
        )
        parser.add_argument(
            "--status",
            choices=[Article.Status.DRAFT, Article.Status.PUBLISHED],
            help="The status to give the articles. By default new articles are published "
            "and articles imported before keep theirs.",
        )

    def handle(self, *args, paths, language, date, status, **options):
        default_date = None
        if date:
            try:
                default_date = parse_publication_time(date)
            except ValueError:
                raise CommandError(f"--date {date!r} is not a date ({DATE_FORMATS}).") from None

        files = find_legacy_files(paths)
        counts = Counter()
        outcomes = import_files(files, language=language, status=status, default_date=default_date)
        for number, outcome in enumerate(outcomes, start=1):
            progress = f"[{number}/{len(files)}] {outcome.path}"
            if isinstance(outcome, ImportFailure):
                counts["failed"] += 1
                self.stderr.write(f"{progress}: failed: {outcome.reason}")
                continue
            action = "imported" if outcome.created else "updated"
            counts[action] += 1
            self.stdout.write(f"{progress}: {action} {outcome.public_url}")

        summary = (
            f"Imported {counts['imported']}, updated {counts['updated']}, "
            f"failed {counts['failed']}."
        )
        announce(
            DeskAction.IMPORT,
            command="import_legacy",
            paths=[str(path) for path in paths],
            **{kind: counts[kind] for kind in ("imported", "updated", "failed")},
        )
        if counts["failed"]:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
