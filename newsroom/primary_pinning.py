"""Read-your-writes: which requests may read from the database replica.

A replica lags the primary by a moment, so a request reads from it only when
nobody making it can have just written: a safe method, no session cookie (no
one signed in), no pin cookie, a view that is neither the admin nor a
preview (editors open previews of what they just saved, signed in or not),
and no content saved within the lag (what is made now is cached until the
next change, so it must be made from the primary).
An unsafe request sets the pin cookie, which keeps the client on the primary
for REPLICA_LAG_SECONDS: an editor who publishes and opens the public page
sees the change. Deciding costs no query and no session load.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed

from articles.caching import generation
from newsroom import routers

PIN_COOKIE = "newsroom_primary"
# When content was last saved (committed): a replica may not have it yet.
WRITTEN_AT_KEY = "content-written-at"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
PRIMARY_NAMESPACES = frozenset({"admin"})
PRIMARY_VIEWS = frozenset({"article-preview"})


class PrimaryPinningMiddleware:
    def __init__(self, get_response):
        if not routers.has_replica():
            raise MiddlewareNotUsed
        self.get_response = get_response
        generation.content_committed.connect(
            note_content_written, weak=False, dispatch_uid="primary_pinning.content_committed"
        )

    def __call__(self, request):
        with routers.read_from_primary():
            response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            lag = settings.REPLICA_LAG_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                # Until when, checked too: a client that keeps the cookie longer gains nothing.
                str(math.ceil(time.time() + lag)),
                max_age=lag,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if may_read_from_replica(request):
            routers.allow_replica_reads()


def may_read_from_replica(request) -> bool:
    match = request.resolver_match
    return (
        request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not is_pinned(request)
        and not PRIMARY_NAMESPACES.intersection(match.namespaces)
        and match.view_name not in PRIMARY_VIEWS
        # Pages made now are kept for the new content generation: right after a save they
        # are made from the primary, so none is kept without the change.
        and not is_settling()
    )


def note_content_written(**kwargs) -> None:
    """Content was saved (committed): for REPLICA_LAG_SECONDS pages are made from the primary."""
    cache.set(WRITTEN_AT_KEY, time.time(), settings.REPLICA_LAG_SECONDS)


def is_settling() -> bool:
    return time.time() - cache.get(WRITTEN_AT_KEY, 0.0) < settings.REPLICA_LAG_SECONDS


def is_pinned(request) -> bool:
    try:
        return int(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False
