"""Measures the public pages under load: gunicorn on PostgreSQL, wrk on loopback.

`make bench` runs this. For each archive size it fills a PostgreSQL database
of its own with `manage.py generate_archive` (or reuses the one an earlier run
filled with the same size, seed and generator), serves it as in production
(gunicorn, DEBUG off, the cache in Redis) and loads each page type with wrk,
served in three ways: without the whole-page cache, with it, and with the
project's Varnish (deploy/varnish/newsroom.vcl) in front. The site is
served with tools.reference.settings, the site plus a plain Django article
view, so that an article read for the first time is measured against that
view in the same process. Every round also measures /healthz, straight from
gunicorn, which answers without touching the database or the cache: the
floor, the most a page could reach on this machine. A page's speed is given
as a ratio to the floor of its own round, which holds still when the
machine's speed wanders, so that the ratios of a small and a large archive
can be compared. Searches in kk, ru and en are also asked one at a time, for
their latency. It counts the SQL queries of each page, checks the targets
(targets()) and writes docs/benchmarks.md with a chart in docs/benchmarks.svg;
the text between the notes markers of the previous file is kept, and so is
the load test's section.

    .venv/bin/python tools/bench.py [--sizes 10000 100000] [--rounds 3] [--duration 8]

Needs wrk (apt-get install wrk), Varnish with varnish-modules (apt-get
install varnish varnish-modules), PostgreSQL and Redis.
"""

import argparse
import hashlib
import http.client
import json
import math
import os
import platform
import random
import re
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from html import escape
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlencode

import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# The site with the plain article view at /reference/<id>/ (tools/reference/).
SETTINGS = "tools.reference.settings"
RANDOM_PATH_SCRIPT = ROOT / "tools" / "bench_random_path.lua"
LATENCY_SCRIPT = ROOT / "tools" / "bench_latency.lua"
VCL = ROOT / "deploy" / "varnish" / "newsroom.vcl"
# Debian installs varnishd in /usr/sbin, which a user's PATH may leave out.
VARNISHD = shutil.which("varnishd", path=f"{os.environ.get('PATH', '')}{os.pathsep}/usr/sbin")
LANGUAGE = "kk"
OTHER_LANGUAGE = "ru"
SEARCH_LANGUAGES = ("kk", "ru", "en")
SAMPLED_ARTICLES = 2000
# Articles read for the first time (and as many by the plain view): up to this many each.
FIRST_READ_ARTICLES = 40_000
SEARCH_WORDS = 50
# Paths of a many-path page checked before measuring it (each is asked once).
CHECKED_PATHS = 50
# PAGE_CACHE_SECONDS of each round of serving; the edge round has Varnish in front.
MODES = {"uncached": 0, "cached": 60, "edge": 60}
MODE_TITLES = {
    "uncached": "Without the page cache",
    "cached": f"With the page cache ({MODES['cached']} s)",
    "edge": "Through Varnish",
}
# The pages loaded through Varnish: as readers mostly find them.
EDGE_PAGES = ("home", "latest", "category", f"article-{LANGUAGE}")
# Browsers ask for compressed pages, which Varnish keeps (the VCL's do_gzip).
EDGE_HEADERS = {"Accept-Encoding": "gzip"}
NOTES = re.compile(r"<!-- notes -->.*?<!-- /notes -->", re.S)
# The load test's section (tools/load.py writes it), kept at the end of the report.
LOAD_SECTION = re.compile(r"<!-- load -->.*?<!-- /load -->", re.S)
MISSING_WRK = (
    "wrk is missing: install it with `apt-get install wrk` (Debian and Ubuntu), "
    "or run `make bench` as root, which installs it."
)
MISSING_VARNISH = (
    "varnishd is missing: install it with `apt-get install varnish varnish-modules` "
    "(Debian and Ubuntu), or run `make bench` as root, which installs them."
)


class BenchError(Exception):
    pass


@dataclass(frozen=True)
class Scenario:
    """A page type: one path, or many asked in turn; `conditional` expects a 304."""

    key: str
    label: str
    path: str  # the one asked, or an example of `paths`
    paths: tuple[str, ...] = ()
    conditional: bool = False
    made: bool = False  # every one of its pages is asked once before each measure
    modes: tuple[str, ...] = ("uncached", "cached")
    edge: bool = False  # asked through Varnish
    one_at_a_time: bool = False  # one connection: its latency, not how many it serves
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def expected_status(self) -> int:
        return 304 if self.conditional else 200

    @property
    def all_paths(self) -> tuple[str, ...]:
        return tuple(self.paths) or (self.path,)

    @property
    def address(self) -> str:
        """The address as the report shows it."""
        shown = unquote(self.path)
        if self.paths:
            return f"{len(self.paths):,} like `{shown}`, in turn in a random order"
        return f"`{shown}`" + (
            " with the validators of a GET before each run" if self.conditional else ""
        )


@dataclass(frozen=True)
class Site:
    """Where a round's pages answer: gunicorn, and in the edge round Varnish in front of it."""

    port: int
    edge_port: int | None = None

    def port_of(self, scenario: Scenario) -> int:
        return self.edge_port if scenario.edge else self.port


@dataclass
class Run:
    """What one wrk run measured."""

    rps: float
    p50: float  # milliseconds
    p95: float
    p99: float
    requests: int
    bad_status: int
    socket_errors: int
    next_line: int | None = None  # of its paths, where the next run starts
    ratio: float = math.nan


@dataclass
class Summary:
    """The medians of a page's runs over the rounds."""

    rps: float
    p50: float
    p95: float
    p99: float
    ratio: float
    requests: int
    bad_status: int
    socket_errors: int

    @classmethod
    def of(cls, runs: list[Run]) -> "Summary":
        return cls(
            rps=statistics.median(run.rps for run in runs),
            p50=statistics.median(run.p50 for run in runs),
            p95=statistics.median(run.p95 for run in runs),
            p99=statistics.median(run.p99 for run in runs),
            ratio=statistics.median(run.ratio for run in runs),
            requests=sum(run.requests for run in runs),
            bad_status=sum(run.bad_status for run in runs),
            socket_errors=sum(run.socket_errors for run in runs),
        )


@dataclass(frozen=True)
class Target:
    """One line of the issue's "Done when": what is wanted, checked at every size.

    `check` takes a size's results ({mode: {key: Summary}}) and the size, and
    gives the measure as the report shows it and whether it is met (None where
    the target does not apply at that size).
    """

    label: str
    wanted: str
    check: Callable[[dict, int], tuple[str, bool | None]]


