"""Public pages. Every article they show comes through Article.objects.public()."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from articles import (
    article_frame,
    article_pages,
    content_version,
    metadata,
    page_cache,
    pagination,
    popularity,
)
from articles.collation import alphabetical
from articles.languages import LanguageLink, language_links
from articles.models import (
    EDITIONS,
    Article,
    Author,
    Byline,
    Category,
    RetiredSlug,
    Tag,
    localized,
)

PAGE_PARAMETERS = pagination.PARAMETERS
FEATURED_ON_HOME = 5
LATEST_ON_HOME = 12


def remembered_language_links(url_for: Callable[[str], str | None], *page) -> list[LanguageLink]:
    """language_links() of the page named by `page`, made once per content version.

    Each address is a reverse() in another language: together they cost more
    than the rest of a cached list page.
    """
    language = translation.get_language()
    return content_version.remember(
        lambda: language_links(url_for), "language-links", language, *page
    )


@dataclass(frozen=True)
class Listing:
    """One page of a list, rendered: what a cached list page needs, without its articles."""

    first: bool  # the list's first page
    own_query: str  # this page's query string, for its canonical address
    count: int  # the list's articles in all
    html: SafeString


class PublicArticleListView(TemplateView):
    """A list of public articles in the active language, a keyset page at a time.

    The rendered page of the list is cached for the content version, so a
    request for it costs no query until something changes.
    """

    def get(self, request, *args, **kwargs):
        language = translation.get_language()
        asked = sorted((name, request.GET[name]) for name in request.GET.keys() & PAGE_PARAMETERS)
        owner = getattr(self, "object", None)
        self.listing = content_version.remember(
            lambda: self.render_listing(language),
            "listing",
            type(self).__name__,
            owner.pk if owner else "",
            language,
            request.path,
            asked,
        )
        if self.listing.first and asked:
            # A page that turned out to be the first one has a single address.
            return redirect(request.path)
        return super().get(request, *args, **kwargs)

    def render_listing(self, language: str) -> Listing:
        articles = self.get_queryset()
        page = pagination.paginate(articles, language, self.request.GET)
        context = {"articles": page.articles, "page": page, "path": self.request.path}
        return Listing(
            first=page.first,
            own_query=page.own_query,
            count=articles.count() if self.counts_articles else 0,
            html=render_to_string("includes/listing.html", context, self.request),
        )

    counts_articles = False

    def get_queryset(self):
        return Article.objects.public().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["listing"] = self.listing
        context["canonical_url"] = settings.SITE_URL + self.request.path + self.listing.own_query
        owner = getattr(self, "object", None)
        context["language_links"] = remembered_language_links(
            self.url_in_language, type(self).__name__, owner.pk if owner else ""
        )
        return context

    def url_in_language(self, code: str) -> str | None:
        raise NotImplementedError


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Lazy, even the querysets (building one costs more than rendering the page from
        # its fragments): the template's cached fragments ask for them only when made.
        featured = SimpleLazyObject(
            lambda: list(
                Article.objects.public().for_listing().filter(featured=True)[:FEATURED_ON_HOME]
            )
        )
        context["featured"] = featured
        context["latest"] = SimpleLazyObject(
            lambda: list(
                Article.objects.public()
                .for_listing()
                .exclude(pk__in=[article.pk for article in featured])[:LATEST_ON_HOME]
            )
        )
        language = translation.get_language()
        context["most_read_today"] = partial(popularity.most_read, language, days=1)
        context["most_read_week"] = partial(popularity.most_read, language, days=7)
        # reverse() inside language_links() adds each language's prefix.
        context["language_links"] = remembered_language_links(
            lambda code: reverse("articles:home"), "home"
        )
        context["structured_data"] = [metadata.website()]
        return context


class LatestNewsView(PublicArticleListView):
    template_name = "articles/latest.html"

    def url_in_language(self, code: str) -> str:
        return reverse("articles:latest")


class TranslatedSlugListView(PublicArticleListView):
    """A list that belongs to an object found by its slug in the active language.

    A slug from another language, or a former one, answers 301 to this
    language's address, so links shared between editions keep working.
    """

    model: type[Category] | type[Author] | type[Tag]

    counts_articles = True

    def get(self, request, *args, **kwargs):
        language = translation.get_language()
        found = content_version.remember(
            lambda: self.find(kwargs["slug"], language),
            "slug",
            self.model.__name__,
            language,
            kwargs["slug"],
        )
        if found is None:
            raise Http404
        if isinstance(found, str):
            return redirect(found, permanent=True)
        self.object = found
        return super().get(request, *args, **kwargs)

    def find(self, slug: str, language: str):
        """The object with this slug in the language, else the address to redirect to, else None."""
        found = self.model.objects.filter(**{localized("slug", language): slug}).first()
        if found is not None:
            return found
        in_any_language = Q()
        for code in EDITIONS:
            in_any_language |= Q(**{localized("slug", code): slug})
        found = self.model.objects.filter(in_any_language).first()
        found = found or RetiredSlug.owner(self.model, slug)
        return found.get_absolute_url(language) if found is not None else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context[self.model._meta.model_name] = self.object
        return context

    def url_in_language(self, code: str) -> str:
        return self.object.get_absolute_url(code)


class CategoryView(TranslatedSlugListView):
    model = Category
    template_name = "articles/category.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = [metadata.category_breadcrumbs(self.object)]
        return context

    def get_queryset(self):
        return super().get_queryset().filter(category=self.object)


class AuthorView(TranslatedSlugListView):
    model = Author
    template_name = "articles/author.html"

    def get_queryset(self):
        authored = Byline.objects.filter(author=self.object).values("article_id")
        return super().get_queryset().filter(pk__in=authored)


class TagView(TranslatedSlugListView):
    model = Tag
    template_name = "articles/tag.html"

    def get_queryset(self):
        return super().get_queryset().filter(tags=self.object)


class AuthorIndexView(TemplateView):
    """Every active author, in the alphabetical order of the reader's language."""

    template_name = "articles/author_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        language = translation.get_language()
        context["authors"] = alphabetical(
            Author.objects.filter(is_active=True), localized("name", language), language
        )
        context["language_links"] = language_links(lambda code: reverse("articles:authors"))
        return context


