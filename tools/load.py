"""Readers and editors at once: the public pages under load while editors publish and edit.

`make load` runs this. It serves a generated archive as in production
(gunicorn with sync workers, DEBUG off, PostgreSQL with persistent
connections, the cache and whole pages in Redis) and, for --duration seconds:

- wrk asks for the home page, the latest news and random article pages,
  one path drawn at random per request (tools/bench_random_path.lua);
- --editors editors sign in to the admin through its login form (their password,
  then their authenticator app's code), each in a session of their own, and
  edit articles through the change form (title and lead), publish new ones,
  and now and then race another editor on the same article: both open it,
  then both save at once;
- a reader watches the latest news for each article published.

Then it checks that no reader and no editor request failed, that every save
accepted is in the article's history, in order, and the last one is the
article as it stands, that of the saves based on one version at most one was
accepted (the others refused with the conflict message), and that every
article published showed on the latest news; it writes the figures into
docs/benchmarks.md between the load markers, and exits 1 if a check failed.

The archive is generated once into newsroom_load_<size>, kept for the next
run like the benchmark's databases; each run works on a fresh copy of it,
newsroom_load. --restart-postgres COMMAND restarts PostgreSQL half-way
through by running COMMAND: the site must then recover by itself.

    .venv/bin/python tools/load.py [--articles 10000] [--duration 60] [--editors 4]

Needs wrk, PostgreSQL and Redis.
"""

import argparse
import http.client
import os
import random
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django_otp.oath import hotp
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
# For tools.bench, and for Django in this process (the checks read the database).
sys.path.insert(0, str(ROOT))

from tools.bench import (  # noqa: E402
    MISSING_WRK,
    BenchError,
    Scenario,
    display,
    drop_database,
    environment,
    flush_redis,
    load,
    machine,
    manage,
    milliseconds,
    postgres,
    prepare_database,
    rate,
    serving,
    versions,
)

RUN_DATABASE = "newsroom_load"
LANGUAGE = "kk"
SAMPLED_ARTICLES = 2000
# Articles each editor edits alone, and how many articles the races share.
OWN_ARTICLES = 40
PAUSE = 0.2  # seconds an editor waits between two pieces of work
# Each piece of work: publish a new article, race another editor, or edit alone.
PUBLISH_SHARE, RACE_SHARE = 0.2, 0.2
# How long after the load an article published may take to show on the latest news.
FRESHNESS_LIMIT = 30
LOAD_SECTION = re.compile(r"<!-- load -->.*?<!-- /load -->", re.S)
CONFLICT = "Someone else saved this article while you were editing it."
PASSWORD = secrets.token_urlsafe(16)
# The secret of every editor's authenticator app in this run.
AUTHENTICATOR_KEY = secrets.token_hex(20)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="in the archive (10000)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (60)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of readers first (5)")
    parser.add_argument("--editors", type=int, default=4, help="editors at work (4)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--seed", type=int, default=1, help="for the archive and every draw (1)")
    parser.add_argument("--port", type=int, default=8767, help="where gunicorn listens (8767)")
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432",
        help="the PostgreSQL server, without a database name",
    )
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/10", help="a Redis database for this only"
    )
    parser.add_argument(
        "--restart-postgres",
        metavar="COMMAND",
        help="a command that restarts PostgreSQL, run half-way through (split as a shell would,"
        " run without one: e.g. 'pg_ctlcluster 15 main restart')",
    )
    parser.add_argument(
        "--output", type=Path, default=ROOT / "docs" / "benchmarks.md", help="the report"
    )
    options = parser.parse_args()
    if options.editors < 2:
        parser.error("--editors: at least 2, to race each other.")
    return options