def at_least(label: str, mode: str, key: str, minimum: float) -> Target:
    """A page's ratio to the floor in `mode`, at least `minimum`."""

    def check(results: dict, size: int) -> tuple[str, bool]:
        shown = share(results[mode][key].ratio)
        return shown, float(shown) >= minimum

    return Target(label, f"≥ {minimum:.2f} × floor", check)


def first_read_against_reference(results: dict, size: int) -> tuple[str, bool]:
    """An article's first read over the plain view's, in requests/s: at least half."""
    article = results["uncached"][f"article-{LANGUAGE}-first"].ratio
    reference = results["uncached"]["reference-first"].ratio
    shown = share(article / reference)
    return f"{shown} ({share(article)} / {share(reference)})", float(shown) >= 0.5


def search_limit(size: int) -> int | None:
    """The most a search's p95 may take at `size` articles, in milliseconds."""
    if size <= 100_000:
        return 50
    if size <= 1_000_000:
        return 100
    return None


def search_latency(language: str) -> Callable[[dict, int], tuple[str, bool | None]]:
    def check(results: dict, size: int) -> tuple[str, bool | None]:
        search = results["uncached"][f"search-{language}"]
        limit, shown = search_limit(size), milliseconds(search.p95)
        measured = f"{shown} (p50 {milliseconds(search.p50)})"
        return measured, None if limit is None else float(shown) <= limit

    return check


# The pages the issue asks of: kept whole (≥ 0.70 of the floor), lists made for each
# request (≥ 0.25); through Varnish, EDGE_PAGES (≥ 5).
KEPT_PAGES = (
    "home",
    "latest",
    "oldest",
    "category",
    "author",
    "tag",
    f"article-{LANGUAGE}",
    f"article-{OTHER_LANGUAGE}",
    "article-hot",
    "rss",
    "rss-304",
)
LISTS = ("home", "latest", "category", "author", "tag")


def targets(labels: dict[str, str]) -> list[Target]:
    """What the issue's "Done when" asks, in the order the report states it."""
    return [
        Target(
            f"{labels[f'article-{LANGUAGE}-first']}, uncached, over a plain Django view of "
            "it: requests/s (each × floor)",
            "≥ 0.50 (at most twice the view's time)",
            first_read_against_reference,
        ),
        *(
            Target(
                f"{labels[f'search-{language}']}: p95 ms (p50)",
                "≤ 50 up to 100,000 articles, ≤ 100 at 1,000,000",
                search_latency(language),
            )
            for language in SEARCH_LANGUAGES
        ),
        *(at_least(f"{labels[key]}, through Varnish", "edge", key, 5) for key in EDGE_PAGES),
        *(at_least(f"{labels[key]}, page cache", "cached", key, 0.70) for key in KEPT_PAGES),
        *(at_least(f"{labels[key]}, uncached", "uncached", key, 0.25) for key in LISTS),
    ]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000], help="articles in each archive"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every page (3)")
    parser.add_argument("--duration", type=int, default=8, help="seconds of each measure (8)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each (2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--seed", type=int, default=1, help="for the archive and every draw (1)")
    parser.add_argument(
        "--port", type=int, default=0, help="where gunicorn listens (a free port by default)"
    )
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432",
        help="the PostgreSQL server, without a database name",
    )
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/9", help="a Redis database for the bench only"
    )
    parser.add_argument(
        "--output", type=Path, default=ROOT / "docs" / "benchmarks.md", help="the report"
    )
    keeping = parser.add_mutually_exclusive_group()
    keeping.add_argument(
        "--keep",
        dest="drop",
        action="store_false",
        help="keep the databases newsroom_bench_<size> for the next run (the default)",
    )
    keeping.add_argument(
        "--drop", dest="drop", action="store_true", help="drop them at the end instead"
    )
    parser.set_defaults(drop=False)
    # Internal: run in a child process set up for one bench database.
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> int:
    options = arguments()
    if options.probe:
        probe(options.probe, options.seed)
        return 0
    wrk = shutil.which("wrk")
    if wrk is None:
        print(MISSING_WRK, file=sys.stderr)
        return 1
    if VARNISHD is None:
        print(MISSING_VARNISH, file=sys.stderr)
        return 1
    # A `kill` unwinds like Ctrl-C, through the blocks that stop the servers.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    try:
        results, data = bench(options, wrk, work)
    except BenchError as error:
        print(f"Benchmark failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted: nothing written.", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(work, ignore_errors=True)
    minutes = (time.monotonic() - started) / 60
    write_report(options, wrk, results, data, minutes)
    print(f"Wrote {display(options.output)} and {display(options.output.with_suffix('.svg'))}.")
    return 0


def bench(options, wrk: str, work: Path) -> tuple[dict, dict]:
    """{size: {mode: {key: Summary}}} and {size: facts about its data} for every size."""
    secret_key = secrets.token_urlsafe(50)
    static_root = work / "static"
    base_env = environment(options, secret_key, static_root, database="postgres")
    print("Collecting static files...", flush=True)
    manage(["collectstatic", "--no-input", "-v", "0"], base_env)
    results, data = {}, {}
    try:
        for size in options.sizes:
            database = f"newsroom_bench_{size}"
            envs = {
                mode: environment(options, secret_key, static_root, database, seconds)
                for mode, seconds in MODES.items()
            }
            facts = prepare_database(options, size, database, envs["uncached"])
            flush_redis(options.redis)
            facts |= probed(options, envs["uncached"], work)
            scenarios = [Scenario(**scenario) for scenario in facts.pop("scenarios")]
            facts["labels"] = {scenario.key: scenario.label for scenario in scenarios}
            facts["addresses"] = {scenario.key: scenario.address for scenario in scenarios}
            facts["measured"] = {
                mode: [scenario.key for scenario in scenarios if mode in scenario.modes]
                for mode in MODES
            }
            facts["one_at_a_time"] = [
                scenario.key for scenario in scenarios if scenario.one_at_a_time
            ]
            for scenario in scenarios:
                if scenario.paths:
                    (work / f"{scenario.key}.txt").write_text("\n".join(scenario.paths) + "\n")
            data[size] = facts
            seconds = (
                sum(len(scenario.modes) for scenario in scenarios)
                * options.rounds
                * (options.warmup + options.duration)
            )
            print(
                f"{size:,} articles: measuring {len(facts['labels'])} pages in {len(MODES)} "
                f"ways, about {max(1, round(seconds / 60))} min...",
                flush=True,
            )
            results[size] = {}
            # Where each page's list of paths goes on: every round and way of serving reads
            # further on, so that an article read for the first time is one.
            cursors = {}
            for mode in MODES:
                flush_redis(options.redis)
                with serving_site(options, envs[mode], work, edge=mode == "edge") as site:
                    ready = [
                        checked(scenario, site) for scenario in scenarios if mode in scenario.modes
                    ]
                    for scenario in ready:
                        if scenario.made:
                            make_pages(scenario, site)
                    if mode == "edge":
                        facts["not_kept"] = not_kept(ready, site)
                    runs = measure(options, wrk, ready, site, work, cursors, f"{size:,} {mode}")
                results[size][mode] = {key: Summary.of(found) for key, found in runs.items()}
    finally:
        flush_redis(options.redis)
        if options.drop:
            for size in options.sizes:
                drop_database(options, f"newsroom_bench_{size}")
    return results, data


def environment(
    options, secret_key: str, static_root: Path, database: str, page_cache_seconds: int = 0
) -> dict[str, str]:
    """The environment of the served site (and of manage.py) on `database`."""
    env = dict(os.environ)
    # The settings' default (persistent connections) is what production runs.
    env.pop("CONN_MAX_AGE", None)
    env.pop("EDGE_CACHE_URLS", None)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DEBUG="0",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"{options.postgres}/{database}",
        REDIS_URL=options.redis,
        STATIC_ROOT=str(static_root),
        PAGE_CACHE_SECONDS=str(page_cache_seconds),
        LOG_LEVEL="WARNING",
        # wrk asks over plain http: no redirect to https.
        SECURE_SSL_REDIRECT="0",
    )
    return env


