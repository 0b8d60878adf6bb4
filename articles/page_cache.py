"""HTTP caching of public pages and feeds: validators, 304s, and whole pages in the cache.

Every public page and feed is the same for every reader, so:

- it carries an ETag and a Last-Modified time made from the content version
  (articles.content_version) and the most-read generation, and a
  Cache-Control that lets a CDN keep it briefly and revalidate it;
- a conditional request whose ETag is current is answered 304 from one
  cache read, before Django resolves the address or touches the database;
- with PAGE_CACHE_SECONDS set (on by default with Redis), the whole answer
  is kept in the cache under its address, with the content version it was
  made in, for that many seconds: a change to the content makes every
  cached page stale at once. The page is fetched in the same round trip as
  the version, and each process also keeps the pages it served last in its
  own memory, so a page costs one small cache read, or one larger one; or
  none, within settings.CONTENT_RECHECK_SECONDS of the last read of the
  version (content_version.recent()).

Only anonymous GET requests to a language's pages take this path: anyone
carrying a session cookie (editors) always gets a freshly made page.
"""

import contextvars
import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, get_resolver
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from articles import content_version, pagination, popularity
from articles.languages import EDITIONS
from articles.process_memory import ProcessMemory
from articles.release import RELEASE

PREFIXES = tuple(f"/{code}/" for code in EDITIONS)
# The only query parameters that change a page; any other is ignored (and not a new cache entry).
PAGE_PARAMETERS = tuple(sorted(pagination.PARAMETERS))
# The public site's addresses without their language prefix, and its article pages' names.
_ARTICLE_URLS = get_resolver("articles.urls")
ARTICLE_PAGES = ("article", "article-short")
# What a view returns to have its answer treated as public (see public_page()).
PUBLIC = "_newsroom_public_page"
RANKED, UNRANKED = "ranked", "unranked"
# The most-read generation, read with the content version at the start of the request.
_request_ranking: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "ranking_generation", default=None
)
# On a cache hit, the article whose read is counted (most-read lists).
COUNTS_VIEW_OF = "_newsroom_counts_view_of"
# Pages kept in each process's memory too (articles.process_memory), up to PAGE_MEMORY_MB.
_kept_pages = ProcessMemory(
    capacity=settings.PAGE_MEMORY_MB * 1024 * 1024, weight=lambda entry: len(entry.content)
)


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

        address = address_key(request) if settings.PAGE_CACHE_SECONDS else None
        kept = _kept_pages.get(address) if address else None
        if kept is not None and not is_conditional(request):
            # Asked the cache for the version within the last moment: no round trip.
            version = content_version.recent()
            if version is not None and kept.is_current(version):
                return kept.response()
        # One round trip: the version, the rankings and, unless this process has it, the
        # page and, on an article's page, the stamps its own parts are kept under.
        wanted = [content_version.KEY, popularity.RANKING_GENERATION]
        article = None
        if kept is None:
            if address:
                wanted.append(address)
            # Only if the page may have to be made: finding the article costs a URL lookup.
            if (article := article_of(request.path)) is not None:
                wanted += content_version.stamp_keys(article)
        found = cache.get_many(wanted)
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

        if address and (page := current_page(address, kept, found, version)) is not None:
            return page.response()

        reset = _request_ranking.set(ranking)
        try:
            stamps = (
                None if article is None else content_version.stamps_fetched(article, found, version)
            )
            with content_version.RequestScope(version, stamps):
                response = self.get_response(request)
        finally:
            _request_ranking.reset(reset)
        kind = getattr(response, PUBLIC, None)
        if kind is not None:
            add_validators(response, *validators[kind])
            if address and can_keep(response):
                keep(address, response, version)
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


def article_of(path: str) -> int | None:
    """The article whose page `path` is (its language prefix aside), if it is one."""
    _language, _slash, rest = path[1:].partition("/")
    try:
        match = _ARTICLE_URLS.resolve("/" + rest)
    except Resolver404:
        return None
    return match.kwargs["pk"] if match.url_name in ARTICLE_PAGES else None


def address_key(request: HttpRequest) -> str:
    """Where the page at this address is kept (whatever the version it was made in)."""
    params = [(name, request.GET.get(name, "")) for name in PAGE_PARAMETERS if name in request.GET]
    parts = (request.get_host(), request.path, params)
    return f"page:{RELEASE}:{content_version.digest(parts)}"


def forget_in_process() -> None:
    """Drop this process's own copies of pages (tests do, between tests)."""
    _kept_pages.clear()


@dataclass(frozen=True)
class KeptPage:
    """A page as kept: the answer, and the version and the time it was made in."""

    token: str
    made_at: float
    status: int
    headers: tuple
    content: bytes
    view_of: tuple | None  # the article whose read serving it counts (counts_view())

    def is_current(self, version: content_version.Version) -> bool:
        """Made in this version, and not older than the cache keeps pages (nor may a copy)."""
        age = time.time() - self.made_at
        return self.token == version.token and age < settings.PAGE_CACHE_SECONDS

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response.headers[name] = value
        if self.view_of is not None:
            popularity.record_view(*self.view_of)
        return response


def current_page(
    address: str, kept: KeptPage | None, found: dict, version: content_version.Version
) -> KeptPage | None:
    """The page at `address` made in `version`: this process's copy, else the cache's."""
    if kept is not None:
        if kept.is_current(version):
            return kept
        # This copy is out of date, but the cache may hold the page made since.
        found = {address: cache.get(address)}
    page = found.get(address)
    if page is None or not page.is_current(version):
        return None
    _kept_pages.put(address, page)
    return page


def is_conditional(request: HttpRequest) -> bool:
    return "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META


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


def keep(address: str, response: HttpResponse, version: content_version.Version) -> None:
    page = KeptPage(
        token=version.token,
        made_at=time.time(),
        status=response.status_code,
        headers=tuple(response.headers.items()),
        content=response.content,
        view_of=getattr(response, COUNTS_VIEW_OF, None),
    )
    cache.set(address, page, settings.PAGE_CACHE_SECONDS)
    _kept_pages.put(address, page)  # in place of an out-of-date copy, if this process had one
