"""Translation side by side: the original's text beside the fields being translated.

For each language an article is (or could be) translated into, the change
form shows the original language's title, lead and body. When the
translation went stale, it also shows what changed in the original, word by
word, since the translation was last brought up to date: the original as a
saved version held it then (django-reversion), against the original now.
The translator ticks "up to date" when done (workflow.article_mark_current).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings

from articles.desk import revisions, roles
from articles.editions.languages import WRITTEN_LANGUAGES, localized
from articles.media.sanitizer import plain_text
from articles.models import Article

SOURCE_FIELDS = ("title", "lead", "body")
# How far back the history is read to find the original a translation was made from.
VERSIONS_READ = 200


@dataclass(frozen=True)
class SourceChange:
    field: str
    label: str
    segments: list[tuple[str, str]]  # revisions.word_diff()


@dataclass(frozen=True)
class TranslationPanel:
    language: str
    name: str
    source_language: str
    source_name: str
    title: str
    lead: str
    paragraphs: list[str]
    stale: bool
    changed_since: datetime | None  # when the translation was last brought up to date
    changes: list[SourceChange] = field(default_factory=list)
    may_mark_current: bool = False


def panels(article: Article, user) -> list[TranslationPanel]:
    """One panel per language other than the original, for an article that has an original."""
    source = article.original_language
    if article.pk is None or not source or not any(article.text_in(source)):
        return []
    names = dict(settings.LANGUAGES)
    body = plain_text(article.body_in(source))
    found = []
    for code, name in WRITTEN_LANGUAGES:
        if code == source:
            continue
        stale = article.is_stale(code)
        stamped = getattr(article, localized("text_changed_at", code))
        found.append(
            TranslationPanel(
                language=code,
                name=name,
                source_language=source,
                source_name=names[source],
                title=article.title_in(source),
                lead=getattr(article, localized("lead", source)) or "",
                paragraphs=[part for part in body.split("\n") if part.strip()],
                stale=stale,
                changed_since=stamped,
                changes=source_changes(article, code) if stale else [],
                may_mark_current=stale and roles.may_mark_current(user, article, code),
            )
        )
    return found


def source_changes(article: Article, language: str) -> list[SourceChange]:
    """What changed in the original since the translation into `language` was last updated."""
    then = source_when_translated(article, language)
    if then is None:
        return []
    source = article.original_language
    changes = []
    for name in SOURCE_FIELDS:
        before = then.get(localized(name, source)) or ""
        after = getattr(article, localized(name, source)) or ""
        if plain_text(before).split() != plain_text(after).split():
            label = str(Article._meta.get_field(name).verbose_name).capitalize()
            changes.append(SourceChange(name, label, revisions.word_diff(before, after)))
    return changes


def source_when_translated(article: Article, language: str) -> dict | None:
    """The fields of the oldest saved version that already had the translation's stamp."""
    stamp_name = localized("text_changed_at", language)
    stamp = getattr(article, stamp_name)
    if stamp is None:
        return None
    found = None
    for version in revisions.versions_of(article)[:VERSIONS_READ]:
        fields = version.field_dict
        kept = fields.get(stamp_name)
        # A version keeps times to the millisecond (Django's JSON serializer).
        if kept is None or abs(kept - stamp) >= timedelta(milliseconds=1):
            break
        found = fields
    return found
