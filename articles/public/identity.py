"""The site's identity as pages, feeds and sitemaps show it, and its colours' stylesheet.

Public pages allow no inline style (settings.SECURE_CSP), so a colour chosen
in the admin reaches them as a small stylesheet, linked only when it differs
from site.css's own, under an address that names the colour: a browser keeps
it for a year and a new colour is a new address.
"""

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from articles.caching import generation
from articles.editions.languages import localized
from articles.models import SiteIdentity

YEAR = 365 * 24 * 60 * 60


def site_identity() -> SiteIdentity:
    """The site's name, logo, colour and links, read once per content generation.

    One instance serves every edition: its translated fields answer in the
    language active when a template reads them.
    """

    def read() -> SiteIdentity:
        identity = SiteIdentity.objects.prefetch_related("social_links").filter(pk=1).first()
        return identity or SiteIdentity.load()

    return generation.kept_here(read, "identity")


def site_name(language: str | None = None) -> str:
    """The site's name in `language` (the active one by default): feeds, sitemaps, JSON-LD."""
    language = language or translation.get_language()
    return getattr(site_identity(), localized("name", language), None) or "Newsroom"


@require_GET
def colours(request: HttpRequest) -> HttpResponse:
    identity = site_identity()
    stylesheet = (
        f":root{{--accent:{identity.accent_colour};--bar:{identity.accent_colour}}}\n"
        "@media (prefers-color-scheme:dark){"
        f":root{{--accent:{identity.dark_accent()}}}}}\n"
    )
    response = HttpResponse(stylesheet, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response
