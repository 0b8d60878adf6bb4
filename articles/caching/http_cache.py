"""HTTP caching of public pages and feeds: validators and 304s, headers for caches, whole pages.

Every public page and feed is the same for every reader, so `public_page`:
- gives it an ETag and a Last-Modified time from the content generation
  (articles.caching.generation), and answers 304 to a client that has it, through
  Django's own `condition` (before the view makes anything);
- tells browsers to revalidate every time (`max-age=0`), a CDN it may keep it
  briefly (`s-maxage`), and the edge cache in front (deploy/varnish) how long
  it may keep it (`Surrogate-Control`), never past the next scheduled change,
  and what the page shows (articles.caching.edge's surrogate keys, which are purged
  when that changes).

With PAGE_CACHE_SECONDS set (on by default with Redis), PageCacheMiddleware
also keeps each public page whole under its address, with the generation it
was made in, in the shared cache and in the process's memory: a page read
again is answered from memory, until anything changes or PAGE_CACHE_SECONDS
pass. The home page, which shows
most-read lists (`ranked`), is kept with the rankings it was made with too:
lists that move (at most once a minute, articles.public.popularity) make it
anew. An article page shows one beside the article (`aside`): kept whole, it
lags new rankings until PAGE_CACHE_SECONDS pass.

Why not Django's cache middleware or cache_page: they key pages by the full
address (every junk query string and host name a new entry), take how long to
keep a page from its max-age (ours is 0, for browsers to revalidate) and
rewrite it, cannot leave out signed-in editors without `Vary: Cookie`, and
have a fixed key prefix, so a new generation could not retire their pages.

Signed-in editors (a session cookie) always get a fresh page that nobody keeps.
"""

import hashlib
import time
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import DisallowedHost
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, urlencode
from django.views.decorators.http import condition

from articles.caching import edge, generation
from articles.editions.languages import EDITIONS

PREFIXES = tuple(f"/{code}/" for code in EDITIONS)
# The only query parameters that change a page (a list's keyset page: public/pagination.py);
# any other is ignored, and no new cache entry.
PAGE_PARAMETERS = ("after", "before", "oldest")
# Sent when a kept page that counts a read is served: (article id, language) as `read`.
kept_page_read = Signal()
# Set by public_page on the answers it may let caches keep: "ranked" or "unranked".
PUBLIC = "_newsroom_public"
# On a page kept whole, the article whose read serving it counts (most-read lists).
COUNTS_VIEW_OF = "_newsroom_counts_view_of"
RANKED, RANKED_ASIDE, UNRANKED = "ranked", "ranked-aside", "unranked"


def is_signed_in(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META


def etag(ranked: bool) -> str:
    made = f"{settings.RELEASE}-{generation.current().token}"
    return f'W/"{made}-{generation.ranking_generation()}"' if ranked else f'W/"{made}"'


def last_modified(ranked: bool) -> float:
    changed_at = generation.current().changed_at
    return max(changed_at, generation.ranking_generation() / 1e9) if ranked else changed_at


def public_page(view=None, *, ranked: bool = False, aside: bool = False):
    """Mark the view's answers as the same for every reader (see the module's docstring).

    `ranked`: the page shows most-read lists, so its validators change with the
    rankings too; others (lists, feeds) keep theirs while readers read.
    `aside`: its most-read list is beside what the page is about (an article's):
    a page kept whole is served through new rankings until PAGE_CACHE_SECONDS
    pass, as a most-read list may lag that long, rather than every page of the
    site being made anew each time a top five moves. The home page, whose lists
    are part of what it is, is made anew at once.
    """
    if view is None:
        return lambda view: public_page(view, ranked=ranked, aside=aside)
    kind = (RANKED_ASIDE if aside else RANKED) if ranked else UNRANKED

    def etag_of(request, *args, **kwargs) -> str:
        return etag(ranked)

    def modified(request, *args, **kwargs):
        from datetime import UTC, datetime

        return datetime.fromtimestamp(int(last_modified(ranked)), tz=UTC)

    validated = condition(etag_func=etag_of, last_modified_func=modified)(view)

    @wraps(view)
    def public(request, *args, **kwargs):
        if is_signed_in(request):
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                # Fresh for whoever asked (an editor): never kept by a browser, a CDN or us.
                patch_cache_control(response, private=True, no_cache=True)
            return response
        with edge.Collecting() as keys:
            response = validated(request, *args, **kwargs)
        if response.status_code in (200, 304):
            setattr(response, PUBLIC, kind)
            add_cache_headers(response, keys, ranked)
        return response

    return public


def add_cache_headers(response: HttpResponse, keys: set[str], ranked: bool) -> None:
    from django.utils import translation

    # Browsers revalidate each time (a cheap 304); a CDN keeps the page briefly and may
    # serve it a little longer while it fetches the new one.
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=settings.CDN_MAX_AGE,
        stale_while_revalidate=settings.CDN_STALE_WHILE_REVALIDATE,
    )
    response.headers["Surrogate-Control"] = f"max-age={edge_max_age(ranked)}"
    response.headers[edge.HEADER] = edge.header_value(keys, translation.get_language())


