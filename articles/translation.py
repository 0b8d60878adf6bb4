"""Which fields readers see in their own language (django-modeltranslation).

Each field listed gets one column per edition in settings.LANGUAGES, script
variants included (their columns are filled on save, see articles/editions/scripts.py).
"""

from modeltranslation.translator import TranslationOptions, register

from articles.editions.languages import LANGUAGE_CODES
from articles.models import (
    Article,
    Author,
    Category,
    Image,
    SiteIdentity,
    Source,
    StaticPage,
    Tag,
)
from articles.models.site import IDENTITY_TEXT

# A name in every written language; script variants are filled from their source.
NAME_REQUIRED = {code: ("name",) for code in LANGUAGE_CODES}


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name", "slug", "description")
    # Navigation shows every category in every language, so a name is needed in each.
    required_languages = NAME_REQUIRED


@register(Author)
class AuthorTranslationOptions(TranslationOptions):
    fields = ("name", "slug", "bio")
    required_languages = NAME_REQUIRED


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = (
        "title",
        "slug",
        "lead",
        "body",
        "cover_caption",
        "correction",
        # Each language goes live on its own, and its text changes on its own.
        "published_at",
        "text_changed_at",
        "revised_at",
    )


@register(Tag)
class TagTranslationOptions(TranslationOptions):
    fields = ("name", "slug")
    required_languages = NAME_REQUIRED


@register(Image)
class ImageTranslationOptions(TranslationOptions):
    fields = ("alt", "caption")


@register(SiteIdentity)
class SiteIdentityTranslationOptions(TranslationOptions):
    fields = IDENTITY_TEXT
    required_languages = NAME_REQUIRED


@register(StaticPage)
class StaticPageTranslationOptions(TranslationOptions):
    # Not required: a page goes live in each language as it is translated.
    fields = ("title", "slug", "body")


@register(Source)
class SourceTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = NAME_REQUIRED
