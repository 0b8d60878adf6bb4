"""What every public page's frame (navigation, head links) needs."""

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from articles.models import Article, Category


def navigation(request: HttpRequest) -> dict:
    # Lazy: pages that do not render the frame (the admin) pay nothing.
    return {
        "navigation_categories": Category.objects.all(),
        "breaking_news": SimpleLazyObject(current_breaking_news),
        "site_url": settings.SITE_URL,
        "canonical_url": canonical_url(request),
        "default_language": settings.LANGUAGE_CODE,
    }


def canonical_url(request: HttpRequest) -> str:
    """The page's one address on the public site: no host variants, no stray parameters."""
    url = settings.SITE_URL + request.path
    page = request.GET.get("page", "")
    return f"{url}?page={page}" if page.isdigit() and page != "1" else url


def current_breaking_news() -> Article | None:
    """The newest live article of this language flagged as breaking, until its time runs out."""
    return Article.objects.public().filter(breaking_until__gt=timezone.now()).first()
