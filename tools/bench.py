"""Measures the public pages under load: gunicorn on PostgreSQL, wrk on loopback.

`make bench` runs this. For each archive size it fills a PostgreSQL database
of its own with `manage.py generate_archive` (or reuses the one an earlier run
filled with the same size, seed and generator), serves it as in production
(gunicorn, DEBUG off, the cache in Redis) and loads each page type with wrk,
first without and then with the whole-page cache. Every round also measures
/healthz, which answers without touching the database or the cache: the
floor, the most a page could reach on this machine. A page's speed is given
as a ratio to the floor of its own round, which holds still when the
machine's speed wanders, so that the ratios of a small and a large archive
can be compared. It also counts the SQL queries of each page, and writes
docs/benchmarks.md with a chart in docs/benchmarks.svg; the text between the
notes markers of the previous file is kept, and so is the load test's section.

    .venv/bin/python tools/bench.py [--sizes 10000 100000] [--rounds 3] [--duration 8]

Needs wrk (apt-get install wrk), PostgreSQL and Redis.
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
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
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
RANDOM_PATH_SCRIPT = ROOT / "tools" / "bench_random_path.lua"
GENERATOR = [
    ROOT / "articles" / "archive.py",
    ROOT / "articles" / "management" / "commands" / "generate_archive.py",
]
LANGUAGE = "kk"
OTHER_LANGUAGE = "ru"
SAMPLED_ARTICLES = 2000
# Articles read for the first time: drawn from this many, so that few are drawn twice.
FIRST_READ_ARTICLES = 40_000
SEARCH_WORDS = 50
# Paths of a random-path page checked before measuring it (each is asked once).
CHECKED_PATHS = 50
# PAGE_CACHE_SECONDS of each way of serving.
MODES = {"uncached": 0, "cached": 60}
MODE_TITLES = {
    "uncached": "Without the page cache",
    "cached": f"With the page cache ({MODES['cached']} s)",
}
NOTES = re.compile(r"<!-- notes -->.*?<!-- /notes -->", re.S)
# The load test's section (tools/load.py writes it), kept at the end of the report.
LOAD_SECTION = re.compile(r"<!-- load -->.*?<!-- /load -->", re.S)
MISSING_WRK = (
    "wrk is missing: install it with `apt-get install wrk` (Debian and Ubuntu), "
    "or run `make bench` as root, which installs it."
)


class BenchError(Exception):
    pass


@dataclass(frozen=True)
class Scenario:
    """A page type: one path, or many asked at random; `conditional` expects a 304."""

    key: str
    label: str
    path: str  # the one asked, or an example of `paths`
    paths: tuple[str, ...] = ()
    conditional: bool = False
    made: bool = False  # every one of `paths` is asked once before measuring
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def expected_status(self) -> int:
        return 304 if self.conditional else 200

    @property
    def address(self) -> str:
        """The address as the report shows it."""
        shown = unquote(self.path)
        if self.paths:
            return f"{len(self.paths):,} like `{shown}`, one at random per request"
        return f"`{shown}`" + (
            " with the validators of a GET before each run" if self.conditional else ""
        )


@dataclass
class Run:
    """What one wrk run measured."""

    rps: float
    p50: float  # milliseconds
    p99: float
    requests: int
    bad_status: int
    socket_errors: int
    ratio: float = math.nan


@dataclass
class Summary:
    """The medians of a page's runs over the rounds."""

    rps: float
    p50: float
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
            p99=statistics.median(run.p99 for run in runs),
            ratio=statistics.median(run.ratio for run in runs),
            requests=sum(run.requests for run in runs),
            bad_status=sum(run.bad_status for run in runs),
            socket_errors=sum(run.socket_errors for run in runs),
        )


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
    parser.add_argument("--port", type=int, default=8766, help="where gunicorn listens (8766)")
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
    # A `kill` unwinds like Ctrl-C, through the blocks that stop the server.
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
    each = (options.warmup + options.duration) * options.rounds * len(MODES)
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
            for scenario in scenarios:
                if scenario.paths:
                    (work / f"{scenario.key}.txt").write_text("\n".join(scenario.paths) + "\n")
            data[size] = facts
            print(
                f"{size:,} articles: measuring {len(scenarios)} pages, "
                f"about {max(1, round(each * len(scenarios) / 60))} min...",
                flush=True,
            )
            results[size] = {}
            for mode in MODES:
                flush_redis(options.redis)
                with serving(options, envs[mode], work / "server.log"):
                    ready = [checked(scenario, options.port) for scenario in scenarios]
                    for scenario in ready:
                        if scenario.made:
                            make_pages(scenario, options.port)
                    runs = measure(options, wrk, ready, work, f"{size:,} {mode}")
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
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
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


