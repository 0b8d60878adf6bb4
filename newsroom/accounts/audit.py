"""The audit log: one call, `record()`, for everything worth knowing later.

Chief editors read it in the admin (Staff accounts → Audit log); nobody can
change or delete an entry there, through the ORM (newsroom.accounts.models),
or, on PostgreSQL, with SQL (the triggers of migration 0002).

    audit.record(Action.PUBLISH, request=request, target=article, detail={"languages": ["kk"]})

Who is `user`, else the request's user; from a management command, with
neither, the operating-system user who ran it. The address is the client's as
django-axes works it out (AXES_CLIENT_IP_HEADER), so a proxy is configured once.
"""

import getpass
from typing import Any

from axes.helpers import get_client_ip_address
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.http import HttpRequest

from newsroom.accounts.models import Action, AuditEntry

__all__ = ["Action", "AuditEntry", "record"]

TARGET_REPR_LENGTH = AuditEntry._meta.get_field("target_repr").max_length
USERNAME_LENGTH = AuditEntry._meta.get_field("username").max_length


def operating_system_user() -> str:
    try:
        return getpass.getuser()
    except OSError:  # a process whose user has no name (a container without /etc/passwd entry)
        return ""


def record(
    action: Action,
    *,
    request: HttpRequest | None = None,
    user: AbstractBaseUser | AnonymousUser | None = None,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the audit log, and return it."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        user_id, username = user.pk, user.get_username()
    elif request is None:
        user_id, username = None, operating_system_user()
    else:
        user_id, username = None, ""
    return AuditEntry.objects.create(
        action=action,
        user_id=user_id,
        username=username[:USERNAME_LENGTH],
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_repr=str(target)[:TARGET_REPR_LENGTH] if target is not None else "",
        address=get_client_ip_address(request) if request is not None else None,
        detail=detail or {},
    )
