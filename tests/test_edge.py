"""The edge cache: the project's VCL (deploy/varnish/newsroom.vcl) in a real Varnish.

Each test starts a varnishd of its own (Debian's varnish and varnish-modules:
`make system-packages` installs them) on a free port in front of the live
server, points the site's EDGE_CACHE_URLS at it, and stops it by its process
id at the end. Readers and editors then go through it as in production, and
the site's own purges reach it as they would there.
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.signals import request_started
from django.test import Client
from django.utils import timezone

from articles import workflow
from articles.models import Article
from articles.public.preview import preview_path
from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article, make_category

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Debian installs varnishd in /usr/sbin, which a user's PATH may leave out.
VARNISHD = shutil.which("varnishd", path=f"{os.environ.get('PATH', '')}{os.pathsep}/usr/sbin")
VARNISHADM = shutil.which("varnishadm")
VCL = Path(__file__).resolve().parent.parent / "deploy" / "varnish" / "newsroom.vcl"
# How long an edit made through the ORM or the desk may take to show through the edge.
EDIT_SHOWS_WITHIN = 2.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def vcl_in_front_of(port: int) -> str:
    """The project's VCL with its backend on `port`: the one line an operator edits for gunicorn."""
    vcl, replaced = re.subn(
        r'^(\s*\.port = )"\d+";', rf'\g<1>"{port}";', VCL.read_text(), flags=re.MULTILINE
    )
    assert replaced == 1, f"{VCL} should name one backend port"
    return vcl


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Message
    text: str

    @property
    def cache(self) -> str:
        """HIT or MISS: whether the edge answered from what it keeps."""
        return self.headers["X-Cache"]


class Varnish:
    """A varnishd of the test's own on a free port, with the project's VCL in front of `backend`."""

    def __init__(self, directory: Path, backend: int):
        directory.mkdir()
        self.directory = directory
        self.port = free_port()
        self.vcl = directory / "newsroom.vcl"
        self.vcl.write_text(vcl_in_front_of(backend))
        self.log = directory / "varnishd.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [VARNISHD, "-F", "-a", f"127.0.0.1:{self.port}", "-f", str(self.vcl)]
                # Its working files here; as whoever runs the tests (as root, varnishd would
                # otherwise switch to a user that cannot enter pytest's temporary directory);
                # its management port on any free port (varnishadm finds it through -n).
                + ["-n", str(self.directory / "work"), "-j", "none", "-T", "127.0.0.1:0"]
                # Small: a few pages, a few readers.
                + ["-s", "malloc,32m", "-l", "2m", "-p", "thread_pools=1"]
                + ["-p", "thread_pool_min=5"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        # Up once it answers through to the application (the health check is never kept).
        deadline = time.monotonic() + 30
        while True:
            try:
                if self.request("GET", "/healthz").status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"varnishd did not start:\n{self.log.read_text()}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop it by its process id; its manager takes its cache process down with it."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def set_backend_health(self, health: str) -> None:
        """`sick` as if the health probe found the site down; `auto` as the probe finds it."""
        command = [VARNISHADM, "-n", str(self.directory / "work")]
        subprocess.run(
            [*command, "backend.set_health", "default", health], check=True, capture_output=True
        )

    def request(
        self, method: str, path: str, headers=None, body=None, source: str = "127.0.0.1"
    ) -> Answer:
        """One request on a connection of its own, from `source` (any address of the loopback)."""
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=10, source_address=(source, 0)
        )
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read().decode())
        finally:
            connection.close()

    def get(self, path: str, **headers: str) -> Answer:
        """A GET; header names as keyword arguments, with underscores for dashes."""
        return self.request("GET", path, {name.replace("_", "-"): v for name, v in headers.items()})

    def purge(self, keys: str, source: str = "127.0.0.1", **headers: str) -> Answer:
        """What the site sends: PURGE / with the keys (articles.caching.edge)."""
        headers = {"xkey-purge": keys, **{name.replace("_", "-"): v for name, v in headers.items()}}
        return self.request("PURGE", "/", headers, source=source)


@pytest.fixture
def edge(live_server, settings, tmp_path):
    """A Varnish in front of the live server, purged by the site."""
    if VARNISHD is None:
        pytest.fail(
            "varnishd is not installed: these tests run a Varnish of their own. "
            "`make system-packages` installs it (tools/system_packages.sh)."
        )
    varnish = Varnish(tmp_path / "varnish", backend=urlsplit(live_server.url).port)
    settings.EDGE_CACHE_URLS = [varnish.url]
    varnish.start()
    yield varnish
    varnish.stop()


