"""Restoring an old version: chosen fields of it brought back onto the article as it is now.

A restore never replaces the whole article. The editor sees, per language,
what each field would become (a word-level diff) and picks what to bring
back. Text added after the old version (a translation, a byline) is kept
unless the editor removes it deliberately: such fields start unticked.
Publication is never restored: the status, the go-live times, the reason
for a withdrawal and the breaking-news time change only through the
workflow, so a restore can neither publish nor unpublish anything.

Who may restore what is articles/desk/roles.py's: the fields a user may not
change in the change form are not offered, and are refused if posted.
"""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from articles.desk.revisions import shown, word_diff
from articles.editions.languages import LANGUAGE_CODES, localized, translated_text
from articles.models import LATIN_OVERRIDABLE, Article, Author, Byline, Category, Image, Tag

# Every translated field but the times: the go-live times are publication, and the others
# are stamped by save().
TRANSLATED = translated_text(Article)
LATIN = tuple(f"latin_{name}" for name in LATIN_OVERRIDABLE)
SHARED = ("category", "cover_image", "featured", "source", "original_language", "tags", "bylines")
TEXT_FIELDS = (models.CharField, models.TextField)
LONG_TEXT = {"lead", "body", "correction", "latin_lead", "latin_body", "latin_correction"}
# What other rows a field names: a restore cannot bring back one that was deleted since.
RELATED = {"category": Category, "cover_image": Image, "tags": Tag, "bylines": Author}


def restorable_names() -> list[str]:
    """Every field a restore may bring back, per language first, in the form's order."""
    translated = [localized(name, code) for code in LANGUAGE_CODES for name in TRANSLATED]
    return translated + list(LATIN) + list(SHARED)


@dataclass(frozen=True)
class Difference:
    """One field that the old version has otherwise than the article has now."""

    name: str  # the form's name: title_ru, latin_body, category, tags, bylines
    label: str
    language: str | None
    now: str
    then: str
    allowed: bool  # whether this user may bring it back
    missing: list[str] = field(default_factory=list)  # related rows deleted since

    @property
    def removes(self) -> bool:
        """Bringing it back would empty a field written after the old version."""
        return bool(self.now) and not self.then

    @property
    def restorable(self) -> bool:
        return self.allowed and not self.missing

    @property
    def words(self) -> list[tuple[str, str]]:
        """What restoring changes in a long text, word by word; empty for short values."""
        base = self.name if self.language is None else self.name.rsplit("_", 1)[0]
        return word_diff(self.now, self.then) if base in LONG_TEXT else []


@dataclass(frozen=True)
class LanguageGroup:
    """The differences in one written language, or in the fields every language shares."""

    language: str | None
    name: str
    differences: list[Difference]


def version_values(version: Version) -> dict[str, Any]:
    """The restorable fields as the version holds them (ids for related rows, in byline order)."""
    stored = version.field_dict
    values = {name: stored.get(attname(name)) for name in restorable_names()}
    values["tags"] = sorted(int(pk) for pk in stored.get("tags") or ())
    byline_type = ContentType.objects.get_for_model(Byline)
    bylines = [
        byline.field_dict
        for byline in version.revision.version_set.filter(content_type=byline_type)
        if str(byline.field_dict.get("article_id")) == str(version.object_id)
    ]
    bylines.sort(key=lambda byline: (byline.get("position") or 0, byline.get("id") or 0))
    values["bylines"] = [byline["author_id"] for byline in bylines]
    return values


def current_values(article: Article) -> dict[str, Any]:
    values = {name: getattr(article, attname(name)) for name in restorable_names()}
    values["tags"] = sorted(article.tags.values_list("pk", flat=True))
    values["bylines"] = list(article.bylines.values_list("author_id", flat=True))
    return values


def attname(name: str) -> str:
    return f"{name}_id" if name in ("category", "cover_image") else name


def differences(article: Article, version: Version, may_change) -> list[LanguageGroup]:
    """What the version has otherwise than the article, grouped by language.

    `may_change(name)` tells whether the user may change a field.
    """
    then, now = version_values(version), current_values(article)
    found = []
    for name in restorable_names():
        if normalised(then[name]) == normalised(now[name]):
            continue
        language = language_of(name)
        found.append(
            Difference(
                name=name,
                label=label(name, language),
                language=language,
                now=described(name, now[name]),
                then=described(name, then[name]),
                allowed=may_change(name),
                missing=missing_rows(name, then[name]),
            )
        )
    names = dict(settings.LANGUAGES)
    groups = [
        LanguageGroup(code, str(names[code]), [d for d in found if d.language == code])
        for code in LANGUAGE_CODES
    ]
    groups.append(
        LanguageGroup(None, str(_("Every language")), [d for d in found if not d.language])
    )
    return [group for group in groups if group.differences]


def label_of(name: str) -> str:
    """A restorable field's name as an editor reads it: "Title (Русский)"."""
    language = language_of(name)
    if language is None:
        return label(name, None)
    return f"{label(name, language)} ({dict(settings.LANGUAGES)[language]})"


def language_of(name: str) -> str | None:
    """The written language a restorable field belongs to; None for the shared ones."""
    if name in LATIN or name in SHARED:
        return None
    return next(code for code in LANGUAGE_CODES if name == localized(name.rsplit("_", 1)[0], code))


def normalised(value: Any) -> Any:
    return "" if value is None else value


def label(name: str, language: str | None) -> str:
    if name == "bylines":
        return str(_("Bylines"))
    model_field = name.rsplit("_", 1)[0] if language else name
    return str(Article._meta.get_field(model_field).verbose_name).capitalize()


def described(name: str, value: Any) -> str:
    """A field's value as an editor reads it: names for related rows, text for the rest."""
    if name in ("tags", "bylines"):
        model = RELATED[name]
        found = {row.pk: str(row) for row in model.objects.filter(pk__in=value or [])}
        return ", ".join(found.get(pk, f"#{pk}") for pk in value or [])
    if name == "cover_image":
        image = Image.objects.filter(pk=value).first() if value else None
        return str(image) if image else (f"#{value}" if value else "")
    if name == "original_language":
        return str(dict(settings.LANGUAGES).get(value, value or ""))
    return shown(value, "category_id" if name == "category" else name)


def missing_rows(name: str, value: Any) -> list[str]:
    """The related rows the version names that no longer exist."""
    if name not in RELATED or value in (None, "", []):
        return []
    wanted = value if isinstance(value, list) else [value]
    existing = set(RELATED[name].objects.filter(pk__in=wanted).values_list("pk", flat=True))
    return [f"#{pk}" for pk in wanted if pk not in existing]


def bring_back(article: Article, version: Version, names: list[str]) -> dict[str, list[int]]:
    """Put the version's values of `names` on the article (unsaved).

    Returns the relations to set once it is saved: {"tags": [...], "bylines": [...]}.
    """
    then = version_values(version)
    relations = {}
    for name in names:
        if name in ("tags", "bylines"):
            relations[name] = then[name]
        else:
            value = then[name]
            if value is None and isinstance(Article._meta.get_field(name), TEXT_FIELDS):
                value = ""  # empty as the change form leaves it
            setattr(article, attname(name), value)
    return relations


def set_relations(article: Article, relations: dict[str, list[int]]) -> None:
    if "tags" in relations:
        article.tags.set(relations["tags"])
    if "bylines" in relations:
        article.bylines.all().delete()
        for position, author in enumerate(relations["bylines"]):
            Byline.objects.create(article=article, author_id=author, position=position)
