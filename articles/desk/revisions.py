"""An article's saved versions (django-reversion), compared field by field per language.

django-reversion was chosen over django-simple-history because it stores
each version as the instance serialised at save time, so the per-language
columns modeltranslation adds after the models are built are all kept, and
it follows the bylines; simple-history builds its history table before those
columns exist.
"""

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from articles.editions.languages import translated_fields
from articles.media.sanitizer import plain_text
from articles.models import LANGUAGE_CODES, Article, Category, localized

# What editors change in each language: every translated field but the times save()
# stamps by itself (text_changed_at, revised_at), which would only repeat the change.
TRANSLATED_FIELDS = tuple(
    name for name in translated_fields(Article) if Article._meta.get_field(name).editable
)
SHARED_FIELDS = (
    "status",
    "category_id",
    "featured",
    "source",
    "cover_image",
    "original_language",
    "withdrawal_reason",
)
LONG_TEXT_FIELDS = ("lead", "body", "correction")


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two versions; `language` is None for shared fields."""

    field: str
    language: str | None
    before: str
    after: str

    @property
    def label(self) -> str:
        name = "category" if self.field == "category_id" else self.field
        return str(Article._meta.get_field(name).verbose_name).capitalize()

    @property
    def language_name(self) -> str:
        return dict(settings.LANGUAGES).get(self.language, "") if self.language else ""

    @property
    def diff(self) -> list[tuple[str, str]]:
        """What changed in the words of a long text (word_diff); empty for short values."""
        if self.field not in LONG_TEXT_FIELDS:
            return []
        return word_diff(self.before, self.after)


# A word, or a paragraph break (kept so that a diff keeps the text's paragraphs).
WORD = re.compile(r"\n+|[^\s]+")
# Unchanged words shown around each change; longer unchanged stretches are cut short.
CONTEXT_WORDS = 8


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The words of two texts as readers read them, markup aside: ("-", "+" or " ", words).

    A change to one word of a long paragraph shows as that word, with a few
    unchanged words around it, not as two whole paragraphs.
    """
    old, new = words(before), words(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    segments = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            stretch = old[old_start:old_end]
            segments.append((" ", shortened(stretch, bool(segments), old_end < len(old))))
            continue
        if old_start < old_end:
            segments.append(("-", joined(old[old_start:old_end])))
        if new_start < new_end:
            segments.append(("+", joined(new[new_start:new_end])))
    return segments


def words(text: str) -> list[str]:
    return WORD.findall(plain_text(text or ""))


def joined(tokens: list[str]) -> str:
    return " ".join(tokens).replace(" \n", "\n").replace("\n ", "\n")


def shortened(tokens: list[str], after_change: bool, before_change: bool) -> str:
    """An unchanged stretch, cut to the words next to the changes around it."""
    keep_start = CONTEXT_WORDS if after_change else 0
    keep_end = CONTEXT_WORDS if before_change else 0
    if len(tokens) <= keep_start + keep_end + 1:
        return joined(tokens)
    head = joined(tokens[:keep_start])
    tail = joined(tokens[len(tokens) - keep_end :])
    return " ".join(part for part in (head, "…", tail) if part)


def field_values(article: Article) -> dict[str, Any]:
    """The compared fields of a saved article, keyed as in a version's field_dict."""
    names = [localized(f, code) for f in TRANSLATED_FIELDS for code in LANGUAGE_CODES]
    names += SHARED_FIELDS
    return {name: getattr(article, name) for name in names}


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    """What differs, per language first (in settings order), then the shared fields."""
    changes = []
    for code in LANGUAGE_CODES:
        for field in TRANSLATED_FIELDS:
            name = localized(field, code)
            if shown(before.get(name)) != shown(after.get(name)):
                changes.append(
                    FieldChange(field, code, shown(before.get(name)), shown(after.get(name)))
                )
    for name in SHARED_FIELDS:
        old, new = shown(before.get(name), name), shown(after.get(name), name)
        if old != new:
            changes.append(FieldChange(name, None, old, new))
    return changes


def shown(value: Any, field: str = "") -> str:
    """A field's value as an editor reads it."""
    if value in (None, ""):
        return ""
    if field == "category_id":
        category = Category.objects.filter(pk=value).first()
        return str(category) if category else str(value)
    if field == "status":
        return str(Article.Status(value).label)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(getattr(value, "name", value))


def versions_of(article: Article):
    """The article's versions, newest first."""
    return (
        Version.objects.get_for_object(article)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def version_at_edit(article: Article, edit_version: int) -> Version | None:
    """The version saved when the article's edit counter reached `edit_version`."""
    for version in versions_of(article):
        if version.field_dict.get("edit_version") == edit_version:
            return version
    return None