def manage(command: list[str], env: dict[str, str], quiet: bool = True) -> None:
    run = subprocess.run(
        [PYTHON, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=quiet,
        text=True,
    )
    if run.returncode:
        output = (run.stdout or "") + (run.stderr or "") if quiet else "(its output is above)"
        raise BenchError(f"manage.py {shlex.join(command)} failed:\n{output[-3000:]}")


def postgres(options, database: str = "postgres") -> psycopg.Connection:
    return psycopg.connect(f"{options.postgres}/{database}", autocommit=True)


def generator() -> list[Path]:
    """The code that fills a bench database: the command and the archive module it calls."""
    command = ROOT / "articles" / "management" / "commands" / "generate_archive.py"
    return [command, *sorted(ROOT.glob("articles/**/archive.py"))]


def recipe(size: int, seed: int) -> str:
    """How a bench database was filled, kept as its comment: it is reused only if the same.

    It names the generator's code too, so that a changed generator fills the database anew.
    """
    code = hashlib.sha256()
    for source in generator():
        code.update(source.read_bytes() if source.exists() else b"")
    return f"generate_archive --articles {size} --seed {seed} (code {code.hexdigest()[:12]})"


def made_by(options, database: str) -> str | None:
    """The recipe of `database`, None when there is no such database."""
    with postgres(options) as connection:
        found = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [database],
        ).fetchone()
    return None if found is None else found[0] or ""


def article_count(options, database: str) -> int:
    with postgres(options, database) as connection:
        return connection.execute("SELECT count(*) FROM articles_article").fetchone()[0]


def drop_database(options, database: str) -> None:
    with postgres(options) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )


def prepare_database(options, size: int, database: str, env: dict[str, str]) -> dict:
    """Makes `database` hold `size` generated articles, reusing it when it does already."""
    wanted = recipe(size, options.seed)
    if made_by(options, database) == wanted and article_count(options, database) == size:
        print(f"{size:,} articles: reusing the database {database}.", flush=True)
        manage(["migrate", "--no-input", "-v", "0"], env)
        return {"generated_in": None}
    print(f"{size:,} articles: creating the database {database}...", flush=True)
    drop_database(options, database)
    with postgres(options) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    manage(["migrate", "--no-input", "-v", "0"], env)
    started = time.monotonic()
    manage(
        ["generate_archive", "--articles", str(size), "--seed", str(options.seed)], env, quiet=False
    )
    with postgres(options, database) as connection:
        # Fresh statistics, so that the planner sees the archive as it is.
        connection.execute("VACUUM (ANALYZE)")
    seconds = time.monotonic() - started
    print(f"{size:,} articles: generated in {seconds:.0f} s.", flush=True)
    if article_count(options, database) != size:
        raise BenchError(f"generate_archive did not leave {size} articles in {database}.")
    with postgres(options) as connection:
        connection.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(database), sql.Literal(wanted)
            )
        )
    return {"generated_in": seconds}


