"""What machines read about a page: structured data (JSON-LD) and social cards.

Builders return plain dicts; templates print them with the `json_ld` filter
(articles/templatetags/metadata.py), which escapes them so no text an
editor typed can close the script element.
"""

from django.conf import settings
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from articles.editions.languages import language_tag
from articles.media.images import picture
from articles.models import Article, Category

SITE_NAME = "Newsroom"


def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else settings.SITE_URL + path


def publisher() -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": SITE_NAME,
        "url": absolute("/"),
        "logo": {
            "@type": "ImageObject",
            "url": absolute(static("logo.png")),
            "width": 600,
            "height": 60,
        },
    }


def cover_url(article: Article) -> str | None:
    """The cover's largest fallback rendition (or original), absolute; None without a cover."""
    shown = picture(article.cover_image)
    return absolute(shown.src) if shown else None


def news_article(article: Article, language: str) -> dict:
    """schema.org NewsArticle for an article page in `language`."""
    url = absolute(article.get_absolute_url(language))
    published = article.published_at
    modified = article.updated_in(language) or published
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.summary,
        "datePublished": published.isoformat() if published else None,
        "dateModified": modified.isoformat() if modified else None,
        "inLanguage": language_tag(language),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "publisher": publisher(),
        "author": [
            {"@type": "Person", "name": author.name, "url": absolute(author.get_absolute_url())}
            for author in article.byline_authors
        ]
        or publisher(),
    }
    if article.category:
        data["articleSection"] = article.category.name
    if image := cover_url(article):
        data["image"] = [image]
    return {key: value for key, value in data.items() if value is not None}


def breadcrumbs(*trail: tuple[str, str]) -> dict:
    """schema.org BreadcrumbList from (name, path) pairs, home first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": number, "name": name, "item": absolute(path)}
            for number, (name, path) in enumerate(trail, start=1)
        ],
    }


def article_breadcrumbs(article: Article) -> dict:
    trail = [(_("Home"), reverse("articles:home"))]
    if article.category:
        trail.append((article.category.name, article.category.get_absolute_url()))
    trail.append((article.title, article.get_absolute_url()))
    return breadcrumbs(*trail)


def category_breadcrumbs(category: Category) -> dict:
    return breadcrumbs(
        (_("Home"), reverse("articles:home")), (category.name, category.get_absolute_url())
    )


def website() -> dict:
    """schema.org WebSite for the home page, with the site search when there is one."""
    data = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": SITE_NAME,
        "url": absolute(reverse("articles:home")),
        "inLanguage": language_tag(translation.get_language()),
        "publisher": publisher(),
    }
    try:
        search = reverse("articles:search")
    except NoReverseMatch:  # a site without its search page
        return data
    data["potentialAction"] = {
        "@type": "SearchAction",
        "target": {"@type": "EntryPoint", "urlTemplate": absolute(search) + "?q={query}"},
        "query-input": "required name=query",
    }
    return data