def edge_max_age(ranked: bool) -> int:
    """How long the edge may keep a page: purged on change, never past a scheduled one."""
    limit = settings.EDGE_MAX_AGE
    if ranked:  # most-read lists change as readers read, with no purge
        limit = min(limit, settings.EDGE_RANKED_MAX_AGE)
    if (left := generation.current().seconds_left(time.time())) is not None:
        limit = min(limit, int(left))
    return max(0, limit)


def counts_view(response: HttpResponse, article_id: int, language: str) -> None:
    """Note on `response` that serving it from the page cache counts a read of the article."""
    setattr(response, COUNTS_VIEW_OF, (article_id, language))


# Whole pages


@dataclass(frozen=True)
class KeptPage:
    """A page as kept: the answer, and what it was made with."""

    token: str  # the generation it was made in
    ranking: int | None  # the most-read generation, for a ranked page
    made_at: float
    status: int
    headers: tuple
    content: bytes
    view_of: tuple | None  # the article whose read serving it counts (counts_view())

    def is_current(self, token: str, ranking: int) -> bool:
        """Made in this generation (and rankings), and not older than pages are kept: the
        cache's own expiry runs on its clock, not this one."""
        age = time.time() - self.made_at
        return (
            self.token == token
            and self.ranking in (None, ranking)
            and age < settings.PAGE_CACHE_SECONDS
        )

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response.headers[name] = value
        if self.view_of is not None:
            kept_page_read.send(sender=KeptPage, read=self.view_of)
        return response


class PageCacheMiddleware:
    """Answers a public page kept whole for this generation; keeps what public views make.

    Early in the stack: a kept page costs no session, locale or URL
    resolution, and usually no round trip to Redis either (the generation is
    known in the process until Redis says it changed, and the page is kept
    in the process's memory as well as in Redis). Every request to the
    public site reads the generation once here, so all of a page's parts
    agree on it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_public_request(request):
            return self.get_response(request)
        address = page_key(request) if settings.PAGE_CACHE_SECONDS else None
        current, ranking = generation.shared()
        if address and (kept := kept_page(address, current.token, ranking)):
            return answer_kept(request, kept)
        with generation.RequestScope(current), generation.RankingScope(ranking):
            response = self.get_response(request)
        kind = getattr(response, PUBLIC, None)
        if address and kind and can_keep(response):
            keep(address, response, current.token, ranking if kind == RANKED else None)
        return response


def is_public_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or not request.path.startswith(PREFIXES):
        return False
    if is_signed_in(request):
        return False
    try:
        request.get_host()  # an unknown host gets Django's 400, never a kept page
    except DisallowedHost:
        return False
    return True


def page_key(request: HttpRequest) -> str:
    """Where the page at this address is kept (made in whichever generation)."""
    params = [(name, request.GET.get(name, "")) for name in PAGE_PARAMETERS if name in request.GET]
    # A digest: any address makes a short key of safe characters, whatever the cache.
    address = hashlib.blake2b(f"{request.path}?{urlencode(params)}".encode(), digest_size=16)
    return f"page:{settings.RELEASE}:{address.hexdigest()}"


def kept_page(address: str, token: str, ranking: int) -> KeptPage | None:
    """The page kept at `address` for this generation: from this process's memory (the
    "pages" cache), else from the shared cache, and then in this process's memory too."""
    kept = caches["pages"].get(address)
    if kept is not None and kept.is_current(token, ranking):
        return kept
    kept = cache.get(address)
    if kept is not None and kept.is_current(token, ranking):
        caches["pages"].set(address, kept, settings.PAGE_CACHE_SECONDS)
        return kept
    return None


def answer_kept(request: HttpRequest, kept: KeptPage) -> HttpResponse:
    response = kept.response()
    not_modified = get_conditional_response(
        request,
        etag=response.headers.get("ETag"),
        last_modified=parse_last_modified(response),
        response=response,
    )
    return not_modified


def parse_last_modified(response: HttpResponse) -> Any:
    from django.utils.http import parse_http_date_safe

    return parse_http_date_safe(response.headers.get("Last-Modified", ""))


def can_keep(response: HttpResponse) -> bool:
    """Only a complete answer that is the same for everyone, whatever their cookies."""
    vary = response.headers.get("Vary", "").lower()
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in vary
        and "accept-language" not in vary
    )


def keep(address: str, response: HttpResponse, token: str, ranking: int | None) -> None:
    page = KeptPage(
        token=token,
        ranking=ranking,
        made_at=time.time(),
        status=response.status_code,
        headers=tuple(response.headers.items()),
        content=response.content,
        view_of=getattr(response, COUNTS_VIEW_OF, None),
    )
    cache.set(address, page, settings.PAGE_CACHE_SECONDS)
    caches["pages"].set(address, page, settings.PAGE_CACHE_SECONDS)


__all__ = ["PageCacheMiddleware", "counts_view", "http_date", "public_page"]
