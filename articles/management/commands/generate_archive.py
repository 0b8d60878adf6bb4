"""`manage.py generate_archive --articles N [--seed S]`: add a generated archive, for benchmarks.

The articles are added to what the database holds (see articles/demo/archive.py).
"""

import secrets
import time
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles.demo.archive import DRAFT, LIVE, REVIEW, SCHEDULED, WITHDRAWN, Archive, ArchiveSummary

STATE_NAMES = {
    LIVE: "live",
    SCHEDULED: "scheduled",
    DRAFT: "drafts",
    REVIEW: "in review",
    WITHDRAWN: "withdrawn",
}


class Command(BaseCommand):
    help = "Add N generated articles in Kazakh, Russian and English, with authors and tags."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="How many to add.")
        parser.add_argument(
            "--seed",
            type=int,
            help="Makes the same archive again (default: a random seed, printed at the end).",
        )

    def handle(self, *args, articles: int, seed: int | None, **options):
        if articles < 1:
            raise CommandError("--articles must be at least 1.")
        seed = secrets.randbelow(1_000_000) if seed is None else seed
        started = time.monotonic()
        self.stdout.write(f"Writing {articles:,} articles (seed {seed})...")
        archive = Archive(articles, seed=seed)
        summary = archive.generate(progress=self.show_progress(started))
        self.show_summary(summary, time.monotonic() - started)
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner takes the new archive for an empty table.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write("  Statistics refreshed (ANALYZE).")

    def show_progress(self, started: float) -> Callable[[int, int], None]:
        """Print a line at each tenth of the way, with the rate so far."""
        shown = set()

        def progress(done: int, total: int) -> None:
            tenth = done * 10 // total
            if tenth in shown:
                return
            shown.add(tenth)
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"  {done:>9,} / {total:,} articles  {elapsed:6.1f} s  {done / elapsed:,.0f}/s"
            )

        return progress

    def show_summary(self, summary: ArchiveSummary, elapsed: float) -> None:
        rate = summary.articles / elapsed
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {summary.articles:,} articles in {elapsed:.1f} s ({rate:,.0f} articles/s), "
                f"seed {summary.seed}."
            )
        )
        languages = ", ".join(
            f"{'+'.join(codes)} {count:,}" for codes, count in summary.languages.most_common()
        )
        states = ", ".join(
            f"{STATE_NAMES[state]} {count:,}" for state, count in summary.states.most_common()
        )
        self.stdout.write(f"  Languages: {languages}")
        self.stdout.write(f"  States:    {states}")
        self.stdout.write(f"  {summary.bylines:,} bylines, {summary.tags:,} tags on articles")
