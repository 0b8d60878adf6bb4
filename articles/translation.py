"""Which fields readers see in their own language (django-modeltranslation).

Each field listed gets one column per language in settings.LANGUAGES.
"""

from modeltranslation.translator import TranslationOptions, register

from articles.models import Article, Author, Category


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name", "slug", "description")
    # Navigation shows every category in every language, so a name is needed in each.
    required_languages = {"default": ("name",)}


@register(Author)
class AuthorTranslationOptions(TranslationOptions):
    fields = ("name", "slug", "bio")
    required_languages = {"default": ("name",)}


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