def recipe(size: int, seed: int) -> str:
    """How a bench database was filled, kept as its comment: it is reused only if the same.

    It names the generator's code too, so that a changed generator fills the database anew.
    """
    code = hashlib.sha256()
    for source in GENERATOR:
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

    from articles.languages import localized
    from articles.models import SEARCH_COLUMNS, Article, Category

    draw = random.Random(seed)
    samples, public_pks = {}, {}
    for language in (LANGUAGE, OTHER_LANGUAGE):
        pks = list(Article.objects.public(language).order_by("pk").values_list("pk", flat=True))
        public_pks[language] = pks
        if not pks:
            raise SystemExit(f"No public article in {language}: nothing to measure.")
        chosen = draw.sample(pks, min(len(pks), SAMPLED_ARTICLES))
        samples[language] = list(
            Article.objects.filter(pk__in=chosen).defer(*SEARCH_COLUMNS).order_by("pk")
        )
        draw.shuffle(samples[language])

    words = sorted(
        {
            word
            for article in samples[LANGUAGE]
            for word in re.findall(r"[^\W\d_]{4,}", getattr(article, localized("title", LANGUAGE)))
        }
    )
    words = draw.sample(words, min(len(words), SEARCH_WORDS))

    top = (
        Article.objects.public(LANGUAGE)
        .filter(category__isnull=False)
        .order_by()
        .values("category")
        .annotate(articles=Count("pk"))
        .order_by("-articles", "category")
        .first()
    )
    if top is None:
        raise SystemExit(f"No public article in {LANGUAGE} has a category.")
    category = Category.objects.get(pk=top["category"])

    with translation.override(LANGUAGE):
        try:
            from articles.pagination import oldest_page_url
        except ImportError:
            # Numbered pages, before keyset pagination: the last one.
            public = Article.objects.public(LANGUAGE).count()
            oldest = f"{reverse('articles:latest')}?page={max(1, math.ceil(public / 20))}"
        else:
            oldest = oldest_page_url(LANGUAGE)
        search = reverse("articles:search")
        searches = [f"{search}?{urlencode({'q': word})}" for word in words]
        feed = reverse("articles:feed")
        scenarios = [
            {"key": "floor", "label": "Floor (/healthz)", "path": "/healthz"},
            {"key": "home", "label": "Home", "path": reverse("articles:home")},
            {"key": "latest", "label": "Latest news, page 1", "path": reverse("articles:latest")},
            {"key": "oldest", "label": "Latest news, oldest page", "path": oldest},
        ]
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
    sampled = {article.pk for article in samples[LANGUAGE]}
    unread = [pk for pk in public_pks[LANGUAGE] if pk not in sampled]
    unread = draw.sample(unread, min(len(unread), FIRST_READ_ARTICLES))
    first_reads = [
        article.get_absolute_url(LANGUAGE)
        for article in Article.objects.filter(pk__in=unread).only(
            *(localized(field, LANGUAGE) for field in ("title", "body", "slug"))
        )
    ]
    draw.shuffle(first_reads)
    scenarios.append(
        {
            "key": f"article-{LANGUAGE}-first",
            "label": f"Article ({LANGUAGE}), first read",
            "path": min(first_reads, key=len),
            "paths": first_reads,
        }
    )
    # The story everyone reads during a spike: the newest one, the same page each time.
    newest = Article.objects.public(LANGUAGE).first()
    scenarios.append(
        {
            "key": "article-hot",
            "label": f"Article ({LANGUAGE}), the newest",
            "path": newest.get_absolute_url(LANGUAGE),
        }
    )
    scenarios += [
        {
            "key": "category",
            "label": "Category, page 1",
            "path": category.get_absolute_url(LANGUAGE),
        },
        {"key": "rss", "label": "RSS feed", "path": feed},
        {"key": "rss-304", "label": "RSS feed, not modified", "path": feed, "conditional": True},
        {"key": "search", "label": "Search", "path": min(searches, key=len), "paths": searches},
    ]

    return {
        "scenarios": scenarios,
        "public": {
            language: Article.objects.public(language).count()
            for language in (LANGUAGE, OTHER_LANGUAGE)
        },
        "category": {"name": str(category), "articles": top["articles"]},
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


@contextmanager
def serving(options, env: dict[str, str], log: Path) -> Iterator[None]:
    """gunicorn serving the site on options.port, in a process group of its own."""
    with socket.socket() as probe_socket:
        if probe_socket.connect_ex(("127.0.0.1", options.port)) == 0:
            raise BenchError(f"Something listens on port {options.port} already: see --port.")
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                str(Path(PYTHON).with_name("gunicorn")),
                "newsroom.wsgi",
                f"--bind=127.0.0.1:{options.port}",
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
        for _ in range(150):
            if server.poll() is not None:
                raise BenchError(f"gunicorn stopped before it answered:\n{log.read_text()[-3000:]}")
            try:
                if get(options.port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise BenchError("gunicorn did not answer /healthz within 30 seconds.")
        yield
    finally:
        stop(server)
        # Leaves out the workers' notices of the SIGTERM that stopped them.
        said = "\n".join(
            line for line in log.read_text().splitlines() if "was sent SIGTERM" not in line
        )
        if said:
            print(f"gunicorn's log (warnings and errors):\n{said[-3000:]}", file=sys.stderr)


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


def checked(scenario: Scenario, port: int) -> Scenario:
    """The scenario with its request headers, once its pages answer as expected."""
    headers = validators(scenario.path, port) if scenario.conditional else {}
    paths = (
        random.Random(0).sample(scenario.paths, min(len(scenario.paths), CHECKED_PATHS))
        if scenario.paths
        else [scenario.path]
    )
    for path in paths:
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


def make_pages(scenario: Scenario, port: int, again: bool = False) -> None:
    """Asks for each of the scenario's pages once, so that they are made before it is measured."""
    if not again:
        print(f"  Making the {len(scenario.paths):,} pages of {scenario.label}...", flush=True)
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = set(pool.map(lambda path: get(port, path)[0], scenario.paths))
    if statuses != {scenario.expected_status}:
        raise BenchError(f"{scenario.label}: some pages answered {sorted(statuses)}.")


def measure(options, wrk: str, scenarios: list[Scenario], work: Path, title: str) -> dict:
    """{key: [Run of each round]}: every page in a random order each round."""
    draw = random.Random(options.seed)
    runs = {scenario.key: [] for scenario in scenarios}
    for number in range(1, options.rounds + 1):
        order = list(scenarios)
        draw.shuffle(order)
        measured = {}
        for scenario in order:
            if scenario.conditional:
                # A revalidating client holds the page as it is now (a go-live renews it).
                scenario = replace(scenario, headers=validators(scenario.path, options.port))
            if scenario.made:
                # Read within the minute, as the scenario says (pages expire).
                make_pages(scenario, options.port, again=True)
            if options.warmup:
                load(options, wrk, scenario, work, options.warmup)
            run = measured[scenario.key] = load(options, wrk, scenario, work, options.duration)
            failed = run.bad_status + run.socket_errors
            print(
                f"  {title}, round {number}/{options.rounds}: {scenario.label:<26} "
                f"{run.rps:8.1f} req/s  p50 {run.p50:7.1f} ms  p99 {run.p99:7.1f} ms"
                + (f"  {failed} FAILED" if failed else ""),
                flush=True,
            )
        floor = measured["floor"].rps
        for key, run in measured.items():
            run.ratio = run.rps / floor if floor else math.nan
            runs[key].append(run)
    return runs


def load(options, wrk: str, scenario: Scenario, work: Path, seconds: int) -> Run:
    """Loads one page with wrk for `seconds`."""
    command = [
        wrk,
        f"--threads={options.threads}",
        f"--connections={options.connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        "--latency",
    ]
    for name, value in scenario.headers.items():
        command += ["--header", f"{name}: {value}"]
    url = f"http://127.0.0.1:{options.port}{scenario.path}"
    if scenario.paths:
        command += [
            "--script",
            str(RANDOM_PATH_SCRIPT),
            url,
            "--",
            str(work / f"{scenario.key}.txt"),
        ]
    else:
        command.append(url)
    run = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if run.returncode:
        raise BenchError(f"wrk failed on {url}:\n{run.stdout}{run.stderr}")
    # The requests wrk left queued when it stopped still take the workers' time:
    # this one is answered once they are through, so the next run starts on an idle server.
    get(options.port, "/healthz")
    try:
        return parsed(run.stdout)
    except (KeyError, TypeError) as error:
        raise BenchError(f"Unexpected report from wrk on {url}:\n{run.stdout}") from error


LATENCY_UNITS = {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}


def parsed(output: str) -> Run:
    """A Run from wrk's report (with --latency)."""
    percentiles = {
        int(percent): float(value) * LATENCY_UNITS[unit]
        for percent, value, unit in re.findall(
            r"^\s*(\d+)%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M
        )
    }
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    bad_status = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Run(
        rps=float(re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)[1]),
        p50=percentiles[50],
        p99=percentiles[99],
        requests=int(re.search(r"(\d+) requests in", output)[1]),
        bad_status=int(bad_status[1]) if bad_status else 0,
        socket_errors=sum(map(int, sockets.groups())) if sockets else 0,
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
    return {
        "Python": platform.python_version(),
        "Django": metadata.version("django"),
        "gunicorn": metadata.version("gunicorn"),
        "psycopg": metadata.version("psycopg"),
        "PostgreSQL": postgresql,
        "Redis": redis.Redis.from_url(options.redis).info("server")["redis_version"],
        "wrk": wrk_version[1] if wrk_version else "unknown",
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
    first = results[sizes[0]]
    labels = data[sizes[0]]["labels"]
    keys = list(first["uncached"])

    lines = [
        "# Benchmarks",
        "",
        "<!-- Written by `make bench` (tools/bench.py). Only the text between the notes "
        "markers is kept when it runs again. -->",
        "",
        notes,
        "",
        "## How they were measured",
        "",
        f"On {datetime.now().astimezone():%Y-%m-%d}, in {max(1, round(minutes))} min, by:",
        "",
        f"    {command_line(options)}",
        "",
        f"The site runs as in production: gunicorn with {options.workers} sync workers, "
        "DEBUG off, PostgreSQL with persistent connections, the cache in Redis. wrk loads "
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
        "The uncached site serves every page from the database, with the fragment and data "
        f"caches in Redis (`PAGE_CACHE_SECONDS=0`); the cached one keeps whole pages for "
        f"{MODES['cached']} s (`PAGE_CACHE_SECONDS={MODES['cached']}`). Redis is emptied "
        "before each. SQL queries are counted on the uncached site, in-process: on a "
        "page's first request after the cache is emptied (cold), and on the next (warm), "
        "when the caches that fill on first use are full. "
        "Each article page is asked for at random, per request: an article read again is "
        f"one of {SAMPLED_ARTICLES:,} in its language whose page was read in the last "
        "minute: each is asked for once before the measure, as readers would have, so "
        "that uncached it finds its own parts made (articles/article_pages.py), and cached "
        f"its whole page kept (a page is kept {MODES['cached']} s, and a measure comes "
        "minutes after the first reads); an article read "
        f"for the first time is one of {FIRST_READ_ARTICLES:,} others (or all there are), "
        "so that nearly every request makes its page, as the long tail of an archive does. "
        "The newest article is the one page everyone reads during a spike. Searches are "
        f"drawn from {SEARCH_WORDS} words of titles.",
        "",
        "| Machine | |",
        "| --- | --- |",
        *(f"| {name} | {value} |" for name, value in machine().items()),
        "",
        "| Software | Version |",
        "| --- | --- |",
        *(f"| {name} | {value} |" for name, value in versions(options, wrk).items()),
        "",
        "## Data",
        "",
        f"Made by `manage.py generate_archive --articles <size> --seed {options.seed}`: "
        "articles in Kazakh, Russian and English, some missing a language.",
        "",
        "| Articles | Public in kk | Public in ru | Largest category (kk) | Search words "
        "| Generated in |",
        "| ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for size in sizes:
        facts = data[size]
        lines.append(
            f"| {facts['articles']:,} | {facts['public'][LANGUAGE]:,} | "
            f"{facts['public'][OTHER_LANGUAGE]:,} | {facts['category']['name']} "
            f"({facts['category']['articles']:,}) | {len(facts['words'])} | "
            + (
                f"{facts['generated_in']:.0f} s |"
                if facts["generated_in"] is not None
                else "an earlier run |"
            )
        )
    lines += [
        "",
        "## Ratios to the floor as the archive grows",
        "",
        f"![Each page's requests per second as a share of the floor's, by archive size, "
        f"without and with the page cache]({chart.name})",
        "",
        "| Page | " + " | ".join(f"{mode} {size:,}" for mode in MODES for size in sizes) + " |",
        "| --- | " + " | ".join("---:" for _mode in MODES for _size in sizes) + " |",
    ]
    for key in keys:
        cells = [share(results[size][mode][key].ratio) for mode in MODES for size in sizes]
        lines.append(f"| {labels[key]} | " + " | ".join(cells) + " |")
    failures = []
    for size in sizes:
        lines += ["", f"## {size:,} articles"]
        for mode in MODES:
            lines += [
                "",
                f"### {MODE_TITLES[mode]}",
                "",
                "| Page | Address | Requests/s | p50 ms | p99 ms | × floor | Queries cold / warm "
                "| Failed |",
                "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            ]
            for key in keys:
                summary = results[size][mode][key]
                cold, warm = data[size]["queries"][key]
                queries = f"{cold} / {warm}" if mode == "uncached" else ""
                failed = summary.bad_status + summary.socket_errors
                lines.append(
                    f"| {labels[key]} | {data[size]['addresses'][key]} | {rate(summary.rps)} | "
                    f"{milliseconds(summary.p50)} | {milliseconds(summary.p99)} | "
                    f"{share(summary.ratio)} | {queries} | {failed} |"
                )
                if failed:
                    failures.append(
                        f"- {size:,} articles, {mode}, {labels[key]}: {summary.bad_status} "
                        f"answers other than 2xx or 3xx and {summary.socket_errors} socket "
                        f"errors in {summary.requests:,} requests."
                    )
    lines += ["", "## Failed requests", ""]
    lines += failures or ["None: every request answered 2xx or 3xx, without a socket error."]
    if load_section := LOAD_SECTION.search(previous):
        lines += ["", load_section[0]]
    report.write_text("\n".join(lines) + "\n")
    chart.write_text(ratio_chart(results, labels))


COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]


def ratio_chart(results: dict, labels: dict[str, str]) -> str:
    """An SVG bar chart of each page's ratio to the floor: a panel per mode, a bar per size."""
    sizes = list(results)
    keys = [key for key in results[sizes[0]]["uncached"] if key != "floor"]
    top = max(
        [1.0] + [results[size][mode][key].ratio for size in sizes for mode in MODES for key in keys]
    )
    # Room above the tallest bar for its label.
    top = math.ceil(top * 1.12 * 5) / 5
    panel_width, plot_height, left, gap = 440, 260, 48, 40
    plot_top, label_space = 56, 120
    width = left + len(MODES) * panel_width + (len(MODES) - 1) * gap + 16
    height = plot_top + plot_height + label_space
    group = (panel_width - 20) / len(keys)
    bar = min(18, (group - 8) / len(sizes))

    def y(ratio: float) -> float:
        return plot_top + plot_height * (1 - ratio / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="system-ui, sans-serif" font-size="12" '
        'role="img" aria-labelledby="title">',
        '<title id="title">Requests per second of each page as a share of the floor '
        "(/healthz), by archive size, without and with the page cache</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
    ]
    for index, size in enumerate(sizes):
        x = left + index * 130
        parts.append(
            f'<rect x="{x}" y="12" width="12" height="12" fill="{COLOURS[index % len(COLOURS)]}"/>'
            f'<text x="{x + 18}" y="22">{size:,} articles</text>'
        )
    for panel, mode in enumerate(MODES):
        origin = left + panel * (panel_width + gap)
        parts.append(
            f'<text x="{origin + panel_width / 2}" y="{plot_top - 12}" text-anchor="middle" '
            f'font-weight="bold">{escape(MODE_TITLES[mode])}</text>'
        )
        steps = round(top / 0.2)
        for step in range(steps + 1):
            ratio = step * 0.2
            parts.append(
                f'<line x1="{origin}" x2="{origin + panel_width}" y1="{y(ratio):.1f}" '
                f'y2="{y(ratio):.1f}" stroke="#ddd"/>'
                f'<text x="{origin - 6}" y="{y(ratio) + 4:.1f}" text-anchor="end">'
                f"{ratio:.1f}</text>"
            )
        parts.append(
            f'<line x1="{origin}" x2="{origin + panel_width}" y1="{y(1):.1f}" y2="{y(1):.1f}" '
            'stroke="#555" stroke-dasharray="4 3"/>'
            f'<text x="{origin + panel_width - 2}" y="{y(1) - 4:.1f}" text-anchor="end" '
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
            f'<line x1="{origin}" x2="{origin + panel_width}" y1="{y(0):.1f}" y2="{y(0):.1f}" '
            'stroke="#333"/>'
        )
    parts.append(
        f'<text transform="translate(14 {plot_top + plot_height / 2}) rotate(-90)" '
        'text-anchor="middle">× floor</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    sys.exit(main())
