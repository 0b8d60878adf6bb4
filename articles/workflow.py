"""What the desk does to content, announced for whoever keeps a record of it.

Publishing, scheduling and withdrawing are worked out from an article as it
was and as it is (`publication_changes`), so the change form, bulk actions
and any other path report them alike. Each action is sent as the
`desk_action` signal; the audit log (newsroom.accounts) listens, so this
module knows nothing of it.
"""

from enum import StrEnum
from typing import Any

from django.dispatch import Signal
from django.utils import timezone

from articles.editions.languages import LANGUAGE_CODES, localized
from articles.models import Article

# Sent with action (a DeskAction), target (the model instance), request or user
# (who did it: None from a management command), and detail (a JSON-able dict).
desk_action = Signal()


class DeskAction(StrEnum):
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    WITHDRAW = "withdraw"
    RESTORE = "restore"
    RECOVER = "recover"
    DELETE = "delete"
    IMPORT = "import"


def announce(action: DeskAction, target=None, *, request=None, user=None, **detail: Any) -> None:
    desk_action.send(
        sender=type(target) if target is not None else None,
        action=action,
        target=target,
        request=request,
        user=user,
        detail=detail,
    )


def publication_changes(before: Article | None, after: Article) -> list[tuple[DeskAction, dict]]:
    """What a save did to where readers see the article: languages live now, scheduled, withdrawn.

    `before` is the article as stored before the save (None for a new one).
    """
    changes = []
    now = timezone.now()
    if after.status == Article.Status.WITHDRAWN and (
        before is None or before.status != Article.Status.WITHDRAWN
    ):
        changes.append((DeskAction.WITHDRAW, {"reason": after.withdrawal_reason}))
    went_live = [
        code
        for code in LANGUAGE_CODES
        if after.is_live_in(code) and not (before is not None and before.is_live_in(code))
    ]
    if went_live:
        changes.append((DeskAction.PUBLISH, {"languages": went_live}))
    scheduled = {
        code: go_live_time(after, code).isoformat()
        for code in LANGUAGE_CODES
        if is_scheduled(after, code, now)
        and not (
            before is not None
            and is_scheduled(before, code, now)
            and go_live_time(before, code) == go_live_time(after, code)
        )
    }
    if scheduled:
        changes.append((DeskAction.SCHEDULE, {"languages": scheduled}))
    return changes


def go_live_time(article: Article, language: str):
    return getattr(article, localized("published_at", language))


def is_scheduled(article: Article, language: str, now) -> bool:
    go_live = go_live_time(article, language)
    return (
        article.status == Article.Status.PUBLISHED
        and go_live is not None
        and go_live > now
        and article.has_language(language)
    )


def announce_publication_changes(before: Article | None, after: Article, *, request=None) -> None:
    for action, detail in publication_changes(before, after):
        announce(action, after, request=request, **detail)
