"""The desk at a glance: what waits for review, what goes live soon, which translations lag;
and the agenda, every go-live of the week ahead."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from articles.desk.article_list import NOT_LISTED
from articles.models import LANGUAGE_CODES, Article, has_text_in, localized

SCHEDULED_WINDOW = timedelta(hours=24)
LIST_LIMIT = 50
# The agenda: the days ahead it shows, and at most how many articles.
AGENDA_DAYS = 7
AGENDA_LIMIT = 1000


@dataclass(frozen=True)
class ScheduledLanguage:
    article: Article
    language: str
    goes_live_at: datetime

    @property
    def language_name(self) -> str:
        return dict(settings.LANGUAGES)[self.language]


@dataclass(frozen=True)
class LanguageBacklog:
    language: str
    name: str
    stale: list[Article]
    missing: list[Article]


def desk_overview() -> dict:
    now = timezone.now()
    return {
        "in_review": list(
            Article.objects.filter(status=Article.Status.REVIEW).order_by("updated_at")[:LIST_LIMIT]
        ),
        "scheduled": scheduled_between(now, now + SCHEDULED_WINDOW),
        "backlogs": [language_backlog(code) for code in LANGUAGE_CODES],
    }


def agenda(days: int = AGENDA_DAYS) -> list[tuple[date, list[ScheduledLanguage]]]:
    """Every go-live of the next `days` days, per local day, soonest first."""
    now = timezone.now()
    entries = scheduled_between(now, now + timedelta(days=days), limit=AGENDA_LIMIT)
    by_day: dict[date, list[ScheduledLanguage]] = {}
    for entry in entries:
        by_day.setdefault(timezone.localdate(entry.goes_live_at), []).append(entry)
    return list(by_day.items())


def scheduled_between(
    start: datetime, end: datetime, limit: int = LIST_LIMIT
) -> list[ScheduledLanguage]:
    """Each language of a published article that goes live in the window, soonest first."""
    in_window = Q()
    for code in LANGUAGE_CODES:
        column = localized("published_at", code)
        in_window |= Q(**{f"{column}__gt": start, f"{column}__lte": end}) & has_text_in(code)
    articles = (
        Article.objects.filter(in_window, status=Article.Status.PUBLISHED)
        .defer(*NOT_LISTED)
        .order_by("pk")
    )
    entries = [
        ScheduledLanguage(article, code, getattr(article, localized("published_at", code)))
        for article in articles[:limit]
        for code in LANGUAGE_CODES
        if article.language_state(code) == "scheduled"
        and getattr(article, localized("published_at", code)) <= end
    ]
    return sorted(entries, key=lambda entry: entry.goes_live_at)


def language_backlog(code: str) -> LanguageBacklog:
    """A language's stale translations and the articles it lacks (withdrawn ones aside)."""
    active = Article.objects.exclude(status=Article.Status.WITHDRAWN).order_by("-updated_at")
    return LanguageBacklog(
        language=code,
        name=dict(settings.LANGUAGES)[code],
        stale=list(active.stale_in(code)[:LIST_LIMIT]),
        missing=list(active.missing_in(code)[:LIST_LIMIT]),
    )
