"""Sitemaps for search engines, per edition, and the robots.txt that points at them.

Each edition has three sections: `articles-<code>` (every live article, with
hreflang links to the editions it is really live in), `news-<code>` (Google
News: what went live in the last 48 hours) and `pages-<code>` (the home page,
lists, every category, author and tag page, and the static pages).
"""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from articles.editions.languages import EDITIONS, language_tag, localized
from articles.models import Article, Author, Category, StaticPage, Tag
from articles.public.identity import site_name

NEWS_WINDOW = timedelta(hours=48)
DEFAULT_EDITION = settings.LANGUAGE_CODE  # the target of hreflang="x-default"


class SiteAddress:
    """The site object Django's sitemaps ask for: the domain of settings.SITE_URL."""

    def __init__(self):
        self.protocol, _sep, self.domain = settings.SITE_URL.partition("://")


class EditionSitemap(Sitemap):
    """One edition's sitemap, its addresses on SITE_URL.

    Without django.contrib.sites, Django would print the host the crawler
    asked for, which may be an alias or a proxy's internal name; SITE_URL is
    the one canonical address (as for feed GUIDs).
    """

    section: str
    template_name = "sitemap.xml"

    def __init__(self, language: str):
        self.language = language

    def get_urls(self, page=1, site=None, protocol=None):
        address = SiteAddress()
        return super().get_urls(page, site=address, protocol=address.protocol)


class ArticleSitemap(EditionSitemap):
    section = "articles"
    template_name = "sitemaps/articles.xml"
    limit = 50_000

    def items(self):
        # Oldest first, so that a new article goes on the last page and
        # earlier pages keep their addresses.
        return Article.objects.public(self.language).order_by("pk")

    def location(self, article: Article) -> str:
        return article.get_absolute_url(self.language)

    def lastmod(self, article: Article) -> datetime:
        return article.updated_at.replace(microsecond=0)

    def get_latest_lastmod(self) -> datetime | None:
        """One query, where Django's default would load every article."""
        latest = self.items().aggregate(latest=Max("updated_at"))["latest"]
        return latest.replace(microsecond=0) if latest else None

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page, site, protocol)
        for url in urls:
            url["alternates"] = self.live_versions(url["item"])
        return urls

    def live_versions(self, article: Article) -> list[dict[str, str]]:
        """hreflang links to the editions the article is live in (Django's would list all)."""
        live = [code for code in EDITIONS if article.is_live_in(code)]
        versions = [
            {"lang_code": language_tag(code), "location": absolute(article.get_absolute_url(code))}
            for code in live
        ]
        if DEFAULT_EDITION in live:
            default = absolute(article.get_absolute_url(DEFAULT_EDITION))
            versions.append({"lang_code": "x-default", "location": default})
        return versions


class NewsSitemap(ArticleSitemap):
    """Google News: the articles that went live in the edition in the last 48 hours."""

    section = "news"
    template_name = "sitemaps/news.xml"
    limit = 1000  # Google News reads at most 1,000 addresses per sitemap

    def items(self):
        go_live = localized("published_at", self.language)
        since = timezone.now() - NEWS_WINDOW
        return super().items().filter(**{f"{go_live}__gte": since})

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page, site, protocol)
        for url in urls:
            article = url["item"]
            url["news"] = {
                "publication": site_name(self.language),
                # Google wants the ISO 639 code: both Kazakh scripts are "kk".
                "language": self.language.partition("-")[0],
                "publication_date": getattr(
                    article, localized("published_at", self.language)
                ).replace(microsecond=0),
                "title": article.title_in(self.language),
            }
        return urls


class PagesSitemap(EditionSitemap):
    """The edition's home page, lists, every category, author and tag page, and the static
    pages written in its language."""

    section = "pages"

    def items(self) -> list[str]:
        with translation.override(self.language):
            lists = [
                reverse(name) for name in ("articles:home", "articles:latest", "articles:authors")
            ]
        named = [
            page
            for model in (Category, Author, Tag)
            for page in model.objects.filter(**{f"{localized('slug', self.language)}__gt": ""})
        ]
        static = list(StaticPage.live_in(self.language))
        return lists + [page.get_absolute_url(self.language) for page in named + static]

    def location(self, path: str) -> str:
        return path


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def sections() -> dict[str, EditionSitemap]:
    """Every sitemap by section name (articles-kk, news-kk-latn, pages-ru...), made afresh."""
    kinds = (ArticleSitemap, NewsSitemap, PagesSitemap)
    return {f"{kind.section}-{code}": kind(code) for kind in kinds for code in EDITIONS}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Django's sitemap index, its addresses moved onto SITE_URL like the sitemaps'."""
    response = sitemap_views.index(request, sections())
    for entry in response.context_data["sitemaps"]:
        address = urlsplit(entry.location)
        entry.location = absolute(address.path + (f"?{address.query}" if address.query else ""))
    return response


@require_GET
def sitemap(request: HttpRequest, section: str) -> HttpResponse:
    found = sections().get(section)
    if found is None:
        raise Http404("No such sitemap.")
    return sitemap_views.sitemap(
        request, {section: found}, section=section, template_name=found.template_name
    )


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    context = {"sitemap_index": absolute(reverse("sitemap-index"))}
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")
