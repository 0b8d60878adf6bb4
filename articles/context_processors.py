"""What every public page's frame (navigation, head links) needs."""

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject

from articles import content_version, page_cache
from articles.models import Article, Category


def navigation(request: HttpRequest) -> dict:
    # Lazy: pages that do not render the frame (the admin) pay nothing. Both
    # change only with the content, so each is fetched once per content version.
    language = translation.get_language()
    return {
        "navigation_categories": SimpleLazyObject(
            lambda: content_version.remember(lambda: list(Category.objects.all()), "navigation")
        ),
        "breaking_news": SimpleLazyObject(
            lambda: content_version.remember(current_breaking_news, "breaking", language)
        ),
        # Most-read lists are cached until the counts next change (articles.popularity).
        "most_read_generation": SimpleLazyObject(page_cache.ranking_generation),
        "site_url": settings.SITE_URL,
        "canonical_url": canonical_url(request),
        "default_language": settings.LANGUAGE_CODE,
    }


def canonical_url(request: HttpRequest) -> str:
    """The page's one address on the public site: no host variants, no stray parameters.

    A view whose parameters name a page of its own (a list's keyset page)
    sets its `canonical_url` in its context, which takes precedence.
    """
    return settings.SITE_URL + request.path


def current_breaking_news() -> Article | None:
    """The newest live article of this language flagged as breaking, until its time runs out."""
    return Article.objects.public().filter(breaking_until__gt=timezone.now()).first()
