"""Root addresses: the admin, and the public site under a language prefix.

`/` and unprefixed public paths redirect to the reader's preferred language
(LocaleMiddleware reads Accept-Language).
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from articles.public import identity, preview, sitemaps
from newsroom.health import healthz

# Not found, in any edition: the page with a way to each edition's home page.
handler404 = "articles.public.views.page_not_found"

admin.site.site_header = _("Newsroom: editors' desk")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Articles, authors and categories")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    # Lazy: the hashed name is known only once collectstatic has run.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static_url, str)("favicon.svg"), permanent=True),
    ),
    # A preview carries its language in the token, so it has no language prefix.
    path("preview/<str:token>/", preview.article_preview, name="article-preview"),
    # The identity's colours, kept for a year under an address that names them.
    path("identity.css", identity.colours, name="identity-colours"),
    # Crawlers look for these at the root, outside any language.
    path("robots.txt", sitemaps.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap-index"),
    # Django's index finds each section's address by this name.
    path(
        "sitemap-<str:section>.xml",
        sitemaps.sitemap,
        name="django.contrib.sitemaps.views.sitemap",
    ),
    *i18n_patterns(path("", include("articles.public.urls"))),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
