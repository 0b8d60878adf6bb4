"""What every public page's frame (navigation, head links) needs."""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from articles.models import Article, Category


def navigation(request: HttpRequest) -> dict:
    # Lazy: pages that do not render the frame (the admin) pay nothing.
    return {
        "navigation_categories": Category.objects.all(),
        "breaking_news": SimpleLazyObject(current_breaking_news),
    }


def current_breaking_news() -> Article | None:
    """The newest live article of this language flagged as breaking, until its time runs out."""
    return Article.objects.public().filter(breaking_until__gt=timezone.now()).first()
