"""`manage.py export_content [--output FILE]`: the whole content as one JSON document.

The format is docs/backup-format.md; articles/interchange/backup.py writes it.
"""

import os
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, OutputWrapper

from articles.interchange.backup import export, listed


class Command(BaseCommand):
    help = (
        "Write every category, author, tag, media-library image, article and retired slug "
        "as one portable JSON document (docs/backup-format.md), to standard output or a file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            metavar="FILE",
            help="Write to FILE (replaced only once the export is complete) instead of "
            "standard output.",
        )

    def handle(self, *args, output: Path | None, **options):
        if output is None:
            counts = export(Unterminated(self.stdout))
            # Standard output carries the document: the summary goes beside it, unstyled
            # (Django shows standard error as an error).
            self.stderr.style_func = None
            self.stderr.write(summary(counts, "standard output"))
            return
        # A failed export never leaves a cut-short file where the last good one was.
        partial = output.with_name(f"{output.name}.partial")
        try:
            with partial.open("w", encoding="utf-8", newline="\n") as file:
                counts = export(file)
            os.replace(partial, output)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(self.style.SUCCESS(summary(counts, str(output))))


class Unterminated:
    """The command's output stream, without the line end Django adds to every write."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")


def summary(counts: Counter, destination: str) -> str:
    return f"Exported to {destination}: {listed(counts)}."
