"""The newsroom's content: articles and what they are filed under, the media library."""

from articles.editions.languages import EDITIONS, LANGUAGE_CODES, localized
from articles.models.article import (
    LARGEST_ID,
    Article,
    ArticleQuerySet,
    Byline,
    TranslationState,
    bylines_in_order,
    has_text_in,
    live_in,
    public_listing,
    translation_state_sql,
)
from articles.models.derivation import LATIN_OVERRIDABLE
from articles.models.desk import AutosavedForm, LanguageAssignment
from articles.models.embed import Embed
from articles.models.image import Image
from articles.models.pages import Author, Category, NamedPage, RetiredSlug, Tag
from articles.models.reading import ArticleViews
from articles.models.related import relate
from articles.models.site import SiteIdentity, SocialLink, StaticPage
from articles.models.sources import Source

# What every public page may show, beyond the articles on it: the navigation's sections,
# the header's and footer's identity, links and static pages, sources' names and embeds'
# cards. A change to any of them makes every page anew (articles/caching/).
SHOWN_EVERYWHERE = (Category, SiteIdentity, SocialLink, Source, StaticPage, Embed)

__all__ = [
    "EDITIONS",
    "LANGUAGE_CODES",
    "LARGEST_ID",
    "LATIN_OVERRIDABLE",
    "Article",
    "ArticleQuerySet",
    "ArticleViews",
    "AutosavedForm",
    "Author",
    "Byline",
    "Embed",
    "Category",
    "Image",
    "LanguageAssignment",
    "NamedPage",
    "RetiredSlug",
    "SHOWN_EVERYWHERE",
    "SiteIdentity",
    "Source",
    "SocialLink",
    "StaticPage",
    "Tag",
    "TranslationState",
    "bylines_in_order",
    "has_text_in",
    "live_in",
    "localized",
    "public_listing",
    "relate",
    "translation_state_sql",
]
