"""Times the search view in one process, on a generated archive in PostgreSQL.

    .venv/bin/python tools/search_timing.py [--articles N] [--words 40] [--common 10] [--rounds 3]

The archive lives in a database of its own, `newsroom_search_<N>`, made on
the first run with `manage.py generate_archive --articles N --seed S` and
kept for the next (drop it to make it again). Each run migrates it, takes
one-word queries in kk, ru and en from the titles of live articles (words
drawn at random, the same for the same seed, as `make bench` draws them;
and the most frequent ones, which match the most articles), asks the search
view for each of them through RequestFactory, in this process, with no page
cache, and prints the p50 and p95 of the answer times per language and
group. Every query is asked once before the timed rounds, so the figures
are of a warm database, as under real traffic.

`--postgres` names the server (default postgres://postgres@127.0.0.1:5432).
"""

import argparse
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("kk", "ru", "en")
SEED = 1
PLAIN_STATIC_FILES = "django.contrib.staticfiles.storage.StaticFilesStorage"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--words", type=int, default=40, help="Words drawn per language.")
    parser.add_argument("--common", type=int, default=10, help="Most frequent words timed too.")
    parser.add_argument("--rounds", type=int, default=3, help="Timed answers per query.")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    return parser.parse_args()


def manage(command: list[str]) -> None:
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, check=True)


def prepare_database(options: argparse.Namespace, database: str) -> None:
    """Create `database` unless it exists, migrate, fill (unless it holds articles), vacuum."""
    with psycopg.connect(f"{options.postgres}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    manage(["migrate", "--no-input", "-v", "0"])
    with psycopg.connect(f"{options.postgres}/{database}", autocommit=True) as connection:
        if not connection.execute("SELECT count(*) FROM articles_article").fetchone()[0]:
            size, seed = str(options.articles), str(options.seed)
            manage(["generate_archive", "--articles", size, "--seed", seed])
        # As autovacuum leaves it, whatever the archive's making or a migration rewrote.
        connection.execute("VACUUM (ANALYZE)")


def title_words(language: str, count: int, common: int, seed: int) -> dict[str, list[str]]:
    """Words of four letters or more from the titles of live articles in `language`.

    "drawn": `count` of the distinct words, at random (as `make bench` draws
    them); "common": the `common` most frequent, found in the most articles.
    """
    from articles.editions.languages import localized
    from articles.models import Article

    titles = Article.objects.public(language).values_list(localized("title", language), flat=True)
    frequency = Counter(
        word for title in titles for word in set(re.findall(r"[^\W\d_]{4,}", title.lower()))
    )
    drawn = random.Random(seed).sample(sorted(frequency), min(count, len(frequency)))
    return {"drawn": drawn, "common": [word for word, _n in frequency.most_common(common)]}


def timed(language: str, words: list[str], rounds: int) -> list[float]:
    """Milliseconds per answer, `rounds` answers per word."""
    from django.test import RequestFactory
    from django.utils import translation

    from articles.search import search

    factory = RequestFactory(HTTP_HOST="127.0.0.1")
    times = []
    with translation.override(language):
        for word in words:
            response = search(factory.get(f"/{language}/search/", {"q": word}))
            assert response.status_code == 200, (language, word, response.status_code)
        for _round in range(rounds):
            for word in words:
                started = time.perf_counter()
                search(factory.get(f"/{language}/search/", {"q": word}))
                times.append((time.perf_counter() - started) * 1000)
    return times


def percentile(times: list[float], share: float) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[round(share * 100) - 1]


def main() -> None:
    options = arguments()
    database = f"newsroom_search_{options.articles}"
    os.environ.update(
        DATABASE_URL=f"{options.postgres}/{database}",
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        PAGE_CACHE_SECONDS="0",
        REDIS_URL="",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(40),
    )
    prepare_database(options, database)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    from articles.models import Article

    # No collectstatic for a measurement: static addresses without the manifest's hashes.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC_FILES}}

    public = {language: Article.objects.public(language).count() for language in LANGUAGES}
    print(f"{database}: {Article.objects.count():,} articles, live: {public}")
    for language in LANGUAGES:
        groups = title_words(language, options.words, options.common, options.seed)
        for group, words in groups.items():
            times = timed(language, words, options.rounds)
            p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
            print(
                f"{language} {group:>6}: p50 {p50:6.1f} ms, p95 {p95:6.1f} ms"
                f" ({len(words)} words × {options.rounds} rounds)"
            )


if __name__ == "__main__":
    main()
