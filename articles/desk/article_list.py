"""The desk's list of articles: what each row shows and the filters an editor reaches for.

A row shows the title in the editor's language (or the original's: the
article's `__str__`), a
thumbnail, the authors, one badge per language (live, scheduled, stale, not
live, missing) and when the story goes or went live. However many rows, the
list costs the same few queries: covers come with the rows, and every row's
authors in one more.
"""

from datetime import datetime

from django.contrib import admin
from django.db.models import Prefetch, Q
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from articles.editions.languages import WRITTEN_LANGUAGES, localized
from articles.media import images
from articles.models import Article, Byline, has_text_in
from articles.models.article import SEARCH_COLUMNS

# What the list never shows and is costly to read: search vectors, the Latin body.
NOT_LISTED = [*SEARCH_COLUMNS, localized("body", "kk-latn"), "latin_body"]
BADGE_LABELS = {
    "live": _("live"),
    "scheduled": _("scheduled"),
    "written": _("not live"),
    "missing": _("missing"),
}


def listed(queryset):
    """The list's rows, with their cover and their bylines' authors, in two queries."""
    bylines = Byline.objects.select_related("author").order_by("position")
    return (
        queryset.defer(*NOT_LISTED)
        .select_related("category", "cover_image")
        .prefetch_related(Prefetch("bylines", queryset=bylines))
    )


def badge(article: Article, code: str) -> tuple[str, str, str]:
    """A language's badge: its classes, what it says in full, its code."""
    state = article.language_state(code)
    name = dict(WRITTEN_LANGUAGES)[code]
    go_live = getattr(article, localized("published_at", code))
    if state == "live" and go_live:
        said = _("%(language)s: live since %(time)s") % {"language": name, "time": shown(go_live)}
    elif state == "scheduled" and go_live:
        said = _("%(language)s: goes live %(time)s") % {"language": name, "time": shown(go_live)}
    else:
        said = f"{name}: {BADGE_LABELS[state]}"
    if article.is_stale(code):
        said = _("%(state)s; stale: the original changed after it") % {"state": said}
        state = f"{state} stale"
    return state, said, code.upper()


def shown(moment: datetime) -> str:
    return formats.date_format(localtime(moment), "SHORT_DATETIME_FORMAT")


def go_live_time(article: Article) -> datetime | None:
    """When the story first went live, or else when it is next scheduled to."""
    times = article.go_live_times
    if article.status != Article.Status.PUBLISHED or not times:
        return None
    now = timezone.now()
    written = {code: time for code, time in times.items() if code in article.written_in}
    past = [time for time in written.values() if time <= now]
    return min(past) if past else min(written.values(), default=None)


class ListColumns:
    """The list's columns, as ModelAdmin methods (list_display names them)."""

    @admin.display(description=_("title"), ordering="-created_at")
    def desk_title(self, article: Article) -> str:
        return str(article)

    @admin.display(description=_("picture"))
    def cover_thumbnail(self, article: Article) -> str:
        picture = images.picture(article.cover_image)
        if picture is None:
            return ""
        return format_html(
            '<img class="desk-thumbnail" src="{}"{} alt="" width="64" height="{}" loading="lazy">',
            picture.src,
            format_html(' srcset="{}" sizes="64px"', picture.srcset) if picture.srcset else "",
            round(64 * picture.height / picture.width) if picture.width else 48,
        )

    @admin.display(description=_("authors"))
    def byline_names(self, article: Article) -> str:
        return ", ".join(str(byline.author) for byline in article.bylines.all())

    @admin.display(description=_("languages"))
    def language_badges(self, article: Article) -> str:
        badges = [badge(article, code) for code, _name in WRITTEN_LANGUAGES]
        return format_html(
            '<span class="desk-badges">{}</span>',
            format_html_join("", '<span class="desk-badge {}" title="{}">{}</span>', badges),
        )

    @admin.display(description=_("goes live"))
    def go_live(self, article: Article) -> str:
        moment = go_live_time(article)
        if moment is None:
            return "—"
        return format_html('<time datetime="{}">{}</time>', moment.isoformat(), shown(moment))


class DeskFilter(admin.SimpleListFilter):
    """What an editor looks for first: their own stories, what waits, what is scheduled."""

    title = _("desk")
    parameter_name = "desk"

    def lookups(self, request, model_admin):
        return [
            ("mine", _("Created by me")),
            ("review", _("In review")),
            ("scheduled", _("Scheduled")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(created_by=request.user)
        if self.value() == "review":
            return queryset.filter(status=Article.Status.REVIEW)
        if self.value() == "scheduled":
            return queryset.filter(scheduled_in_any_language(timezone.now()))
        return queryset


def scheduled_in_any_language(now: datetime) -> Q:
    scheduled = Q()
    for code, _name in WRITTEN_LANGUAGES:
        column = localized("published_at", code)
        scheduled |= Q(**{f"{column}__gt": now}) & has_text_in(code)
    return Q(status=Article.Status.PUBLISHED) & scheduled


class NeedsTranslationFilter(admin.SimpleListFilter):
    """Articles a translator into a language has work on: it is missing there, or stale."""

    title = _("needs translation into")
    parameter_name = "translate"

    def lookups(self, request, model_admin):
        return list(WRITTEN_LANGUAGES)

    def queryset(self, request, queryset):
        code = self.value()
        if code not in dict(WRITTEN_LANGUAGES):
            return queryset
        return queryset.exclude(status=Article.Status.WITHDRAWN).to_translate_into(code)
