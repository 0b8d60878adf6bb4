"""Staff sessions that end: after STAFF_IDLE_MINUTES without use, or when signed out everywhere.

Django's own sessions (in the database) carry two times of ours: when the
session signed in, and when its person last used the desk. Signing someone
out everywhere stores one time per user (SessionRevocation): every session
that signed in before it is over at its next request. That is one indexed
read per request, with no search through every session. (Changing the
password already ends the other sessions: Django checks the password's hash.)

newsroom.accounts.middleware applies both rules to each request; what counts
as use is decided there.
"""

import time
from datetime import UTC, datetime
from enum import StrEnum

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from newsroom.accounts.models import SessionRevocation

SIGNED_IN_AT = "accounts:signed_in_at"
USED_AT = "accounts:used_at"
# Use is written into the session at most once a minute, not on every request.
USE_RESOLUTION_SECONDS = 60


class Ending(StrEnum):
    """Why a session ended, for the audit log and the message shown at the next sign-in."""

    IDLE = "idle"
    SIGNED_OUT_EVERYWHERE = "signed out everywhere"
    LOCKED_OUT = "locked out"


def idle_seconds() -> int:
    return settings.STAFF_IDLE_MINUTES * 60


def stamp_sign_in(request: HttpRequest) -> None:
    request.session[SIGNED_IN_AT] = request.session[USED_AT] = time.time()


def signed_in_at(request: HttpRequest) -> datetime | None:
    """When this session signed in, if it is known."""
    stamp = request.session.get(SIGNED_IN_AT)
    return datetime.fromtimestamp(stamp, tz=UTC) if stamp else None


def note_use(request: HttpRequest, now: float) -> None:
    if now - request.session.get(USED_AT, 0) >= USE_RESOLUTION_SECONDS:
        request.session[USED_AT] = now


def is_idle(request: HttpRequest, now: float, grace: float = 0) -> bool:
    used_at = request.session.get(USED_AT)
    return used_at is not None and now - used_at > idle_seconds() + grace


def is_revoked(request: HttpRequest, user: AbstractBaseUser) -> bool:
    """Whether the user was signed out everywhere after this session signed in."""
    revoked_at = (
        SessionRevocation.objects.filter(user_id=user.pk)
        .values_list("revoked_at", flat=True)
        .first()
    )
    # A session without a sign-in time began before these times were kept.
    return revoked_at is not None and request.session.get(SIGNED_IN_AT, 0) < revoked_at.timestamp()


def sign_out_everywhere(user: AbstractBaseUser, *, keep: HttpRequest | None = None) -> None:
    """End every session of the user, but `keep`'s if given (it counts as signed in afresh)."""
    now = timezone.now()
    SessionRevocation.objects.update_or_create(user=user, defaults={"revoked_at": now})
    if keep is not None:
        keep.session[SIGNED_IN_AT] = now.timestamp()


def end(request: HttpRequest, ending: str) -> None:
    """Sign this session out, saying why (the audit log's sign-out entry carries it)."""
    request.accounts_session_ending = ending
    logout(request)
    if ending == Ending.IDLE:
        messages.info(
            request,
            _("You were signed out after %(minutes)d minutes without using the desk.")
            % {"minutes": settings.STAFF_IDLE_MINUTES},
        )
    elif ending == Ending.SIGNED_OUT_EVERYWHERE:
        messages.info(request, _("You were signed out everywhere. Sign in again to go on."))
