"""HTTP caching of public pages and feeds: validators, 304s, and whole pages in the cache.

Every public page and feed is the same for every reader, so:

- it carries an ETag and a Last-Modified time made from the content version
  (articles.content_version) and the most-read generation, and a
  Cache-Control that lets a CDN keep it briefly and revalidate it;
- a conditional request whose ETag is current is answered 304 from one
  cache read, before Django resolves the address or touches the database;
- with PAGE_CACHE_SECONDS set (on by default with Redis), the whole answer
  is kept in the cache, keyed by address and content version, for that
  many seconds: a change to the content makes every cached page stale at
  once. Each process also keeps the pages it served last in its own
  memory, so a page read often costs that one small cache read and no more.

Only anonymous GET requests to a language's pages take this path: anyone
carrying a session cookie (editors) always gets a freshly made page.
"""

import contextvars
import hashlib
import os
import time
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from articles import content_version, pagination, popularity
from articles.languages import EDITIONS
from articles.process_memory import ProcessMemory

PREFIXES = tuple(f"/{code}/" for code in EDITIONS)
# The only query parameters that change a page; any other is ignored (and not a new cache entry).
PAGE_PARAMETERS = tuple(sorted(pagination.PARAMETERS))
# What a view returns to have its answer treated as public (see public_page()).
PUBLIC = "_newsroom_public_page"
RANKED, UNRANKED = "ranked", "unranked"
# The most-read generation, read with the content version at the start of the request.
_request_ranking: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "ranking_generation", default=None
)
# On a cache hit, the article whose read is counted (most-read lists).
COUNTS_VIEW_OF = "_newsroom_counts_view_of"
# Pages kept in each process's memory too (articles.process_memory), up to this many bytes.
KEPT_PAGE_BYTES = 32 * 1024 * 1024
_kept_pages = ProcessMemory(capacity=KEPT_PAGE_BYTES, weight=lambda entry: len(entry[3]))


def release() -> str:
    """This code's identity: a deploy makes new ETags and cache entries.

    RELEASE in the environment (a commit id, say) names it; otherwise the
    newest modification time among the code and templates does, the same in
    every process of one installation.
    """
    if configured := os.environ.get("RELEASE"):
        return configured
    base = Path(settings.BASE_DIR)
    newest = max(
        (
            path.stat().st_mtime_ns
            for folder in ("articles", "newsroom", "templates", "locale")
            for path in (base / folder).rglob("*")
            if path.is_file()
        ),
        default=0,
    )
    return hashlib.blake2b(str(newest).encode(), digest_size=4).hexdigest()


RELEASE = release()


