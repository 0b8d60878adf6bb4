"""The desk's workflow in one place: submit, publish, withdraw and correct an article.

Each action takes the article, the user acting (None from a management
command, which acts with the operator's authority) and what the action
needs. It asks the desk's rules (articles/desk/roles.py) and refuses with
NotAllowed, a PermissionDenied, or with a ValidationError for input it
cannot act on; saves through Article.save(), which derives the rest; keeps
a version (django-reversion); and announces what changed as the
`desk_action` signal. The audit log (newsroom.accounts) listens, so this
module knows nothing of it; caches follow the save's own signals.

The admin's change form saves what an editor typed with `article_save()`,
held to the same rules. What a save did (sent to review, published,
scheduled, withdrawn, corrected) is worked out from the article as it was
and as it is (`changes`), so every path reports it alike.
"""

import copy
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from typing import Any

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.desk import roles
from articles.editions.languages import LANGUAGE_CODES, WRITTEN_LANGUAGES, localized
from articles.models import Article

# Sent with action (a DeskAction), target (the model instance), request or user
# (who did it: None from a management command), and detail (a JSON-able dict).
desk_action = Signal()

# What the workflow decides on an article, beside its status.
DECISIONS = (
    "withdrawal_reason",
    *(localized(field, code) for field in roles.EDITORIAL_FIELDS for code in LANGUAGE_CODES),
)


class DeskAction(StrEnum):
    SUBMIT = "submit"
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    WITHDRAW = "withdraw"
    CORRECT = "correct"
    RESTORE = "restore"
    RECOVER = "recover"
    DELETE = "delete"
    IMPORT = "import"
    MARK_CURRENT = "mark_current"


class NotAllowed(PermissionDenied):
    """The user's role at the desk does not allow the action (articles/desk/roles.py)."""


def article_submit(
    article: Article, user: AbstractBaseUser | None, *, request: HttpRequest | None = None
) -> Article:
    """Send a draft to the editors for review: its author or an editor may."""
    if user is not None and not roles.may_submit(user, article):
        raise NotAllowed(_("You may not submit this article for review."))
    if article.status != Article.Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for review."), code="not_a_draft")

    def submit(target: Article) -> None:
        target.status = Article.Status.REVIEW

    return act(article, user, submit, comment=_("Submitted for review"), request=request)


def article_publish(
    article: Article,
    user: AbstractBaseUser | None,
    *,
    languages: Iterable[str] | None = None,
    at: datetime | None = None,
    request: HttpRequest | None = None,
    quiet: bool = False,
    commit: bool = True,
) -> Article:
    """Publish the article in `languages`, by default every language it is written in.

    With `at`, each of those languages goes live at that time: a future one
    schedules it, a past one dates it back (an archive brought in). Without,
    a language keeps the go-live time it has, scheduled or not, and one
    without goes live now: the desk's "Publish now". `quiet`: part of a
    larger action announced once (an import), so not announced itself.
    `commit=False`, as in a model form's save(commit=False): the article is
    changed, held to the same rules, but not saved, versioned or announced;
    the caller writes it with others (the legacy import's batches).
    """
    languages = list(article.languages if languages is None else languages)
    if user is not None and not roles.may_publish(user, article, languages):
        raise NotAllowed(_("You may not publish this article."))
    unwritten = [
        code for code in languages if code not in LANGUAGE_CODES or not article.has_language(code)
    ]
    if unwritten:
        names = dict(WRITTEN_LANGUAGES)
        raise ValidationError(
            _("The article has no title and body in: %(languages)s."),
            code="unwritten",
            params={"languages": ", ".join(str(names.get(code, code)) for code in unwritten)},
        )
    now = timezone.now()

    def publish(target: Article) -> None:
        target.status = Article.Status.PUBLISHED
        for code in languages:
            column = localized("published_at", code)
            if at is not None:
                setattr(target, column, at)
            elif getattr(target, column) is None:
                setattr(target, column, now)

    if not commit:
        return make_change(article, publish)
    return act(article, user, publish, comment=_("Published"), request=request, quiet=quiet)


