"""Who may do what at the desk: authors, translators and editors.

Roles are Django groups (created by migration 0003) carrying model
permissions; what a role may change on a given article is decided here and
enforced by the admin on the server, whatever a browser sends.

- Author: creates articles; edits only their own drafts and articles in
  review; may move them between draft and review, never publish.
- Translator: edits the text of any article in the languages assigned to
  them (LanguageAssignment), nothing else.
- Editor: edits everything, publishes, schedules and withdraws, per language;
  restores versions of live and withdrawn articles, recovers and deletes them.
  Superusers are chief editors.

Every way content changes asks these rules, field by field and per language:
the change form, a restore of an old version, bulk actions, the media library.
"""

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from articles.editions.languages import translated_text
from articles.models import LANGUAGE_CODES, LATIN_OVERRIDABLE, Article, Image, localized

AUTHORS = "Authors"
TRANSLATORS = "Translators"
EDITORS = "Editors"
# The groups' names are the data a migration made; the desk shows them in its language.
GROUP_NAMES = {AUTHORS: _("Authors"), TRANSLATORS: _("Translators"), EDITORS: _("Editors")}

# What only editors decide, in each language.
EDITORIAL_FIELDS = ("published_at", "correction")
# The per-language fields a translator translates: the translated text, less the editors'.
TRANSLATABLE_FIELDS = tuple(
    name for name in translated_text(Article) if name not in EDITORIAL_FIELDS
)
# Where an author's article may be, and so what an author may set.
AUTHOR_STATUSES = (Article.Status.DRAFT, Article.Status.REVIEW)
# Articles readers see or saw: only editors take them back to an older version.
EDITORS_ONLY_STATUSES = (Article.Status.PUBLISHED, Article.Status.WITHDRAWN)


class Role(StrEnum):
    EDITOR = "editor"
    TRANSLATOR = "translator"
    AUTHOR = "author"


def role_of(user: AbstractBaseUser) -> Role:
    """The user's role at the desk, worked out once per request."""
    cached = getattr(user, "_newsroom_role", None)
    if cached is None:
        if user.has_perm("articles.publish_article"):
            cached = Role.EDITOR
        elif user.groups.filter(name=TRANSLATORS).exists():
            cached = Role.TRANSLATOR
        else:
            cached = Role.AUTHOR
        user._newsroom_role = cached
    return cached


def translator_languages(user: AbstractBaseUser) -> list[str]:
    cached = getattr(user, "_newsroom_languages", None)
    if cached is None:
        assigned = set(user.language_assignments.values_list("language", flat=True))
        cached = [code for code in LANGUAGE_CODES if code in assigned]
        user._newsroom_languages = cached
    return cached


def may_edit(user: AbstractBaseUser, article: Article) -> bool:
    """Whether the user may change this article at all."""
    role = role_of(user)
    if role is Role.AUTHOR:
        return article.created_by_id == user.pk and article.status in AUTHOR_STATUSES
    if role is Role.TRANSLATOR:
        return bool(translator_languages(user))
    return True


def allowed_statuses(user: AbstractBaseUser) -> list[str]:
    """The statuses the user may give an article."""
    if role_of(user) is Role.EDITOR:
        return list(Article.Status.values)
    return list(AUTHOR_STATUSES)


def locked_fields(user: AbstractBaseUser) -> list[str]:
    """The article form's fields the user may see but not change."""
    role = role_of(user)
    per_language = [localized(field, code) for field in EDITORIAL_FIELDS for code in LANGUAGE_CODES]
    if role is Role.EDITOR:
        return []
    if role is Role.AUTHOR:
        return per_language + ["featured", "breaking_until", "withdrawal_reason"]
    own = set(translator_languages(user))
    others = [
        localized(field, code)
        for field in TRANSLATABLE_FIELDS
        for code in LANGUAGE_CODES
        if code not in own
    ]
    if "kk" not in own:  # corrections to the Latin edition are Kazakh text
        others += [f"latin_{field}" for field in LATIN_OVERRIDABLE]
    shared = [
        "status",
        "cover_image",
        "category",
        "featured",
        "breaking_until",
        "tags",
        "source",
        "original_language",
        "withdrawal_reason",
    ]
    return per_language + others + shared


def is_editor(user: AbstractBaseUser) -> bool:
    return role_of(user) is Role.EDITOR


def may_change_field(user: AbstractBaseUser, name: str) -> bool:
    """Whether the user may change the article form's field `name` (title_ru, category...)."""
    return name not in locked_fields(user)


def may_restore(user: AbstractBaseUser, article: Article) -> bool:
    """Whether the user may bring back fields of an old version, judged on the article as it is.

    An old copy's status says nothing: an author's first draft of what is now
    a published story is still a published story.
    """
    if article.status in EDITORS_ONLY_STATUSES:
        return is_editor(user)
    return may_edit(user, article)


def may_change_image(user: AbstractBaseUser, image: Image) -> bool:
    """Editors change any picture; others only one they uploaded that no one else's story shows.

    A picture on a live article (its cover, or in its text) changes the
    public page: its file, alt text, caption and credit are the desk's.
    """
    if is_editor(user):
        return True
    if image.uploaded_by_id != user.pk:
        return False
    others = Article.objects.showing(image).exclude(created_by=user, status__in=AUTHOR_STATUSES)
    return not others.exists()


# The desk's actions (articles/workflow.py), judged by the same rules as the change form.


def may_change_article(user: AbstractBaseUser, article: Article) -> bool:
    """What the admin asks before any change: the model permission, then the role's rule."""
    return user.is_active and user.has_perm("articles.change_article") and may_edit(user, article)


def may_submit(user: AbstractBaseUser, article: Article) -> bool:
    """Whether the user may send the article to review: its author, or an editor."""
    return (
        may_change_article(user, article)
        and may_change_field(user, "status")
        and Article.Status.REVIEW in allowed_statuses(user)
    )


def may_publish(user: AbstractBaseUser, article: Article, languages) -> bool:
    """Whether the user may publish or schedule the article in each of `languages`."""
    return (
        is_editor(user)
        and may_change_article(user, article)
        and may_change_field(user, "status")
        and all(may_change_field(user, localized("published_at", code)) for code in languages)
    )


def may_withdraw(user: AbstractBaseUser, article: Article) -> bool:
    return (
        is_editor(user)
        and may_change_article(user, article)
        and may_change_field(user, "status")
        and may_change_field(user, "withdrawal_reason")
    )


def may_correct(user: AbstractBaseUser, article: Article, language: str) -> bool:
    """Whether the user may write the public correction note of `language`: editors may."""
    return may_change_article(user, article) and may_change_field(
        user, localized("correction", language)
    )


def may_mark_current(user: AbstractBaseUser, article: Article, language: str) -> bool:
    """Whether the user may say a translation matches the original: whoever may write it."""
    return (
        language in LANGUAGE_CODES
        and may_change_article(user, article)
        and may_change_field(user, localized("title", language))
        and may_change_field(user, localized("body", language))
    )


def shown_group_name(name: str) -> str:
    """A group's name as the desk shows it: a role's in the desk's language."""
    return str(GROUP_NAMES.get(name, name))