@require_GET
def article_detail(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    language = translation.get_language()
    # Kept under the article's own stamps: other articles' changes leave them made.
    page_key = content_version.article_key(pk, "article-page", language)
    related_key = content_version.article_key(pk, "related", language, listing_others=True)
    content_version.prefetch([page_key, related_key])
    page = content_version.remembered(page_key, lambda: article_pages.live_page(pk, language))
    if page is None:
        raise Http404("No such article.")
    if language not in page.urls:
        # Never fallback text: say where the article can be read instead.
        links = language_links(page.urls.get)
        context = {"language_links": links, "available": [link for link in links if link.url]}
        return render(request, "articles/article_missing_language.html", context, status=404)

    canonical = page.urls[language]
    if request.path != canonical:
        return redirect(canonical, permanent=True)

    popularity.record_view(pk, language)
    related = content_version.remembered(
        related_key, lambda: article_pages.related_section(page, language)
    )
    # The page is its edition's frame around its pieces (articles.article_frame).
    frame = article_frame.current(request, language)
    response = HttpResponse(
        frame.fill(
            page,
            canonical_url=settings.SITE_URL + canonical,
            related_section=related,
            latest_block=remembered_latest_block(pk, language),
        )
    )
    page_cache.counts_view(response, pk, language)
    return response


def remembered_latest_block(pk: int, language: str) -> SafeString:
    """The latest-news block beside article `pk`: one per edition and content version,
    or for the few articles among the headlines, one each without their own."""
    headlines = content_version.remember(
        lambda: article_pages.latest_headlines(language), "headlines", language
    )
    return content_version.remember(
        lambda: article_pages.latest_block(headlines, pk),
        "latest-block",
        language,
        article_pages.shown_beside(headlines, pk),
    )
