"""What every public page's frame (navigation, head links) needs."""

from django.http import HttpRequest

from articles.models import Category


def navigation(request: HttpRequest) -> dict:
    # A lazy queryset: pages that do not render the navigation (the admin) pay nothing.
    return {"navigation_categories": Category.objects.all()}