def public_page(view=None, *, ranked: bool = False):
    """Mark the view's 200 answers as the same for every reader.

    `ranked`: the page shows most-read lists, so its validators change with
    the rankings too; others (lists, feeds) keep theirs while readers read.
    """
    if view is None:
        return lambda view: public_page(view, ranked=ranked)

    @wraps(view)
    def marked(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            setattr(response, PUBLIC, RANKED if ranked else UNRANKED)
        return response

    return marked


def ranking_generation() -> int:
    """The most-read generation, as read once by this request (or from the cache)."""
    generation = _request_ranking.get()
    return cache.get(popularity.RANKING_GENERATION, 0) if generation is None else generation


def counts_view(response: HttpResponse, article_id: int, language: str) -> None:
    """Note on `response` that serving it from the cache counts a read of the article."""
    setattr(response, COUNTS_VIEW_OF, (article_id, language))


class PageCacheMiddleware:
    """Answers 304s and cached pages first; marks and keeps what views produce."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_cacheable(request):
            response = self.get_response(request)
            if getattr(response, PUBLIC, False):
                # Fresh for whoever asked (an editor): never kept by a browser or CDN.
                patch_cache_control(response, private=True, no_cache=True)
            return response

        found = cache.get_many([content_version.KEY, popularity.RANKING_GENERATION])
        version = content_version.from_cache(found.get(content_version.KEY))
        ranking = found.get(popularity.RANKING_GENERATION, 0)
        validators = {
            UNRANKED: (f'W/"{RELEASE}-{version.token}"', int(version.changed_at)),
            RANKED: (
                f'W/"{RELEASE}-{version.token}-{ranking}"',
                int(max(version.changed_at, ranking / 1e9)),
            ),
        }
        # A client's ETag names the kind of page it came from; a date alone
        # must be later than both kinds of change.
        asked = (
            validators.values() if "HTTP_IF_NONE_MATCH" in request.META else [validators[RANKED]]
        )
        if any(is_not_modified(request, *pair) for pair in asked):
            response = HttpResponseNotModified()
            etag = request.META.get("HTTP_IF_NONE_MATCH", "")
            kind = UNRANKED if validators[UNRANKED][0] in etag else RANKED
            add_validators(response, *validators[kind])
            return response

        key = entry_key(request, version)
        if settings.PAGE_CACHE_SECONDS and (entry := kept_entry(key)) is not None:
            return from_entry(entry)

        reset = _request_ranking.set(ranking)
        try:
            with content_version.RequestScope(version):
                response = self.get_response(request)
        finally:
            _request_ranking.reset(reset)
        kind = getattr(response, PUBLIC, None)
        if kind is not None:
            add_validators(response, *validators[kind])
            if settings.PAGE_CACHE_SECONDS and can_keep(response):
                keep(key, response)
        return response


def is_cacheable(request: HttpRequest) -> bool:
    if request.method != "GET" or not request.path.startswith(PREFIXES):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
        return False
    try:
        request.get_host()  # an unknown host gets Django's 400, never a cached page
    except DisallowedHost:
        return False
    return True


def entry_key(request: HttpRequest, version: content_version.Version) -> str:
    """The page's key: its address, in this version of the content."""
    params = [(name, request.GET.get(name, "")) for name in PAGE_PARAMETERS if name in request.GET]
    return version.key("page", request.get_host(), request.path, params)


def forget_in_process() -> None:
    """Drop this process's own copies of pages (tests do, between tests)."""
    _kept_pages.clear()


def kept_entry(key: str) -> tuple | None:
    """The page kept under `key` and still fresh: from this process's memory, or the cache."""
    entry = _kept_pages.get(key)
    if entry is None or is_stale(entry):
        # A stale copy here is passed over: the cache may hold the page made since.
        entry = cache.get(key)
        if entry is None or is_stale(entry):
            return None
        _kept_pages.put(key, entry)
    return entry


def is_stale(entry: tuple) -> bool:
    """The cache drops a page after PAGE_CACHE_SECONDS; this process's copy must not outlive it."""
    made_at = entry[0]
    return time.time() - made_at >= settings.PAGE_CACHE_SECONDS


def is_not_modified(request: HttpRequest, etag: str, last_modified: int) -> bool:
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        # Weak comparison, as for GET: W/"x" matches "x".
        current = etag.removeprefix("W/")
        return any(tag.removeprefix("W/") == current for tag in parse_etags(if_none_match))
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and last_modified <= since


def add_validators(response: HttpResponse, etag: str, last_modified: int) -> None:
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)
    # Browsers revalidate each time (a cheap 304); a CDN keeps the page briefly
    # and may serve it a little longer while it fetches the new one.
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=settings.CDN_MAX_AGE,
        stale_while_revalidate=settings.CDN_STALE_WHILE_REVALIDATE,
    )


def can_keep(response: HttpResponse) -> bool:
    """Only a complete answer that is the same for everyone, whatever their cookies."""
    vary = response.headers.get("Vary", "").lower()
    return (
        not response.streaming
        and not response.cookies
        and "cookie" not in vary
        and "accept-language" not in vary
    )


def keep(key: str, response: HttpResponse) -> None:
    headers = tuple(response.headers.items())
    entry = (
        time.time(),
        response.status_code,
        headers,
        response.content,
        getattr(response, COUNTS_VIEW_OF, None),
    )
    cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
    _kept_pages.put(key, entry)  # in place of a stale copy, if this process had one


def from_entry(entry: tuple) -> HttpResponse:
    _made_at, status, headers, content, view_of = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response.headers[name] = value
    if view_of is not None:
        popularity.record_view(*view_of)
    return response