class SiteRequests(Counter):
    """How many requests for each address the edge passed on to the site, and their cookies."""

    def __init__(self):
        super().__init__()
        self.cookies: list[str | None] = []

    def record(self, sender, environ, **kwargs) -> None:
        if "HTTP_X_VARNISH" in environ:  # from the edge: not its health probe, not a test client
            query = environ.get("QUERY_STRING")
            self[environ["PATH_INFO"] + (f"?{query}" if query else "")] += 1
            self.cookies.append(environ.get("HTTP_COOKIE"))


@pytest.fixture
def app_requests():
    requests = SiteRequests()
    request_started.connect(requests.record, dispatch_uid="test-edge-app-requests")
    yield requests
    request_started.disconnect(dispatch_uid="test-edge-app-requests")


@pytest.fixture
def editor(edge):
    """A chief editor's browser going through the edge. (The role groups come from a migration,
    and the flush after a transactional test empties them.)"""
    return EditorThroughTheEdge(edge, make_user(superuser=True))


def kept(edge: Varnish, path: str) -> Answer:
    """Read `path` twice: the second read must come from what the edge keeps."""
    edge.get(path)
    again = edge.get(path)
    assert again.cache == "HIT", f"{path} was not kept: {dict(again.headers)}"
    return again


def eventually(condition, within: float) -> bool:
    """Whether `condition()` comes true within `within` seconds, asked every 50 ms."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def shows_within(edge: Varnish, path: str, text: str, seconds: float) -> bool:
    return eventually(lambda: text in edge.get(path).text, seconds)


class EditorThroughTheEdge:
    """A signed-in editor's browser going through the edge: it keeps and sends its cookies."""

    def __init__(self, edge: Varnish, user):
        self.edge = edge
        session = signed_in(Client(), user).cookies[django_settings.SESSION_COOKIE_NAME]
        self.cookies = {django_settings.SESSION_COOKIE_NAME: session.value}

    def request(self, method: str, path: str, data: dict | None = None) -> Answer:
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        answer = self.edge.request(method, path, headers, body)
        for line in answer.headers.get_all("Set-Cookie") or ():
            self.cookies.update({name: m.value for name, m in SimpleCookie(line).items()})
        return answer

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def submit(self, path: str, data: dict) -> Answer:
        """Open the form at `path` and post `data` back with its CSRF token, as a browser would."""
        form = self.get(path)
        assert form.status == 200, form.status
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": token})


# Kept, and answered by the edge


def test_a_public_page_read_again_is_answered_by_the_edge_without_asking_the_site(
    edge, app_requests
):
    article = make_article(title_en="Harvest begins early")
    for path in ("/en/", "/en/news/", article.get_absolute_url("en"), "/en/rss/"):
        first = edge.get(path)
        assert first.status == 200, path
        assert first.cache == "MISS", path
        again = edge.get(path)
        assert again.cache == "HIT", path
        assert int(again.headers["Age"]) >= 0
        assert again.text == first.text
        assert app_requests[path] == 1, path
        # For the edge alone: clients and CDNs get Cache-Control, and no keys.
        assert "Surrogate-Control" not in again.headers
        assert "xkey" not in again.headers
        assert "s-maxage=" in again.headers["Cache-Control"]


def test_cookies_other_than_a_session_or_pinning_do_not_split_the_edges_pages(edge, app_requests):
    path = make_article().get_absolute_url("en")
    assert edge.get(path, Cookie="csrftoken=abc; _ga=GA1.2.3").cache == "MISS"
    assert edge.get(path).cache == "HIT"
    assert edge.get(path, Cookie="_ga=GA1.2.4").cache == "HIT"
    assert app_requests[path] == 1
    assert app_requests.cookies == [None]


def test_a_readers_conditional_request_is_answered_by_the_edge(edge, app_requests):
    path = make_article().get_absolute_url("en")
    page = kept(edge, path)
    assert page.headers["ETag"].startswith('W/"')

    assert edge.get(path, If_None_Match=page.headers["ETag"]).status == 304
    assert edge.get(path, If_Modified_Since=page.headers["Last-Modified"]).status == 304
    assert edge.get(path, If_None_Match='W/"another"').status == 200
    assert app_requests[path] == 1


# Changes show through the edge