def main() -> int:
    options = arguments()
    wrk = shutil.which("wrk")
    if wrk is None:
        print(MISSING_WRK, file=sys.stderr)
        return 1
    # A `kill` unwinds like Ctrl-C, through the blocks that stop the server.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    work = Path(tempfile.mkdtemp(prefix="newsroom-load-"))
    try:
        outcome = run(options, wrk, work)
    except BenchError as error:
        print(f"Load test failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted: nothing written.", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = report(options, wrk, outcome)
    write_section(options.output, lines)
    print("\n".join(lines[2:-1]))
    print(f"\nWrote the load section of {display(options.output)}.")
    return 0 if all(passed for _check, passed, _detail in outcome.checks) else 1


# What happened: the records each part of the run keeps.


@dataclass
class Save:
    """An editor's save of an article's change form."""

    editor: int
    article_id: int
    title: str
    based_on: int
    outcome: str = ""  # accepted, refused (a conflict) or failed
    answered_at: float = 0.0
    race: int | None = None


@dataclass
class Publication:
    title: str
    answered_at: float
    seen_at: float | None = None


@dataclass
class Desk:
    """Everything the editors and the watcher did, shared by their threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    saves: list[Save] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)
    durations: list[float] = field(default_factory=list)  # of every editor request, seconds
    failures: list[tuple[float, str]] = field(default_factory=list)  # (when, what)
    reader_failures: list[tuple[float, str]] = field(default_factory=list)  # the watcher's
    sign_ins: int = 0
    races: int = 0

    def note(self, **records) -> None:
        with self.lock:
            for name, record in records.items():
                getattr(self, name).append(record)

    def failed(self, what: str) -> None:
        self.note(failures=(time.monotonic(), what))


@dataclass
class Outcome:
    readers: object  # tools.bench.Run
    desk: Desk
    restart: dict | None
    checks: list[tuple[str, bool, str]]
    facts: dict


# The editors: browsers that sign in and post the admin's forms.


@dataclass
class Answer:
    status: int
    location: str
    text: str


class Browser:
    """HTTP with cookies, as a browser sends it: every request is timed and failures noted."""

    def __init__(self, port: int, desk: Desk, reader: bool = False):
        self.port = port
        self.desk = desk
        self.reader = reader  # a reader's requests are not timed with the editors'
        self.cookies: dict[str, str] = {}

    def failed(self, what: str) -> None:
        self.desk.note(
            **{"reader_failures" if self.reader else "failures": (time.monotonic(), what)}
        )

    def request(self, method: str, path: str, fields=None) -> Answer | None:
        headers = {"Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        except OSError as error:
            self.failed(f"{method} {path}: {error}")
            return None
        finally:
            connection.close()
        if not self.reader:
            self.desk.note(durations=time.monotonic() - started)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.status >= 500:
            self.failed(f"{method} {path}: {response.status}")
        return Answer(response.status, response.headers.get("Location", ""), text)

    def form(self, path: str, form_id: str) -> list[tuple[str, str]] | None:
        """The fields of the page's form, as a browser would send them unchanged."""
        answer = self.request("GET", path)
        if answer is None or answer.status != 200:
            if answer is not None and answer.status < 500:
                self.failed(f"GET {path}: {answer.status}")
            return None
        reader = FormReader(form_id)
        reader.feed(answer.text)
        if not reader.fields:
            self.failed(f"GET {path}: no form {form_id}")
            return None
        return reader.fields

    def sign_in(self, username: str) -> bool:
        """The password, then the code the editor's app shows."""
        fields = self.form("/admin/login/", "login-form")
        if fields is None:
            return False
        fields = changed(fields, username=username, password=PASSWORD)
        answer = self.request("POST", "/admin/login/?next=/admin/", fields)
        if answer is None or answer.status != 302 or "/sign-in/code/" not in answer.location:
            self.failed(f"password step of {username}: {answer and answer.status}")
            return False
        code_page = answer.location
        fields = self.form(code_page, "code-form")
        if fields is None:
            return False
        fields = changed(fields, code=AUTHENTICATORS.code(username))
        answer = self.request("POST", code_page, fields)
        if answer is None or answer.status != 302 or "sessionid" not in self.cookies:
            self.failed(f"code step of {username}: {answer and answer.status}")
            return False
        with self.desk.lock:
            self.desk.sign_ins += 1
        return True


class Authenticators:
    """The editors' apps: the code each shows now. An editor signed in twice within one
    30-second step gives the next step's code the second time: each code works once, and the
    server accepts a code one step ahead (a phone's clock running fast)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.last_step: dict[str, int] = {}

    def code(self, username: str) -> str:
        with self.lock:
            step = max(int(time.time()) // 30, self.last_step.get(username, -1) + 1)
            self.last_step[username] = step
        return f"{hotp(bytes.fromhex(AUTHENTICATOR_KEY), step):06d}"


AUTHENTICATORS = Authenticators()


class FormReader(HTMLParser):
    """The fields a browser would submit from the form with the given id."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.textarea: tuple[str, list[str]] | None = None
        self.select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
            return
        name = attributes.get("name")
        if not self.inside or "disabled" in attributes:
            return
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self.fields.append((name, attributes.get("value") or "on"))
                return
            self.fields.append((name, attributes.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea = (name, [])
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attributes, "chosen": []}
        elif tag == "option" and self.select is not None:
            value = attributes.get("value") or ""
            self.select.setdefault("first", value)
            if "selected" in attributes:
                self.select["chosen"].append(value)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            name, parts = self.textarea
            # A newline right after <textarea> is not part of the text.
            self.fields.append((name, "".join(parts).removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"]
            if not chosen and not self.select["multiple"] and "first" in self.select:
                chosen = [self.select["first"]]
            self.fields.extend((self.select["name"], value) for value in chosen)
            self.select = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1].append(data)


def changed(fields: list[tuple[str, str]], **values: str) -> list[tuple[str, str]]:
    """The fields with some values replaced (or added)."""
    kept = [(name, value) for name, value in fields if name not in values]
    return kept + list(values.items())


def value_of(fields: list[tuple[str, str]], name: str) -> str:
    return next((value for found, value in fields if found == name), "")


def change_path(article_id: int) -> str:
    return f"/admin/articles/article/{article_id}/change/"


class Editor(threading.Thread):
    """An editor at work until `deadline`, with a second session to race another editor."""

    def __init__(self, number: int, site: "Site", desk: Desk, deadline: float, seed: int):
        super().__init__(name=f"editor-{number}", daemon=True)
        self.number = number
        self.site = site
        self.desk = desk
        self.deadline = deadline
        self.draw = random.Random(seed * 1000 + number)
        self.own = site.own_articles[number]
        self.done = 0

    def run(self):
        me = Browser(self.site.port, self.desk)
        rival = Browser(self.site.port, self.desk)
        editors = self.site.editors
        if not (me.sign_in(editors[self.number]) and rival.sign_in(editors[self.number - 1])):
            return
        while time.monotonic() < self.deadline:
            self.done += 1
            choice = self.draw.random()
            if choice < PUBLISH_SHARE:
                self.publish(me)
            elif choice < PUBLISH_SHARE + RACE_SHARE:
                self.race(me, rival, self.draw.choice(self.site.shared_articles))
            else:
                self.edit(me, self.draw.choice(self.own))
            time.sleep(PAUSE)

    def title(self, kind: str) -> str:
        return f"{kind} {self.number + 1}.{self.done}"

    def opened(self, browser: Browser, article_id: int, title: str) -> tuple[list, Save] | None:
        """The article's change form, opened, with a new title and lead typed in."""
        fields = browser.form(change_path(article_id), "article_form")
        if fields is None:
            return None
        based_on = int(value_of(fields, "based_on_version") or 0)
        fields = changed(fields, title_kk=title, lead_kk=f"Жаңартылған лид: {title}.", _save="Save")
        return fields, Save(self.number, article_id, title, based_on)

    def save(self, browser: Browser, fields: list, save: Save) -> None:
        answer = browser.request("POST", change_path(save.article_id), fields)
        save.answered_at = time.monotonic()
        if answer is not None and answer.status == 302:
            save.outcome = "accepted"
        elif answer is not None and answer.status == 200 and CONFLICT in answer.text:
            save.outcome = "refused"
        else:
            save.outcome = "failed"
            if answer is not None and answer.status < 500:
                errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', answer.text, re.S)
                self.desk.failed(f"save of {save.article_id}: {answer.status} {errors[:2]}")
        self.desk.note(saves=save)

    def edit(self, browser: Browser, article_id: int) -> None:
        if opened := self.opened(browser, article_id, self.title("Түзетілген тақырып")):
            self.save(browser, *opened)

    def race(self, me: Browser, rival: Browser, article_id: int) -> None:
        """Both sessions open the article, then both save at once."""
        title = self.title("Жарыстағы тақырып")
        first = self.opened(me, article_id, title)
        second = self.opened(rival, article_id, f"{title} (екінші)")
        if first is None or second is None:
            return
        with self.desk.lock:
            self.desk.races += 1
            first[1].race = second[1].race = self.desk.races
        start = threading.Barrier(2)

        def save(browser, opened):
            start.wait()
            self.save(browser, *opened)

        other = threading.Thread(target=save, args=(rival, second), daemon=True)
        other.start()
        save(me, first)
        other.join()

    def publish(self, browser: Browser) -> None:
        fields = browser.form("/admin/articles/article/add/", "article_form")
        if fields is None:
            return
        title = self.title("Жүктеме жаңалығы")
        fields = changed(
            fields,
            title_kk=title,
            lead_kk=f"Жаңалықтың лиді: {title}.",
            body_kk=f"<p>Жаңалықтың мәтіні: {title}.</p>",
            status="published",
            _save="Save",
        )
        answer = browser.request("POST", "/admin/articles/article/add/", fields)
        if answer is not None and answer.status == 302:
            self.desk.note(publications=Publication(title, time.monotonic()))
        elif answer is not None and answer.status < 500:
            self.desk.failed(f"publishing {title}: {answer.status}")


def watch_latest(site: "Site", desk: Desk, editors_done: threading.Event) -> None:
    """Reads the latest news over and over, noting when each article published shows."""
    reader = Browser(site.port, desk, reader=True)
    give_up = None
    while True:
        with desk.lock:
            waiting = [item for item in desk.publications if item.seen_at is None]
        if editors_done.is_set():
            give_up = give_up or time.monotonic() + FRESHNESS_LIMIT
            if not waiting or time.monotonic() > give_up:
                return
        answer = reader.request("GET", site.latest)
        if answer is not None and answer.status == 200:
            seen = time.monotonic()
            for item in waiting:
                if item.title in answer.text:
                    item.seen_at = seen
        time.sleep(0.05)


# The site: its database, its editors, and the pages the readers ask for.


@dataclass
class Site:
    port: int
    editors: list[str]
    own_articles: list[list[int]]
    shared_articles: list[int]
    home: str
    latest: str
    article_paths: list[str]


def set_up_site(options, env: dict[str, str]) -> Site:
    """Django in this process, on the run's database: the editors' accounts and the pages."""
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import translation
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from articles.models import Article

    editors = [f"load-editor-{number}" for number in range(1, options.editors + 1)]
    for name in editors:
        editor = get_user_model().objects.create_superuser(name, f"{name}@example.com", PASSWORD)
        TOTPDevice.objects.create(
            user=editor, name="authenticator", key=AUTHENTICATOR_KEY, confirmed=True
        )
    draw = random.Random(options.seed)
    public = list(Article.objects.public(LANGUAGE).order_by("pk").values_list("pk", flat=True))
    shared = max(1, options.editors // 2)
    wanted = options.editors * OWN_ARTICLES + shared
    if len(public) < wanted + 1:
        raise BenchError(f"{len(public)} public articles in {LANGUAGE}: {wanted + 1} needed.")
    chosen = draw.sample(public, wanted)
    read = draw.sample(public, min(len(public), SAMPLED_ARTICLES))
    with translation.override(LANGUAGE):
        home, latest = reverse("articles:home"), reverse("articles:latest")
        paths = [
            article.get_absolute_url(LANGUAGE) for article in Article.objects.filter(pk__in=read)
        ]
    return Site(
        port=options.port,
        editors=editors,
        own_articles=[
            chosen[shared + number * OWN_ARTICLES :][:OWN_ARTICLES]
            for number in range(options.editors)
        ],
        shared_articles=chosen[:shared],
        home=home,
        latest=latest,
        article_paths=paths,
    )


def copy_database(options, template: str, database: str) -> None:
    drop_database(options, database)
    with postgres(options) as connection:
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(database), sql.Identifier(template)
            )
        )


# The run.


def run(options, wrk: str, work: Path) -> Outcome:
    secret_key = secrets.token_urlsafe(50)
    static_root = work / "static"
    print("Collecting static files...", flush=True)
    manage(
        ["collectstatic", "--no-input", "-v", "0"],
        environment(options, secret_key, static_root, "postgres"),
    )
    template = f"newsroom_load_{options.articles}"
    facts = prepare_database(
        options, options.articles, template, environment(options, secret_key, static_root, template)
    )
    copy_database(options, template, RUN_DATABASE)
    # Whole pages in Redis, as production runs with REDIS_URL; cookies over plain http.
    env = environment(options, secret_key, static_root, RUN_DATABASE, page_cache_seconds=60)
    env["SECURE_COOKIES"] = "0"
    flush_redis(options.redis)
    site = set_up_site(options, env)
    paths = [line for path in site.article_paths for line in (path, site.home, site.latest)]
    (work / "readers.txt").write_text("\n".join(paths) + "\n")
    readers = Scenario(
        key="readers",
        label="Home, latest news and articles",
        path=site.home,
        paths=tuple(paths),
    )
    desk = Desk()
    restart = None
    try:
        with serving(options, env, work / "server.log"):
            for path in (site.home, site.latest, site.article_paths[0]):
                answer = Browser(options.port, Desk()).request("GET", path)
                if answer is None or answer.status != 200:
                    raise BenchError(f"{path} does not answer 200 before the load.")
            if options.warmup:
                print(f"Readers alone for {options.warmup} s...", flush=True)
                load(options, wrk, readers, work, options.warmup)
            print(
                f"Readers and {options.editors} editors for {options.duration} s"
                + (", PostgreSQL restarted half-way" if options.restart_postgres else "")
                + "...",
                flush=True,
            )
            started = time.monotonic()
            deadline = started + options.duration
            measured = {}
            # Daemons, all of them: an interrupted run ends without waiting for them.
            wrk_thread = threading.Thread(
                target=lambda: measured.update(
                    run=load(options, wrk, readers, work, options.duration)
                ),
                daemon=True,
            )
            wrk_thread.start()
            editors = [
                Editor(number, site, desk, deadline, options.seed)
                for number in range(options.editors)
            ]
            for editor in editors:
                editor.start()
            stop_watching = threading.Event()
            watcher = threading.Thread(
                target=watch_latest, args=(site, desk, stop_watching), daemon=True
            )
            watcher.start()
            if options.restart_postgres:
                time.sleep(options.duration / 2)
                restart = restart_postgres(options, site, work / "restart.log")
            for editor in editors:
                editor.join()
            stop_watching.set()
            watcher.join()
            wrk_thread.join()
            if "run" not in measured:
                raise BenchError("wrk did not report.")
    finally:
        flush_redis(options.redis)
    facts["articles_read"] = len(site.article_paths)
    checks = verify(options, desk, measured["run"], restart)
    return Outcome(measured["run"], desk, restart, checks, facts)


def restart_postgres(options, site: Site, log: Path) -> dict:
    """Runs the restart command, then notes when the site answers from the database again."""
    began = time.monotonic()
    # To a file, not a pipe: a server the command starts keeps its output open.
    with log.open("w") as output:
        # Its words, as a shell would split them, but no shell: nothing in it is run but it.
        done = subprocess.run(
            shlex.split(options.restart_postgres), stdout=output, stderr=subprocess.STDOUT
        )
    restarted = time.monotonic()
    if done.returncode:
        raise BenchError(f"{options.restart_postgres} failed:\n{log.read_text()[-3000:]}")
    probe = Browser(site.port, Desk())
    # The search is never cached: its answer comes from the database.
    while time.monotonic() - restarted < 60:
        answer = probe.request("GET", f"/{LANGUAGE}/search/?q=probe{secrets.token_hex(3)}")
        if answer is not None and answer.status == 200:
            break
        time.sleep(0.05)
    else:
        return {"began": began, "restarted": restarted, "recovered": None}
    return {"began": began, "restarted": restarted, "recovered": time.monotonic()}


# The checks.


def verify(options, desk: Desk, readers, restart: dict | None) -> list[tuple[str, bool, str]]:
    from django.db import connections
    from reversion.models import Version

    from articles.models import Article

    connections.close_all()  # this process's connection may have met the restart
    window = (restart["began"], (restart["recovered"] or time.monotonic()) + 1) if restart else None

    def in_restart(moment: float) -> bool:
        return window is not None and window[0] <= moment <= window[1]

    checks = []
    reader_failures = [what for moment, what in desk.reader_failures if not in_restart(moment)]
    reader_errors = readers.bad_status + readers.socket_errors
    if restart:
        recovered = restart["recovered"]
        checks.append(
            (
                "The site answered from the database again after PostgreSQL restarted, "
                "without a restart of its own",
                recovered is not None,
                f"{recovered - restart['restarted']:.1f} s after the restart command returned"
                if recovered
                else "not within 60 s",
            )
        )
        # wrk does not tell when its requests failed; the watcher's requests are timed.
        checks.append(
            (
                "No request of the reader watching the latest news failed outside the restart",
                not reader_failures,
                f"{'; '.join(reader_failures[:5]) or 'none'} (wrk's readers: {reader_errors} "
                "failed, at times it does not tell)",
            )
        )
    else:
        checks.append(
            (
                "No reader request failed",
                reader_errors == 0 and not reader_failures,
                f"{readers.bad_status} answers other than 2xx or 3xx, "
                f"{readers.socket_errors} socket errors"
                + (f"; the watcher's: {reader_failures[:5]}" if reader_failures else ""),
            )
        )
    failures = [what for moment, what in desk.failures if not in_restart(moment)]
    checks.append(
        (
            "No editor request failed" + (" outside the restart" if restart else ""),
            not failures and desk.sign_ins == 2 * options.editors,
            f"{desk.sign_ins} sign-ins; " + ("; ".join(failures[:5]) or "no failure"),
        )
    )
    failed_saves = [save for save in desk.saves if save.outcome == "failed"]
    uncertain = {save.article_id for save in failed_saves if in_restart(save.answered_at)}

    by_article: dict[int, list[Save]] = {}
    for save in desk.saves:
        by_article.setdefault(save.article_id, []).append(save)
    lost, doubled, wrong_history = [], [], []
    for article_id, saves in sorted(by_article.items()):
        accepted = sorted(
            (save for save in saves if save.outcome == "accepted"), key=lambda s: s.based_on
        )
        bases = [save.based_on for save in accepted]
        if len(bases) != len(set(bases)):
            doubled.append(article_id)
        article = Article.objects.get(pk=article_id)
        history = [
            version.field_dict.get("title_kk")
            for version in Version.objects.get_for_object(article).order_by("pk")
        ]
        titles = [save.title for save in accepted]
        refused = {save.title for save in saves if save.outcome == "refused"}
        if [title for title in history if title in set(titles)] != titles or refused & set(history):
            wrong_history.append(article_id)
        if article_id in uncertain:
            continue  # a save cut by the restart may or may not have been made
        if accepted and (
            article.title_kk != accepted[-1].title or article.edit_version != bases[-1] + 1
        ):
            lost.append(article_id)
    accepted = sum(save.outcome == "accepted" for save in desk.saves)
    refused = sum(save.outcome == "refused" for save in desk.saves)
    checks.append(
        (
            "Every accepted save is the article as it stands, or a later accepted one is",
            not lost,
            f"{accepted} accepted on {len(by_article)} articles"
            + (f"; wrong: {lost[:10]}" if lost else ""),
        )
    )
    checks.append(
        (
            "Of the saves based on one version, at most one was accepted",
            not doubled,
            f"{refused} refused with the conflict message"
            + (f"; doubled on {doubled[:10]}" if doubled else ""),
        )
    )
    checks.append(
        (
            "The history holds every accepted save, in order, and no refused one",
            not wrong_history,
            f"wrong on {wrong_history[:10]}" if wrong_history else "yes",
        )
    )
    unseen = [item.title for item in desk.publications if item.seen_at is None]
    missing = [
        item.title
        for item in desk.publications
        if not Article.objects.public(LANGUAGE).filter(title_kk=item.title).exists()
    ]
    checks.append(
        (
            "Every article published is public and showed on the latest news",
            not unseen and not missing,
            f"{len(desk.publications)} published"
            + (f"; never seen: {unseen[:5]}" if unseen else "")
            + (f"; not public: {missing[:5]}" if missing else ""),
        )
    )
    return checks


# The report.


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def command_line(options) -> str:
    arguments = [
        ".venv/bin/python",
        "tools/load.py",
        *("--articles", str(options.articles), "--duration", str(options.duration)),
        *("--warmup", str(options.warmup), "--editors", str(options.editors)),
        *("--threads", str(options.threads), "--connections", str(options.connections)),
        *("--workers", str(options.workers), "--seed", str(options.seed)),
    ]
    if options.restart_postgres:
        arguments += ["--restart-postgres", options.restart_postgres]
    return shlex.join(arguments)


def report(options, wrk: str, outcome: Outcome) -> list[str]:
    desk, readers = outcome.desk, outcome.readers
    durations = [seconds * 1000 for seconds in desk.durations]
    freshness = [
        (item.seen_at - item.answered_at) * 1000
        for item in desk.publications
        if item.seen_at is not None
    ]
    races = {}
    for save in desk.saves:
        if save.race is not None:
            races.setdefault(save.race, []).append(save.outcome)
    one_accepted = sum(outcomes.count("accepted") == 1 for outcomes in races.values())
    none_accepted = sum(outcomes.count("accepted") == 0 for outcomes in races.values())
    outcomes = {
        kind: sum(save.outcome == kind for save in desk.saves)
        for kind in ("accepted", "refused", "failed")
    }
    lines = [
        "<!-- load -->",
        "",
        "## Readers and editors at once",
        "",
        "<!-- Written by `make load` (tools/load.py). -->",
        "",
        f"On {datetime.now().astimezone():%Y-%m-%d}, by:",
        "",
        f"    {command_line(options)}",
        "",
        f"The site runs as in production: gunicorn with {options.workers} sync workers, DEBUG "
        "off, PostgreSQL with persistent connections, the cache and whole pages in Redis "
        f"(60 s), on a copy of an archive of {options.articles:,} generated articles. For "
        f"{options.duration} s, after {options.warmup} s of readers alone, wrk asks over "
        f"loopback with {options.threads} threads and {options.connections} connections for "
        f"the home page, the latest news and {outcome.facts['articles_read']:,} article pages, "
        "a third each, one drawn at random per request, while "
        f"{options.editors} editors, each signed in through the admin's login form, edit "
        f"titles and leads through the change form of articles of their own ({OWN_ARTICLES} "
        "each), publish new articles (a fifth of their work) and race another editor on an "
        "article they share (a fifth): both open it, both save at once. A reader watches the "
        "latest news for each article "
        "published: its freshness runs from the publishing answer to the first latest-news "
        "page that shows it (that page's own time included)."
        + (" PostgreSQL is restarted half-way through." if options.restart_postgres else ""),
        "",
        "| Readers | |",
        "| --- | ---: |",
        f"| Requests/s | {rate(readers.rps)} |",
        f"| p50 ms | {milliseconds(readers.p50)} |",
        f"| p99 ms | {milliseconds(readers.p99)} |",
        f"| Requests | {readers.requests:,} |",
        f"| Failed (not 2xx or 3xx, or a socket error) | "
        f"{readers.bad_status + readers.socket_errors} |",
        "",
        "| Editors | |",
        "| --- | ---: |",
        f"| Sign-ins | {desk.sign_ins} |",
        f"| Requests | {len(durations):,} |",
        f"| p50 / p99 ms | {milliseconds(percentile(durations, 0.5))} / "
        f"{milliseconds(percentile(durations, 0.99))} |",
        f"| Saves accepted | {outcomes['accepted']} |",
        f"| Saves refused with the conflict message | {outcomes['refused']} |",
        f"| Saves failed | {outcomes['failed']} |",
        f"| Races: one save accepted / none (a third editor saved first) | "
        f"{one_accepted} / {none_accepted} |",
        f"| Articles published | {len(desk.publications)} |",
        f"| On the latest news after, p50 / max ms | "
        f"{milliseconds(percentile(freshness, 0.5))} / "
        f"{milliseconds(max(freshness, default=float('nan')))} |",
        f"| Requests failed | {len(desk.failures)} |",
    ]
    if outcome.restart:
        restart = outcome.restart
        lines += [
            f"| PostgreSQL restart took, s | {restart['restarted'] - restart['began']:.1f} |",
        ]
    lines += [
        "",
        "| Check | Passed | |",
        "| --- | --- | --- |",
        *(
            f"| {check} | {'yes' if passed else '**no**'} | {detail} |"
            for check, passed, detail in outcome.checks
        ),
        "",
        "| Machine | |",
        "| --- | --- |",
        *(f"| {name} | {value} |" for name, value in machine().items()),
        *(f"| {name} | {value} |" for name, value in versions(options, wrk).items()),
        "",
        "<!-- /load -->",
    ]
    return lines


def write_section(output: Path, lines: list[str]) -> None:
    """Replaces the text between the load markers of `output`, or adds them at its end."""
    section = "\n".join(lines)
    previous = output.read_text() if output.exists() else ""
    if LOAD_SECTION.search(previous):
        text = LOAD_SECTION.sub(lambda _match: section, previous)
    else:
        text = previous.rstrip("\n") + ("\n\n" if previous else "") + section + "\n"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