def article_withdraw(
    article: Article,
    user: AbstractBaseUser | None,
    *,
    reason: str,
    request: HttpRequest | None = None,
    quiet: bool = False,
) -> Article:
    """Take the article off the site in every language, saying why: readers never see the reason.

    Nothing else about the article is checked: whatever is wrong with it, it can come down.
    """
    if user is not None and not roles.may_withdraw(user, article):
        raise NotAllowed(_("You may not withdraw this article."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"withdrawal_reason": _("Say why the article is withdrawn.")})

    def withdraw(target: Article) -> None:
        target.status = Article.Status.WITHDRAWN
        target.withdrawal_reason = reason

    comment = _("Withdrawn: %(reason)s") % {"reason": reason}
    return act(
        article, user, withdraw, comment=comment, validate=False, request=request, quiet=quiet
    )


def article_correct(
    article: Article,
    user: AbstractBaseUser | None,
    *,
    language: str,
    note: str,
    request: HttpRequest | None = None,
) -> Article:
    """Show readers of `language` a correction note at the end of the live article and in its feed.

    The note replaces the language's earlier one; the Latin edition's is
    converted from the Kazakh one, as on every save.
    """
    if user is not None and not roles.may_correct(user, article, language):
        raise NotAllowed(_("You may not correct this article in this language."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({localized("correction", language): _("Write the correction.")})
    if language not in LANGUAGE_CODES or not article.is_live_in(language):
        raise ValidationError(
            _("A correction is for what readers see: the article is not live in %(language)s."),
            code="not_live",
            params={"language": dict(WRITTEN_LANGUAGES).get(language, language)},
        )

    def correct(target: Article) -> None:
        setattr(target, localized("correction", language), note)

    comment = _("Correction (%(language)s): %(note)s") % {
        "language": dict(WRITTEN_LANGUAGES)[language],
        "note": note,
    }
    return act(article, user, correct, comment=comment, validate=False, request=request)


def article_mark_current(
    article: Article,
    user: AbstractBaseUser | None,
    *,
    languages: Iterable[str],
    request: HttpRequest | None = None,
) -> Article:
    """Say that the translations into `languages` match the original as it is now."""
    languages = list(languages)
    mark_current(article, user, languages)
    comment = _("Translation up to date: %(languages)s") % {
        "languages": ", ".join(dict(WRITTEN_LANGUAGES)[code] for code in languages)
    }
    act(article, user, lambda target: None, comment=comment, validate=False, quiet=True)
    announce(DeskAction.MARK_CURRENT, article, request=request, user=user, languages=languages)
    return article


def mark_current(article: Article, user: AbstractBaseUser | None, languages: Iterable[str]) -> None:
    """Stamp each translation as brought up to date now, without saving (a save follows).

    A translator marks only their own languages; nobody marks the original,
    or a language the article is not written in.
    """
    now = timezone.now()
    for code in languages:
        if user is not None and not roles.may_mark_current(user, article, code):
            raise NotAllowed(_("You may not mark this translation up to date."))
        if code == article.original_language or not any(article.text_in(code)):
            raise ValidationError(
                _("Only a written translation can be marked up to date."), code="not_translated"
            )
        setattr(article, localized("text_changed_at", code), now)


def article_save(
    article: Article, user: AbstractBaseUser | None, *, request: HttpRequest | None = None
) -> Article:
    """Save the article as a form left it, and announce what the save did.

    The form may have changed the status, go-live times, the withdrawal
    reason or a correction: each change is held to the rules of the action
    it amounts to. Inside the admin's own revision, the version is that one.
    """
    before = stored(article)
    check_decisions(user, before, article)
    with recorded(user):
        article.save()
    announce_changes(before, article, user=user, request=request)
    return article


def check_decisions(user: AbstractBaseUser | None, before: Article | None, after: Article) -> None:
    """Refuse a save that decides what the user's role may not (roles.locked_fields)."""
    if user is None:
        return
    was = before if before is not None else Article()
    may = roles.may_change_article(user, before if before is not None else after)
    if may and after.status != was.status:
        may = roles.may_change_field(user, "status") and after.status in roles.allowed_statuses(
            user
        )
    if may:
        changed = [name for name in DECISIONS if getattr(after, name) != getattr(was, name)]
        may = all(roles.may_change_field(user, name) for name in changed)
    if not may:
        raise NotAllowed(_("Your role at the desk does not allow this change."))


def act(
    article: Article,
    user: AbstractBaseUser | None,
    change: Callable[[Article], None],
    *,
    comment: str,
    validate: bool = True,
    request: HttpRequest | None = None,
    quiet: bool = False,
) -> Article:
    """Make `change` to the article, save it as a version of its own, and announce what it did.

    `validate`: as in make_change().
    """
    before = stored(article)
    make_change(article, change, validate=validate)
    with recorded(user, comment):
        article.save()
    if not quiet:
        announce_changes(before, article, user=user, request=request)
    return article


def make_change(
    article: Article, change: Callable[[Article], None], *, validate: bool = True
) -> Article:
    """Make `change` to the article, without saving it.

    With `validate`, the article as changed must pass the checks the change
    form makes (Article.clean()); if not, the article is left as it was.
    """
    if validate:
        candidate = copy.copy(article)
        change(candidate)
        candidate.clean()
    change(article)
    return article


def stored(article: Article) -> Article | None:
    """The article as the database holds it, before a save (None for a new one)."""
    return Article.objects.filter(pk=article.pk).first() if article.pk else None


@contextmanager
def recorded(user: AbstractBaseUser | None, comment: str = ""):
    """What is saved inside becomes a version by `user`, as the admin's actions make them.

    Inside a larger revision (the change form's, an import's), it is part
    of that one, under that one's comment.
    """
    with reversion.create_revision():
        if user is not None:
            reversion.set_user(user)
        if comment and not reversion.get_comment():
            reversion.set_comment(comment)
        yield


def announce(action: DeskAction, target=None, *, request=None, user=None, **detail: Any) -> None:
    desk_action.send(
        sender=type(target) if target is not None else None,
        action=action,
        target=target,
        request=request,
        user=user,
        detail=detail,
    )


def announce_changes(
    before: Article | None, after: Article, *, user=None, request=None
) -> list[DeskAction]:
    """Announce each thing a save did (`changes`); the actions announced, in order."""
    found = changes(before, after)
    for action, detail in found:
        announce(action, after, request=request, user=user, **detail)
    return [action for action, _detail in found]


def changes(before: Article | None, after: Article) -> list[tuple[DeskAction, dict]]:
    """What a save did at the desk: sent to review, then `publication_changes`, then corrections.

    `before` is the article as stored before the save (None for a new one).
    A correction is a new note in a language readers saw before and after.
    """
    found = []
    if after.status == Article.Status.REVIEW and (
        before is None or before.status == Article.Status.DRAFT
    ):
        found.append((DeskAction.SUBMIT, {}))
    found += publication_changes(before, after)
    for code in LANGUAGE_CODES:
        note = getattr(after, localized("correction", code)) or ""
        if (
            note
            and before is not None
            and before.is_live_in(code)
            and after.is_live_in(code)
            and note != (getattr(before, localized("correction", code)) or "")
        ):
            found.append((DeskAction.CORRECT, {"language": code, "note": note}))
    return found


def publication_changes(before: Article | None, after: Article) -> list[tuple[DeskAction, dict]]:
    """What a save did to where readers see the article: languages live now, scheduled, withdrawn.

    `before` is the article as stored before the save (None for a new one).
    """
    found = []
    now = timezone.now()
    if after.status == Article.Status.WITHDRAWN and (
        before is None or before.status != Article.Status.WITHDRAWN
    ):
        found.append((DeskAction.WITHDRAW, {"reason": after.withdrawal_reason}))
    went_live = [
        code
        for code in LANGUAGE_CODES
        if after.is_live_in(code) and not (before is not None and before.is_live_in(code))
    ]
    if went_live:
        found.append((DeskAction.PUBLISH, {"languages": went_live}))
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
        found.append((DeskAction.SCHEDULE, {"languages": scheduled}))
    return found


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
