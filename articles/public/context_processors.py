"""What every public page's frame (navigation, banner, head links) needs."""

import functools
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject

from articles.caching import generation
from articles.editions.languages import EDITIONS, localized
from articles.models import Article, Category, StaticPage
from articles.models.site import DEFAULT_ACCENT
from articles.public import metadata
from articles.public.identity import site_identity

# The addresses every page's frame links to, by name (templates: `{{ site_links.latest }}`).
SITE_LINKS = ("home", "latest", "authors", "search", "feed", "feed-atom", "feed-json")


@functools.cache
def site_links(language: str) -> dict[str, str]:
    """Each of SITE_LINKS in `language`, reversed once per process: they never change, and a
    page would otherwise reverse them all each time it is made."""
    with translation.override(language):
        return {name.replace("-", "_"): reverse(f"articles:{name}") for name in SITE_LINKS}


def navigation(request: HttpRequest) -> dict:
    # Lazy: the fragments that show them ({% cache %}, keyed by the generation) query
    # only when they are made, and pages that do not render the frame pay nothing.
    return {
        "navigation_categories": SimpleLazyObject(
            lambda: navigation_entries(translation.get_language())
        ),
        "site": SimpleLazyObject(site_identity),
        "site_pages": SimpleLazyObject(lambda: footer_pages(translation.get_language())),
        # A list page's share picture: the edition's card (articles/media/share_images.py).
        "site_share_image": SimpleLazyObject(
            lambda: generation.kept_here(
                partial(metadata.site_share_image, translation.get_language()),
                "site-share-image",
                translation.get_language(),
            )
        ),
        # Pages in a section replace it (articles/public/views.py: Section).
        "section": "",
        "site_links": SimpleLazyObject(lambda: site_links(translation.get_language())),
        "breaking_news": SimpleLazyObject(current_breaking_news),
        "content_generation": SimpleLazyObject(lambda: generation.current().token),
        "ranking_generation": SimpleLazyObject(generation.ranking_generation),
        "release": settings.RELEASE,
        "fragment_seconds": settings.CONTENT_CACHE_SECONDS,
        "site_url": settings.SITE_URL,
        "canonical_url": canonical_url(request),
        "default_language": settings.LANGUAGE_CODE,
        "default_accent": DEFAULT_ACCENT,
    }


@dataclass(frozen=True)
class NavigationEntry:
    pk: int
    url: str
    name: str


def navigation_entries(language: str) -> list[NavigationEntry]:
    """The sections in the navigation, read once per content generation.

    Kept as plain entries, not as a fragment of the page: each page marks its
    own section in them (base.html), and a fragment would be one per section.
    """
    return generation.kept_here(
        lambda: [
            NavigationEntry(category.pk, category.get_absolute_url(language), category.name)
            for category in Category.objects.all()
        ],
        "navigation",
        language,
    )


@dataclass(frozen=True)
class FooterLink:
    url: str
    title: str


def footer_pages(language: str) -> list[FooterLink]:
    """The static pages live in `language`, for the foot of every page."""
    if language not in EDITIONS:  # a page in no edition: a 404, say
        return []
    return generation.remember(
        lambda: [
            FooterLink(page.get_absolute_url(language), getattr(page, localized("title", language)))
            for page in StaticPage.live_in(language)
        ],
        "footer-pages",
        language,
    )


def canonical_url(request: HttpRequest) -> str:
    """The page's one address on the public site: no host variants, no stray parameters.

    A view whose parameters name a page of its own (a list's keyset page)
    sets its `canonical_url` in its context, which takes precedence.
    """
    return settings.SITE_URL + request.path


def current_breaking_news() -> Article | None:
    """The newest live article of this language flagged as breaking, until its time runs out."""
    if translation.get_language() not in EDITIONS:  # a page in no edition: a 404, say
        return None
    return Article.objects.public().filter(breaking_until__gt=timezone.now()).first()