def test_an_edit_saved_through_the_orm_shows_through_the_edge_within_two_seconds(edge):
    article = make_article(title_en="Fire in Almaty")
    paths = ("/en/", "/en/news/", article.get_absolute_url("en"), "/en/rss/")
    for path in paths:
        assert "Fire in Almaty" in kept(edge, path).text

    article.title_en = "Fire in Astana"
    article.save()

    # The slug follows the title: the old address now redirects to the new one.
    moved = article.get_absolute_url("en")
    assert moved != paths[2]
    assert eventually(lambda: edge.get(paths[2]).status == 301, EDIT_SHOWS_WITHIN)
    assert edge.get(paths[2]).headers["Location"].endswith(moved)
    for path in (*paths[:2], moved, *paths[3:]):
        assert shows_within(edge, path, "Fire in Astana", EDIT_SHOWS_WITHIN), path
        assert "Fire in Almaty" not in edge.get(path).text


def test_an_edit_saved_at_the_desk_through_the_edge_shows_within_two_seconds(
    edge, editor, app_requests
):
    article = make_article(title_en="Budget passed")
    page = article.get_absolute_url("en")
    kept(edge, page)
    kept(edge, "/en/news/")

    saved = editor.submit(change_url(article), change_form_data(article, title_en="Budget vetoed"))

    assert saved.status == 302, saved.text
    assert saved.cache == "MISS"
    article.refresh_from_db()
    for path in (article.get_absolute_url("en"), "/en/news/"):
        assert shows_within(edge, path, "Budget vetoed", EDIT_SHOWS_WITHIN), path
    # The form and the post both reached the site: nothing at the desk is kept.
    assert app_requests[change_url(article)] == 2


def test_a_published_article_shows_through_the_edge_at_once(edge):
    draft = make_article(status=Article.Status.DRAFT, published_at=None, title_en="Flood warning")
    make_article(title_en="Yesterday's news")
    for path in ("/en/", "/en/news/"):
        assert "Flood warning" not in kept(edge, path).text
    assert edge.get(draft.get_absolute_url("en")).status == 404

    workflow.article_publish(draft, None)

    for path in ("/en/", "/en/news/", "/en/rss/"):
        assert "Flood warning" in edge.get(path).text, path
    assert edge.get(draft.get_absolute_url("en")).status == 200


def test_a_withdrawn_article_leaves_the_edge_at_once(edge):
    article = make_article(title_en="Wrong figures")
    page = article.get_absolute_url("en")
    kept(edge, page)
    for path in ("/en/", "/en/news/"):
        assert "Wrong figures" in kept(edge, path).text

    workflow.article_withdraw(article, None, reason="The figures were wrong.")

    assert edge.get(page).status == 404
    for path in ("/en/", "/en/news/"):
        assert "Wrong figures" not in edge.get(path).text, path


def test_a_renamed_category_shows_through_the_edge_at_once(edge):
    category = make_category(name_en="Economy")
    article = make_article(category=category)
    pages = ("/en/", "/en/news/", article.get_absolute_url("en"))
    for path in (*pages, category.get_absolute_url("en")):
        assert "Economy" in kept(edge, path).text, path
    old_address = category.get_absolute_url("en")

    category.name_en = "Economy and markets"
    category.save()

    # Its slug follows the name; the old address redirects to the new one.
    assert edge.get(old_address).headers["Location"].endswith(category.get_absolute_url("en"))
    for path in (*pages, category.get_absolute_url("en")):
        assert "Economy and markets" in edge.get(path).text, path


def test_a_scheduled_go_live_shows_through_the_edge_on_time(edge):
    make_article(title_en="Already out")
    goes_live = timezone.now() + timedelta(seconds=3)
    scheduled = make_article(title_en="Embargoed report", published_at=goes_live)
    latest = kept(edge, "/en/news/")
    assert "Already out" in latest.text
    assert "Embargoed report" not in latest.text

    def live_at_the_edge() -> bool:
        shown = "Embargoed report" in edge.get("/en/news/").text
        assert not shown or timezone.now() >= goes_live, "shown before its time"
        return shown

    assert eventually(live_at_the_edge, within=(goes_live - timezone.now()).total_seconds() + 1.5)
    assert edge.get(scheduled.get_absolute_url("en")).status == 200


def test_a_page_past_its_time_is_made_afresh_for_the_next_reader_while_the_site_is_up(
    edge, settings
):
    """Grace (a stale page served while a new one is fetched) is for when the site is down."""
    settings.EDGE_MAX_AGE = 2
    article = make_article(title_en="Fire in Almaty")
    kept(edge, "/en/news/")
    settings.EDGE_CACHE_URLS = []  # the edge is not told of this edit
    article.title_en = "Fire in Astana"
    article.save()
    assert "Fire in Almaty" in edge.get("/en/news/").text

    time.sleep(2.1)

    answer = edge.get("/en/news/")
    assert answer.cache == "MISS"
    assert "Fire in Astana" in answer.text