def probed(options, env: dict[str, str], work: Path) -> dict:
    """What probe() finds in the bench database, run in a process configured for it."""
    output = work / "probe.json"
    run = subprocess.run(
        [PYTHON, __file__, "--probe", str(output), "--seed", str(options.seed)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if run.returncode:
        raise BenchError(f"Probing the database failed:\n{(run.stdout + run.stderr)[-3000:]}")
    return json.loads(output.read_text())


def probe(output: Path, seed: int) -> None:
    """Writes the pages to measure and the SQL queries of each (as JSON, to `output`).

    Runs in a process of its own, whose environment names the bench database
    and turns the page cache off.
    """
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from articles.models import Article

    found = pages(seed)
    found["queries"] = query_counts(found["scenarios"])
    found["articles"] = Article.objects.count()
    output.write_text(json.dumps(found, ensure_ascii=False))


def pages(seed: int) -> dict:
    """The scenarios, each page's address drawn from the database, and what was drawn."""
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import translation
    from modeltranslation.utils import build_localized_fieldname as localized

    from articles.models import Article, Author, Byline, Category, Tag
    from articles.public.pagination import oldest_page_url

    def addressed(language: str):
        """Articles with what their address in `language` needs, and no more."""
        fields = (localized(name, language) for name in ("title", "body", "slug"))
        return Article.objects.only(*fields).order_by("pk")

    draw = random.Random(seed)
    samples, public_pks = {}, {}
    for language in SEARCH_LANGUAGES:
        pks = list(Article.objects.public(language).order_by("pk").values_list("pk", flat=True))
        public_pks[language] = pks
        if len(pks) < 4:
            raise SystemExit(f"{len(pks)} public articles in {language}: too few to measure.")
        # Half of them at most, so that a small archive leaves articles to read for the first time.
        chosen = draw.sample(pks, min(len(pks) // 2, SAMPLED_ARTICLES))
        samples[language] = list(addressed(language).filter(pk__in=chosen))
        draw.shuffle(samples[language])

    words = {}
    for language in SEARCH_LANGUAGES:
        found = sorted(
            {
                word
                for article in samples[language]
                for word in re.findall(
                    r"[^\W\d_]{4,}", getattr(article, localized("title", language))
                )
            }
        )
        words[language] = draw.sample(found, min(len(found), SEARCH_WORDS))

    # The largest category, author and tag in LANGUAGE: the lists that grow the most.
    public = Article.objects.public(LANGUAGE).order_by().values("pk")
    listed = {}
    for model, rows in (
        (Category, Article.objects.filter(pk__in=public, category__isnull=False)),
        (Author, Byline.objects.filter(article__in=public)),
        (Tag, Article.tags.through.objects.filter(article__in=public)),
    ):
        name = model._meta.model_name
        top = (
            rows.order_by()
            .values(name)
            .annotate(articles=Count("pk"))
            .order_by("-articles", name)
            .first()
        )
        if top is None:
            raise SystemExit(f"No public article in {LANGUAGE} has a {name}.")
        listed[name] = (model.objects.get(pk=top[name]), top["articles"])

    with translation.override(LANGUAGE):
        feed = reverse("articles:feed")
        scenarios = [
            {"key": "floor", "label": "Floor (/healthz)", "path": "/healthz", "modes": list(MODES)},
            {"key": "home", "label": "Home", "path": reverse("articles:home")},
            {"key": "latest", "label": "Latest news, page 1", "path": reverse("articles:latest")},
            {
                "key": "oldest",
                "label": "Latest news, oldest page",
                "path": oldest_page_url(LANGUAGE),
            },
        ]
    for name in ("category", "author", "tag"):
        scenarios.append(
            {
                "key": name,
                "label": f"{name.title()}, page 1",
                "path": listed[name][0].get_absolute_url(LANGUAGE),
            }
        )
    for language in (LANGUAGE, OTHER_LANGUAGE):
        paths = [article.get_absolute_url(language) for article in samples[language]]
        scenarios.append(
            {
                "key": f"article-{language}",
                "label": f"Article ({language}), read again",
                "path": min(paths, key=len),
                "paths": paths,
                "made": True,
            }
        )
    # The long tail: articles whose page no one has asked for since the content changed.
    # The plain view reads as many others (every other one of the rest, shuffled), so that
    # neither finds in memory the rows the other has just read.
    sampled = {article.pk for article in samples[LANGUAGE]}
    unread = [pk for pk in public_pks[LANGUAGE] if pk not in sampled]
    draw.shuffle(unread)
    first_pks, reference_pks = (
        unread[0::2][:FIRST_READ_ARTICLES],
        unread[1::2][:FIRST_READ_ARTICLES],
    )
    addresses = {
        article.pk: article.get_absolute_url(LANGUAGE)
        for article in addressed(LANGUAGE).filter(pk__in=first_pks)
    }
    first_reads = [addresses[pk] for pk in first_pks]
    with translation.override(LANGUAGE):
        plain_reads = [reverse("reference", kwargs={"pk": pk}) for pk in reference_pks]
    scenarios += [
        {
            "key": f"article-{LANGUAGE}-first",
            "label": f"Article ({LANGUAGE}), first read",
            "path": min(first_reads, key=len),
            "paths": first_reads,
        },
        {
            "key": "reference-first",
            "label": f"Plain Django article view ({LANGUAGE}), first read",
            "path": min(plain_reads, key=len),
            "paths": plain_reads,
        },
    ]
    # The story everyone reads during a spike: the newest one, the same page each time.
    newest = Article.objects.public(LANGUAGE).first()
    scenarios += [
        {
            "key": "article-hot",
            "label": f"Article ({LANGUAGE}), the newest",
            "path": newest.get_absolute_url(LANGUAGE),
        },
        {"key": "rss", "label": "RSS feed", "path": feed},
        {"key": "rss-304", "label": "RSS feed, not modified", "path": feed, "conditional": True},
    ]
    # Searches are never kept whole: measured once, without the page cache.
    searches = {}
    for language in SEARCH_LANGUAGES:
        with translation.override(language):
            search = reverse("articles:search")
        searches[language] = [f"{search}?{urlencode({'q': word})}" for word in words[language]]
    scenarios.append(
        {
            "key": "search",
            "label": f"Search ({LANGUAGE})",
            "path": min(searches[LANGUAGE], key=len),
            "paths": searches[LANGUAGE],
            "modes": ["uncached"],
        }
    )
    scenarios += [
        {
            "key": f"search-{language}",
            "label": f"Search ({language}), one at a time",
            "path": min(searches[language], key=len),
            "paths": searches[language],
            "modes": ["uncached"],
            "one_at_a_time": True,
        }
        for language in SEARCH_LANGUAGES
    ]
    # Through Varnish, after a first reader each: the same pages, from the edge.
    by_key = {scenario["key"]: scenario for scenario in scenarios}
    scenarios += [
        by_key[key] | {"modes": ["edge"], "edge": True, "made": True, "headers": EDGE_HEADERS}
        for key in EDGE_PAGES
    ]

    return {
        "scenarios": scenarios,
        "public": {language: len(public_pks[language]) for language in SEARCH_LANGUAGES},
        "listed": {name: [str(item), articles] for name, (item, articles) in listed.items()},
        "words": words,
    }


def query_counts(scenarios: list[dict]) -> dict[str, list[int]]:
    """{key: [SQL queries on an empty cache, then again]} of each scenario's page, in-process."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    queries = {}
    for scenario in scenarios:
        if scenario.get("edge"):
            continue  # the site's page, counted once
        path, headers = scenario["path"], {}
        cache.clear()
        if scenario.get("conditional"):
            # The validators of a page as the emptied cache now makes it.
            first = client.get(path)
            headers = {
                "If-None-Match": first["ETag"],
                "If-Modified-Since": first["Last-Modified"],
            }
        expected = 304 if scenario.get("conditional") else 200
        queries[scenario["key"]] = []
        # The first request fills the caches that fill on first use; the second finds them.
        for _time in ("cold", "warm"):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path, headers=headers)
            if response.status_code != expected:
                raise SystemExit(f"{path} answered {response.status_code}, not {expected}.")
            queries[scenario["key"]].append(len(captured))
    return queries


def flush_redis(url: str) -> None:
    redis.Redis.from_url(url).flushdb()


def free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


@contextmanager
def serving_site(options, env: dict[str, str], work: Path, edge: bool) -> Iterator[Site]:
    """gunicorn serving the site, and with `edge` Varnish in front of it, purged by it."""
    port = options.port or free_port()
    edge_port = free_port() if edge else None
    if edge:
        env = env | {"EDGE_CACHE_URLS": f"http://127.0.0.1:{edge_port}"}
    with ExitStack() as stack:
        stack.enter_context(serving(options, env, port, work / "server.log"))
        if edge:
            stack.enter_context(varnish(port, edge_port, work / "varnish"))
        yield Site(port, edge_port)


@contextmanager
def serving(options, env: dict[str, str], port: int, log: Path) -> Iterator[None]:
    """gunicorn serving the site on `port`, in a process group of its own."""
    with socket.socket() as probe_socket:
        if probe_socket.connect_ex(("127.0.0.1", port)) == 0:
            raise BenchError(f"Something listens on port {port} already: see --port.")
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                str(Path(PYTHON).with_name("gunicorn")),
                "newsroom.wsgi",
                f"--bind=127.0.0.1:{port}",
                f"--workers={options.workers}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(server, port, log, "gunicorn")
        yield
    finally:
        stop(server)
        # Leaves out the workers' notices of the SIGTERM that stopped them.
        said = "\n".join(
            line for line in log.read_text().splitlines() if "was sent SIGTERM" not in line
        )
        if said:
            print(f"gunicorn's log (warnings and errors):\n{said[-3000:]}", file=sys.stderr)


@contextmanager
def varnish(backend: int, port: int, directory: Path) -> Iterator[None]:
    """varnishd with the project's VCL on `port`, in front of gunicorn on `backend`.

    As tests/test_edge.py runs it: its working files in `directory`, as whoever
    runs the bench, stopped by its process id (its manager takes its cache
    process down with it).
    """
    directory.mkdir(exist_ok=True)
    vcl, replaced = re.subn(
        r'^(\s*\.port = )"\d+";', rf'\g<1>"{backend}";', VCL.read_text(), flags=re.M
    )
    if replaced != 1:
        raise BenchError(f"{display(VCL)} should name one backend port.")
    (directory / "newsroom.vcl").write_text(vcl)
    log = directory / "varnishd.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [VARNISHD, "-F", "-a", f"127.0.0.1:{port}", "-f", str(directory / "newsroom.vcl")]
            + ["-n", str(directory / "work"), "-j", "none", "-T", "none", "-s", "malloc,512m"],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        # Up once it answers through to gunicorn (it never keeps the health check).
        wait_for(process, port, log, "varnishd")
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(process: subprocess.Popen, port: int, log: Path, name: str) -> None:
    """Returns once /healthz answers on `port`, or raises if `process` stops or is slow."""
    for _ in range(150):
        if process.poll() is not None:
            raise BenchError(f"{name} stopped before it answered:\n{log.read_text()[-3000:]}")
        try:
            if get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"{name} did not answer /healthz within 30 seconds.")


def stop(server: subprocess.Popen) -> None:
    """Stops gunicorn and its workers: the whole process group."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except ProcessLookupError:
        server.wait()
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def get(port: int, path: str, headers: dict[str, str] | None = None):
    """(status, headers) of a GET, without following redirects."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, response.headers
    finally:
        connection.close()


def checked_paths(scenario: Scenario) -> tuple[str, ...]:
    """Its last paths, which a measure reaches last if at all: a first read stays one."""
    return scenario.all_paths[-CHECKED_PATHS:]


def checked(scenario: Scenario, site: Site) -> Scenario:
    """The scenario with its request headers, once its pages answer as expected."""
    port = site.port_of(scenario)
    headers = scenario.headers | (validators(scenario.path, port) if scenario.conditional else {})
    for path in checked_paths(scenario):
        status, _headers = get(port, path, headers)
        if status != scenario.expected_status:
            raise BenchError(f"{path} answered {status}, not {scenario.expected_status}.")
    return replace(scenario, headers=headers)


def validators(path: str, port: int) -> dict[str, str]:
    """The conditional headers of a client that has the page as it is now."""
    status, first = get(port, path)
    if status != 200 or not first["ETag"] or not first["Last-Modified"]:
        raise BenchError(
            f"{path} answered {status} with ETag {first['ETag']!r} and "
            f"Last-Modified {first['Last-Modified']!r}: no conditional GET to measure."
        )
    return {"If-None-Match": first["ETag"], "If-Modified-Since": first["Last-Modified"]}


def make_pages(scenario: Scenario, site: Site, again: bool = False) -> None:
    """Asks for each of the scenario's pages once, so that they are made before it is measured."""
    paths, port = scenario.all_paths, site.port_of(scenario)
    if not again:
        where = " through Varnish" if scenario.edge else ""
        print(f"  Making the {len(paths):,} pages of {scenario.label}{where}...", flush=True)
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = set(pool.map(lambda path: get(port, path, scenario.headers)[0], paths))
    if statuses != {scenario.expected_status}:
        raise BenchError(f"{scenario.label}: some pages answered {sorted(statuses)}.")


def not_kept(scenarios: list[Scenario], site: Site) -> dict[str, list[int]]:
    """{key: [pages Varnish did not answer from what it keeps, pages asked]} once they are made."""
    missed = {}
    for scenario in scenarios:
        if scenario.edge:
            paths = checked_paths(scenario)
            caches = [get(site.edge_port, path, scenario.headers)[1]["X-Cache"] for path in paths]
            if misses := sum(cache != "HIT" for cache in caches):
                kept = len(paths) - misses
                print(f"  Varnish kept {kept} of {len(paths)} pages of {scenario.label}.")
                missed[scenario.key] = [misses, len(paths)]
    return missed


def measure(
    options, wrk: str, scenarios: list[Scenario], site: Site, work: Path, cursors: dict, title: str
) -> dict:
    """{key: [Run of each round]}: every page in a random order each round."""
    draw = random.Random(options.seed)
    runs = {scenario.key: [] for scenario in scenarios}
    alone = {scenario.key for scenario in scenarios if scenario.one_at_a_time}
    for number in range(1, options.rounds + 1):
        order = list(scenarios)
        draw.shuffle(order)
        measured = {}
        for scenario in order:
            if scenario.conditional:
                # A revalidating client holds the page as it is now (a go-live renews it).
                fresh = validators(scenario.path, site.port_of(scenario))
                scenario = replace(scenario, headers=scenario.headers | fresh)
            if scenario.made:
                # Read within the minute, as the scenario says (pages expire).
                make_pages(scenario, site, again=True)
            if options.warmup:
                load(options, wrk, scenario, site, work, cursors, options.warmup)
            run = load(options, wrk, scenario, site, work, cursors, options.duration)
            measured[scenario.key] = run
            failed = run.bad_status + run.socket_errors
            print(
                f"  {title}, round {number}/{options.rounds}: {scenario.label:<42} "
                f"{run.rps:8.1f} req/s  p50 {run.p50:7.1f} ms  p95 {run.p95:7.1f} ms"
                + (f"  {failed} FAILED" if failed else ""),
                flush=True,
            )
        floor = measured["floor"].rps
        for key, run in measured.items():
            # One request at a time is a latency, not a share of what the machine serves.
            if floor and key not in alone:
                run.ratio = run.rps / floor
            runs[key].append(run)
    return runs


def load(
    options, wrk: str, scenario: Scenario, site: Site, work: Path, cursors: dict, seconds: int
) -> Run:
    """Loads one page with wrk for `seconds`; a many-path page goes on where it stopped."""
    threads, connections = (
        (1, 1) if scenario.one_at_a_time else (options.threads, options.connections)
    )
    command = [
        wrk,
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
    ]
    for name, value in scenario.headers.items():
        command += ["--header", f"{name}: {value}"]
    url = f"http://127.0.0.1:{site.port_of(scenario)}{scenario.path}"
    if scenario.paths:
        paths = work / f"{scenario.key}.txt"
        start = cursors.get(scenario.key, 0)
        command += ["--script", str(RANDOM_PATH_SCRIPT), url, "--", str(paths), str(start)]
        command.append(str(threads))
    else:
        command += ["--script", str(LATENCY_SCRIPT), url]
    run = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if run.returncode:
        raise BenchError(f"wrk failed on {url}:\n{run.stdout}{run.stderr}")
    # The requests wrk left queued when it stopped still take the workers' time:
    # this one is answered once they are through, so the next run starts on an idle server.
    get(site.port, "/healthz")
    try:
        found = parsed(run.stdout)
    except (KeyError, TypeError) as error:
        raise BenchError(f"Unexpected report from wrk on {url}:\n{run.stdout}") from error
    if found.next_line is not None:
        cursors[scenario.key] = found.next_line
    return found


def parsed(output: str) -> Run:
    """A Run from wrk's report, with the percentiles and next line our scripts print."""
    percentiles = re.search(
        r"^Latency percentiles \(ms\): 50 ([\d.]+) 95 ([\d.]+) 99 ([\d.]+)$", output, re.M
    )
    next_line = re.search(r"^Next line: (\d+)$", output, re.M)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    bad_status = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Run(
        rps=float(re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)[1]),
        p50=float(percentiles[1]),
        p95=float(percentiles[2]),
        p99=float(percentiles[3]),
        requests=int(re.search(r"(\d+) requests in", output)[1]),
        bad_status=int(bad_status[1]) if bad_status else 0,
        socket_errors=sum(map(int, sockets.groups())) if sockets else 0,
        next_line=int(next_line[1]) if next_line else None,
    )


def display(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    memory = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    try:
        release = platform.freedesktop_os_release()["PRETTY_NAME"] + ", "
    except (OSError, KeyError):
        release = ""
    return {
        "CPU": model[1].strip() if model else platform.processor(),
        "Cores": str(os.cpu_count()),
        "Memory": f"{int(memory[1]) / 1024**2:.0f} GiB" if memory else "unknown",
        "System": f"{release}Linux {platform.release()}",
    }


def versions(options, wrk: str) -> dict[str, str]:
    with postgres(options) as connection:
        postgresql = connection.execute("SHOW server_version").fetchone()[0]
    wrk_output = subprocess.run([wrk, "--version"], capture_output=True, text=True)
    wrk_version = re.search(r"wrk (\S+)", wrk_output.stdout + wrk_output.stderr)
    varnish_output = subprocess.run([VARNISHD, "-V"], capture_output=True, text=True)
    varnish_version = re.search(r"varnish-(\S+)", varnish_output.stdout + varnish_output.stderr)
    return {
        "Python": platform.python_version(),
        "Django": metadata.version("django"),
        "gunicorn": metadata.version("gunicorn"),
        "psycopg": metadata.version("psycopg"),
        "PostgreSQL": postgresql,
        "Redis": redis.Redis.from_url(options.redis).info("server")["redis_version"],
        "wrk": wrk_version[1] if wrk_version else "unknown",
        "Varnish": varnish_version[1] if varnish_version else "unknown",
    }


def command_line(options) -> str:
    """The tools/bench.py command that repeats this run, every option spelled out."""
    arguments = [
        ".venv/bin/python",
        "tools/bench.py",
        "--sizes",
        *map(str, options.sizes),
        *("--rounds", str(options.rounds), "--duration", str(options.duration)),
        *("--warmup", str(options.warmup), "--threads", str(options.threads)),
        *("--connections", str(options.connections), "--workers", str(options.workers)),
        *("--seed", str(options.seed)),
    ]
    return shlex.join(arguments)


def rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def share(ratio: float) -> str:
    return f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.3f}"


def milliseconds(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def write_report(options, wrk: str, results: dict, data: dict, minutes: float) -> None:
    report = options.output
    chart = report.with_suffix(".svg")
    report.parent.mkdir(parents=True, exist_ok=True)
    previous = report.read_text() if report.exists() else ""
    kept = NOTES.search(previous)
    notes = kept[0] if kept else "<!-- notes -->\n<!-- /notes -->"
    sizes = list(results)
    facts = data[sizes[0]]
    labels, measured, alone = facts["labels"], facts["measured"], set(facts["one_at_a_time"])
    computer = machine()
    headings = " | ".join(f"{size:,}" for size in sizes)

    lines = [
        "# Benchmarks",
        "",
        "<!-- Written by `make bench` (tools/bench.py). Only the text between the notes "
        "markers is kept when it runs again. -->",
        "",
        notes,
        "",
        "## Targets",
        "",
        f"On {datetime.now().astimezone():%Y-%m-%d}, on {computer['CPU']} ({computer['Cores']} "
        f"cores, {computer['Memory']} of memory), in {max(1, round(minutes))} min, by:",
        "",
        f"    {command_line(options)}",
        "",
        "Ratios are requests per second over the floor's (`/healthz`, straight from "
        "gunicorn) in the same round, medians over the rounds; a search's latency is "
        "asked one request at a time. Each size's column gives the measure and whether "
        "it meets the target.",
        "",
        f"| Target | Wanted | {headings} |",
        "| --- | --- | " + " | ".join("---" for _size in sizes) + " |",
    ]
    verdicts = {True: "met", False: "**not met**", None: "no target at this size"}
    wanted = targets(labels)
    met_everywhere = 0
    for target in wanted:
        checks = [target.check(results[size], size) for size in sizes]
        met_everywhere += all(met is not False for _measure, met in checks)
        cells = [f"{measure}, {verdicts[met]}" for measure, met in checks]
        lines.append(f"| {target.label} | {target.wanted} | " + " | ".join(cells) + " |")
    lines += ["", f"Met at every size: {met_everywhere} of {len(wanted)}."]
    lines += [
        "",
        "## How they were measured",
        "",
        f"The site runs as in production: gunicorn with {options.workers} sync workers, "
        "DEBUG off, PostgreSQL with persistent connections, the cache in Redis, with the "
        f"settings `{SETTINGS}`: the site's, plus a plain Django article view at "
        "`/reference/<id>/` (tools/reference/), so that an article read for the first time "
        "is measured against it in the same process. wrk loads "
        f"each page over loopback with {options.threads} threads and {options.connections} "
        f"connections for {options.duration} s, after {options.warmup} s of warm-up. "
        f"Each round ({options.rounds} in all) measures every page in a random order, the floor "
        "included: `/healthz`, which answers without touching the database or the cache, "
        "so it is the most any page could reach on this machine. A page's ratio to the "
        "floor is its requests per second over the floor's in the same round; the figures "
        "are the medians over the rounds. wrk shares the machine's cores with the site, and "
        "other work on the machine moves its speed from minute to minute: compare the "
        "ratios, not the raw rates, between sizes and runs.",
        "",
        "The site is served in three ways, Redis emptied before each. Uncached, it serves "
        "every page it has not made in this content generation, with what pages share and "
        "each page of a list kept in Redis for the generation "
        f"(`PAGE_CACHE_SECONDS=0`); cached, it keeps whole pages for {MODES['cached']} s "
        f"(`PAGE_CACHE_SECONDS={MODES['cached']}`); through Varnish, a varnishd with the "
        "project's VCL (deploy/varnish/newsroom.vcl, its backend port set to gunicorn's) is "
        "in front of the cached site, which purges it (`EDGE_CACHE_URLS`). Through Varnish, "
        f"wrk asks for compressed pages as browsers do (`Accept-Encoding: gzip`), each "
        "page is read once through it just before each measure, and the floor is still "
        "`/healthz` straight from gunicorn (Varnish passes it on). "
        "SQL queries are counted on the uncached site, in-process: on a "
        "page's first request after the cache is emptied (cold), and on the next (warm), "
        "when the caches that fill on first use are full.",
        "",
        "A page of many addresses takes them in turn from a list in a random order, each "
        "wrk thread every other one, and each run goes on where the last stopped, through "
        "the rounds and the ways of serving: an address is asked twice only once its list "
        "is used up, which happens at small sizes. An article read again is one of "
        f"{SAMPLED_ARTICLES:,} in its language (or half of them, if fewer) whose page was "
        "read in the last minute: each is asked for once before the measure, as readers "
        "would have, so that uncached it finds what every page shares made, and cached its whole "
        f"page kept (a page is kept {MODES['cached']} s, and a measure comes minutes after "
        "the first reads). An article read for the first time is one of the others, "
        f"{FIRST_READ_ARTICLES:,} at most, as the long tail of an archive is; the plain "
        "view reads as many others, drawn alike, so that neither finds in memory what the "
        "other has just read. The newest article is the one page everyone reads during a "
        f"spike. Searches are drawn from {SEARCH_WORDS} words of titles in their language; "
        "one at a time, wrk keeps a single connection, so that a search's latency is its "
        "own and not that of a queue.",
        "",
        "| Machine | |",
        "| --- | --- |",
        *(f"| {name} | {value} |" for name, value in computer.items()),
        "",
        "| Software | Version |",
        "| --- | --- |",
        *(f"| {name} | {value} |" for name, value in versions(options, wrk).items()),
        "",
        "## Data",
        "",
        f"Made by `manage.py generate_archive --articles <size> --seed {options.seed}`: "
        "articles in Kazakh, Russian and English, some missing a language. The category, "
        f"author and tag measured are those with the most articles in {LANGUAGE}.",
        "",
        "| Articles | Public in " + " | Public in ".join(SEARCH_LANGUAGES) + f" | Category "
        f"({LANGUAGE}) | Author | Tag | Search words | Generated in |",
        "| ---: | " + "---: | " * len(SEARCH_LANGUAGES) + "--- | --- | --- | ---: | ---: |",
    ]
    for size in sizes:
        facts = data[size]
        lines.append(
            f"| {facts['articles']:,} | "
            + " | ".join(f"{facts['public'][language]:,}" for language in SEARCH_LANGUAGES)
            + " | "
            + " | ".join(f"{name} ({articles:,})" for name, articles in facts["listed"].values())
            + " | "
            + " / ".join(str(len(facts["words"][language])) for language in SEARCH_LANGUAGES)
            + " | "
            + (
                f"{facts['generated_in']:.0f} s |"
                if facts["generated_in"] is not None
                else "an earlier run |"
            )
        )
    rows = [key for key in labels if key not in alone]
    lines += [
        "",
        "## Ratios to the floor as the archive grows",
        "",
        f"![Each page's requests per second as a share of the floor's, by archive size, "
        f"in each way of serving]({chart.name})",
        "",
        "| Page | " + " | ".join(f"{mode} {size:,}" for mode in MODES for size in sizes) + " |",
        "| --- | " + " | ".join("---:" for _mode in MODES for _size in sizes) + " |",
    ]
    for key in rows:
        cells = [
            share(results[size][mode][key].ratio) if key in measured[mode] else ""
            for mode in MODES
            for size in sizes
        ]
        lines.append(f"| {labels[key]} | " + " | ".join(cells) + " |")
    failures = []
    for size in sizes:
        lines += ["", f"## {size:,} articles"]
        for mode in MODES:
            lines += [
                "",
                f"### {MODE_TITLES[mode]}",
                "",
                "| Page | Address | Requests/s | p50 ms | p95 ms | p99 ms | × floor "
                "| Queries cold / warm | Failed |",
                "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            ]
            for key in measured[mode]:
                summary = results[size][mode][key]
                queries = data[size]["queries"].get(key) if mode == "uncached" else None
                failed = summary.bad_status + summary.socket_errors
                label = labels[key] + (
                    " (from gunicorn)" if mode == "edge" and key == "floor" else ""
                )
                lines.append(
                    f"| {label} | {data[size]['addresses'][key]} | {rate(summary.rps)} | "
                    f"{milliseconds(summary.p50)} | {milliseconds(summary.p95)} | "
                    f"{milliseconds(summary.p99)} | "
                    f"{'' if math.isnan(summary.ratio) else share(summary.ratio)} | "
                    f"{' / '.join(map(str, queries)) if queries else ''} | {failed} |"
                )
                if failed:
                    failures.append(
                        f"- {size:,} articles, {mode}, {labels[key]}: {summary.bad_status} "
                        f"answers other than 2xx or 3xx and {summary.socket_errors} socket "
                        f"errors in {summary.requests:,} requests."
                    )
        for key, (misses, asked) in data[size].get("not_kept", {}).items():
            failures.append(
                f"- {size:,} articles, through Varnish, {labels[key]}: {misses} of the "
                f"{asked} pages checked once made were not answered from what Varnish keeps."
            )
    lines += ["", "## Failed requests", ""]
    lines += failures or [
        "None: every request answered 2xx or 3xx, without a socket error, and Varnish "
        "answered every page checked from what it keeps."
    ]
    if load_section := LOAD_SECTION.search(previous):
        lines += ["", load_section[0]]
    report.write_text("\n".join(lines) + "\n")
    chart.write_text(ratio_chart(results, labels, measured, alone))


COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]


def ratio_chart(results: dict, labels: dict[str, str], measured: dict, alone: set) -> str:
    """An SVG bar chart of each page's ratio to the floor: a panel per way of serving, each
    on its own scale, a bar per size."""
    sizes = list(results)
    panels = {
        mode: [key for key in keys if key != "floor" and key not in alone]
        for mode, keys in measured.items()
    }
    plot_height, left, gap = 260, 48, 56
    plot_top, label_space = 56, 210
    # Bars as wide in every panel, and room for a panel's title.
    widths = {mode: max(200, 20 + 34 * len(keys)) for mode, keys in panels.items()}
    width = left + sum(widths.values()) + (len(panels) - 1) * gap + 16
    height = plot_top + plot_height + label_space
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}" '
        f'viewBox="0 0 {width:.0f} {height}" font-family="system-ui, sans-serif" '
        'font-size="12" role="img" aria-labelledby="title">',
        '<title id="title">Requests per second of each page as a share of the floor '
        "(/healthz), by archive size, in each way of serving</title>",
        f'<rect width="{width:.0f}" height="{height}" fill="#fff"/>',
    ]
    for index, size in enumerate(sizes):
        x = left + index * 130
        parts.append(
            f'<rect x="{x}" y="12" width="12" height="12" fill="{COLOURS[index % len(COLOURS)]}"/>'
            f'<text x="{x + 18}" y="22">{size:,} articles</text>'
        )
    origin = left
    for mode, keys in panels.items():
        panel_width = widths[mode]
        top = max([1.0] + [results[size][mode][key].ratio for size in sizes for key in keys])
        # Room above the tallest bar for its label, and a grid line every `step`.
        step = 0.2 if top <= 2 else 1 if top <= 10 else 5
        top = math.ceil(top * 1.12 / step) * step
        group = (panel_width - 20) / max(1, len(keys))
        bar = min(18, (group - 8) / len(sizes))

        def y(ratio: float, top: float = top) -> float:
            return plot_top + plot_height * (1 - ratio / top)

        parts.append(
            f'<text x="{origin + panel_width / 2:.1f}" y="{plot_top - 12}" '
            f'text-anchor="middle" font-weight="bold">{escape(MODE_TITLES[mode])}</text>'
        )
        for line in range(round(top / step) + 1):
            ratio = line * step
            parts.append(
                f'<line x1="{origin:.1f}" x2="{origin + panel_width:.1f}" y1="{y(ratio):.1f}" '
                f'y2="{y(ratio):.1f}" stroke="#ddd"/>'
                f'<text x="{origin - 6:.1f}" y="{y(ratio) + 4:.1f}" text-anchor="end">'
                f"{ratio:g}</text>"
            )
        parts.append(
            f'<line x1="{origin:.1f}" x2="{origin + panel_width:.1f}" y1="{y(1):.1f}" '
            f'y2="{y(1):.1f}" stroke="#555" stroke-dasharray="4 3"/>'
            f'<text x="{origin + panel_width - 2:.1f}" y="{y(1) - 4:.1f}" text-anchor="end" '
            'fill="#555">floor</text>'
        )
        for position, key in enumerate(keys):
            centre = origin + 10 + group * (position + 0.5)
            start = centre - bar * len(sizes) / 2
            for index, size in enumerate(sizes):
                ratio = results[size][mode][key].ratio
                if math.isnan(ratio):
                    continue
                parts.append(
                    f'<rect x="{start + index * bar:.1f}" y="{y(ratio):.1f}" '
                    f'width="{bar - 1:.1f}" height="{y(0) - y(ratio):.1f}" '
                    f'fill="{COLOURS[index % len(COLOURS)]}">'
                    f"<title>{escape(labels[key])}, {size:,} articles: "
                    f"{share(ratio)}</title></rect>"
                    f'<text transform="translate({start + (index + 0.5) * bar + 3:.1f} '
                    f'{y(ratio) - 3:.1f}) rotate(-90)" font-size="9">{share(ratio)}</text>'
                )
            parts.append(
                f'<text transform="translate({centre:.1f} {y(0) + 12:.1f}) rotate(-40)" '
                f'text-anchor="end">{escape(labels[key])}</text>'
            )
        parts.append(
            f'<line x1="{origin:.1f}" x2="{origin + panel_width:.1f}" y1="{y(0):.1f}" '
            f'y2="{y(0):.1f}" stroke="#333"/>'
        )
        origin += panel_width + gap
    parts.append(
        f'<text transform="translate(14 {plot_top + plot_height / 2}) rotate(-90)" '
        'text-anchor="middle">× floor</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    sys.exit(main())
