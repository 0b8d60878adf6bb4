"""What a save works out from what was written, in one place.

Article.save() calls derive() with the article as stored before; the
archive generator and backup restore call it for rows they insert in bulk,
whose history (change times, versions) they bring themselves. So bodies
are sanitized, slugs made, the Latin edition converted and `written_in`
filled one way, whatever wrote the row. Search vectors (articles/search.py
write_vectors()) and related articles (articles/models/related.py) need the
stored row and come after it.
"""

from datetime import datetime

from django.utils import timezone

from articles.editions.languages import EDITIONS, LANGUAGE_CODES, localized
from articles.editions.scripts import fill_variants
from articles.editions.slugs import make_slug
from articles.media.sanitizer import clean_body
from articles.models.pages import regenerated_slug

TEXT_FIELDS = ("title", "lead", "body")
# Kazakh fields converted to the Latin edition, each of which an editor may override.
LATIN_OVERRIDABLE = ("title", "lead", "body", "cover_caption", "correction")
# The same in both scripts: the Latin edition goes live and changes with the Kazakh one.
LATIN_COPIED = ("slug", "published_at", "text_changed_at", "revised_at")


def derive(article, previous=None, *, now: datetime | None = None, history: bool = True) -> None:
    """Fill in everything a save derives from the article's written fields.

    With `history` (a save), the times the text changed, the go-live times a
    publish sets and the edit version are stamped against `previous`, the
    article as stored (None for a new one). Bulk writers pass history=False
    and bring those fields themselves, as they were.
    """
    now = now or timezone.now()
    tidy_text(article)
    if history:
        stamp_changes(article, previous, now)
    for code in LANGUAGE_CODES:
        slug = regenerated_slug(article, previous, code, "title")
        if not slug and article.has_language(code):
            slug = make_slug(article.title_in(code), code)
        setattr(article, localized("slug", code), slug)
    if not article.original_language:
        article.original_language = next(
            (code for code in LANGUAGE_CODES if article.title_in(code)), ""
        )
    if history:
        note_latin_override_sources(article, previous)
    fill_variants(
        article,
        converted=LATIN_OVERRIDABLE,
        copied=LATIN_COPIED,
        overrides=lambda variant, field: getattr(article, f"latin_{field}"),
    )
    article.written_in = [code for code in EDITIONS if article.has_language(code)]
    for code in LANGUAGE_CODES:
        setattr(article, localized("translation", code), article.translation_state(code))


def tidy_text(article) -> None:
    """Rich text sanitized, whatever sent it (editor or import); white space alone is no text.

    The database's rule for "written in this language" (has_text_in) compares
    with "", so a title of spaces must not count.
    """
    for code in LANGUAGE_CODES:
        setattr(article, localized("body", code), clean_body(article.body_in(code)))
        for field in TEXT_FIELDS:
            value = getattr(article, localized(field, code))
            if value and not value.strip():
                setattr(article, localized(field, code), "")
    article.latin_body = clean_body(article.latin_body)


def stamp_changes(article, previous, now: datetime) -> None:
    """When each language's wording changed (and was revised while live), publish times, version."""
    for code in LANGUAGE_CODES:
        if any(article.text_in(code)) and (
            previous is None or previous.wording_in(code) != article.wording_in(code)
        ):
            setattr(article, localized("text_changed_at", code), now)
            if previous is not None and previous.is_live_in(code):
                setattr(article, localized("revised_at", code), now)
    if article.status == article.Status.PUBLISHED and not article.go_live_times:
        for code in article.languages:
            setattr(article, localized("published_at", code), now)
    # Never backwards, even when a restored old version is saved.
    article.edit_version = max(article.edit_version, previous.edit_version if previous else 0) + 1


def note_latin_override_sources(article, previous) -> None:
    """Remember the Kazakh text each Latin override was written for (to tell it went stale)."""
    sources = dict(article.latin_sources or {})
    for field in LATIN_OVERRIDABLE:
        override = getattr(article, f"latin_{field}")
        if not override:
            sources.pop(field, None)
        elif field not in sources or getattr(previous, f"latin_{field}", None) != override:
            sources[field] = getattr(article, localized(field, "kk")) or ""
    article.latin_sources = sources