def test_kept_pages_are_served_past_their_time_only_while_the_site_is_down(edge, settings):
    settings.EDGE_MAX_AGE = 1
    make_article(title_en="Harvest begins early")
    kept(edge, "/en/news/")
    edge.set_backend_health("sick")
    time.sleep(1.1)

    stale = edge.get("/en/news/")
    assert stale.status == 200
    assert stale.cache == "HIT"
    assert int(stale.headers["Age"]) >= 1
    assert "Harvest begins early" in stale.text

    edge.set_backend_health("auto")
    assert edge.get("/en/news/").cache == "MISS"


# Never kept


@pytest.mark.parametrize(
    "kind",
    ["desk", "preview", "search", "health check"],
)
def test_the_desk_previews_search_and_the_health_check_are_never_kept(edge, app_requests, kind):
    article = make_article(title_en="Quarterly figures")
    path = {
        "desk": "/admin/login/",
        "preview": preview_path(article, "en"),
        "search": "/en/search/?q=figures",
        "health check": "/healthz",
    }[kind]
    for _ in range(3):
        answer = edge.get(path)
        assert answer.status == 200, answer.text
        assert answer.cache == "MISS"
    assert app_requests[path] == 3

    if kind in ("preview", "search"):
        assert "revised" not in answer.text
        article.title_en = "Quarterly figures revised"
        article.save()
        assert "revised" in edge.get(path).text


def test_a_signed_in_editors_requests_are_never_kept(edge, editor, app_requests):
    article = make_article(title_en="Budget passed")
    page = article.get_absolute_url("en")
    kept(edge, page)  # by and for readers

    for path in (page, "/admin/", change_url(article)):
        for _ in range(2):
            answer = editor.get(path)
            assert answer.status == 200, path
            assert answer.cache == "MISS", path
    assert app_requests[page] == 1 + 2
    assert "private" in editor.get(page).headers["Cache-Control"]


@pytest.mark.parametrize(
    "headers",
    [{"Cookie": "newsroom_primary=1; csrftoken=abc"}, {"Authorization": "Basic ZWQ6cHc="}],
    ids=["pinned to the primary", "authorization"],
)
def test_a_reader_pinned_to_the_primary_or_with_credentials_gets_a_page_made_for_them(
    edge, app_requests, headers
):
    path = make_article().get_absolute_url("en")
    kept(edge, path)
    for _ in range(2):
        assert edge.request("GET", path, headers).cache == "MISS"
    assert app_requests[path] == 1 + 2


def test_the_root_redirects_each_reader_by_their_language_and_is_not_kept(edge):
    for language in ("en", "ru", "en"):
        answer = edge.get("/", Accept_Language=language)
        assert answer.status == 302
        assert answer.headers["Location"] == f"/{language}/"
        assert answer.cache == "MISS"


def test_a_page_the_site_lets_the_edge_keep_for_no_time_is_not_kept(edge, app_requests, settings):
    settings.EDGE_MAX_AGE = 0
    assert Client().get("/en/news/")["Surrogate-Control"] == "max-age=0"
    for _ in range(3):
        answer = edge.get("/en/news/")
        assert answer.status == 200
        assert answer.cache == "MISS"
    assert app_requests["/en/news/"] == 3


# Purging


def test_a_purge_drops_every_page_carrying_any_of_its_keys_and_says_how_many(edge):
    first, second, other = make_article(), make_article(), make_article()
    pages = [article.get_absolute_url("en") for article in (first, second, other)]
    for path in pages:
        kept(edge, path)

    answer = edge.purge(f"article-{first.pk} article-{second.pk}")

    assert answer.status == 200
    assert int(answer.text.split()[-1]) == 2
    assert [edge.get(path).cache for path in pages] == ["MISS", "MISS", "HIT"]


def test_a_purge_from_outside_the_acl_is_refused_and_drops_nothing(edge):
    article = make_article()
    page = article.get_absolute_url("en")
    kept(edge, page)

    # Another address of the loopback: not this machine's 127.0.0.1 that the ACL lets in.
    assert edge.purge(f"article-{article.pk}", source="127.0.0.2").status == 405
    # Nor a purge relayed by the TLS proxy in front, which names its client.
    assert edge.purge(f"article-{article.pk}", X_Real_IP="203.0.113.7").status == 405
    assert edge.get(page).cache == "HIT"
