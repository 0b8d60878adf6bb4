"""The story at the top of its change form: each language's state, its preview and its live page.

An editor sees, before any field, where the story stands in every language
and can open what readers see (or will see) there.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from articles.desk.article_list import badge
from articles.editions.languages import EDITIONS, WRITTEN_LANGUAGES, localized
from articles.models import Article
from articles.public.preview import preview_url


@dataclass(frozen=True)
class LanguageAtDesk:
    code: str
    name: str
    classes: str  # the state, as the list's badge shows it
    said: str
    go_live: datetime | None
    preview: str  # "" until the language has a title and a body
    live: str  # "" unless readers can read it


def story_header(article: Article) -> list[LanguageAtDesk]:
    """Each written language's state, preview and live page (the Latin edition with Kazakh)."""
    if article.pk is None:
        return []
    header = []
    for code, name in WRITTEN_LANGUAGES:
        classes, said, _code = badge(article, code)
        header.append(
            LanguageAtDesk(
                code=code,
                name=name,
                classes=classes,
                said=said,
                go_live=getattr(article, localized("published_at", code)),
                preview=preview_url(article, code) if article.has_language(code) else "",
                live=article.get_absolute_url(code) if article.is_live_in(code) else "",
            )
        )
    return header


def live_pages(article: Article) -> list[tuple[str, str]]:
    """(edition's name, address) of each edition readers can read now."""
    names = dict(settings.LANGUAGES)
    return [
        (names[code], article.get_absolute_url(code))
        for code in EDITIONS
        if article.is_live_in(code)
    ]


def page_to_view(article: Article) -> str | None:
    """ "View on site": the live page in the editor's language, else the original's, else any."""
    live = [code for code in EDITIONS if article.pk and article.is_live_in(code)]
    for code in (translation.get_language(), article.original_language, *live):
        if code in live:
            return article.get_absolute_url(code)
    return None


def announce_live_pages(request: HttpRequest, article: Article) -> None:
    """After a save, a message that links to the story's live pages, if it has any."""
    pages = live_pages(article)
    if not pages:
        return
    links = format_html_join(
        " · ",
        '<a href="{}" target="_blank" rel="noopener">{}</a>',
        ((address, name) for name, address in pages),
    )
    messages.info(request, format_html("{} {}", _("Live now:"), links))
