"""Public pages. Every article they show comes through Article.objects.public().

Each page is made from the database in a few narrow queries; what every page
shares (the navigation, the latest headlines, most-read lists, the breaking
banner) is kept for the content generation (articles.caching.generation). Whole
pages, validators and the edge are articles.caching.http_cache's and articles.caching.edge's.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from articles.caching import edge, generation, http_cache
from articles.editions.collation import alphabetical
from articles.editions.languages import language_links
from articles.media import embeds
from articles.models import (
    Article,
    Author,
    Byline,
    Category,
    StaticPage,
    Tag,
    localized,
    public_listing,
)
from articles.public import bodies, metadata, pagination, popularity
from articles.public.context_processors import navigation_entries

PAGE_PARAMETERS = pagination.PARAMETERS
# The front page: the editors' picks (featured) make the lead story, the secondary
# stories beside it and a row of picks; then the latest headlines, and a block per
# section with its newest stories.
FEATURED_ON_HOME = 7
SECONDARY_ON_HOME = 2
LATEST_ON_HOME = 10
IN_SECTION_BLOCK = 4
LATEST_BESIDE_ARTICLE = 6
RELATED_ARTICLES = 4


@dataclass(frozen=True)
class Section:
    """Where a page stands in the navigation, which marks it (base.html).

    `is_page`: the section's own page (aria-current="page"), not a story in it.
    """

    category: int | None = None
    latest: bool = False
    is_page: bool = False


class PublicArticleListView(TemplateView):
    """A list of public articles in the active language, a keyset page at a time."""

    counts_articles = False

    def get(self, request, *args, **kwargs):
        language = translation.get_language()
        owner = getattr(self, "object", None)
        asked = urlencode(
            sorted((name, request.GET[name]) for name in PAGE_PARAMETERS & request.GET.keys())
        )
        # A page of a list changes only with the content: made once per generation, and
        # kept with its articles' ids, not the articles: its cards are a fragment kept
        # alike (listing.html), and models cost more to unpickle than the fragment.
        made = []

        def page_by_ids() -> pagination.KeysetPage:
            page = pagination.paginate(self.get_queryset(), language, request.GET)
            made.extend(page.articles)
            return page.by_ids()

        self.page = generation.remember(
            page_by_ids,
            "list-page",
            type(self).__name__,
            owner.pk if owner else "",
            language,
            asked,
        )
        if self.page.first and request.GET.keys() & PAGE_PARAMETERS:
            # A page that turned out to be the first one has a single address.
            return redirect(request.path)
        # Read again only if the cards' fragment was dropped before the page was.
        self.articles = made or listed_by_id(self.page.ids)
        edge.tag(*self.edge_keys(language), *map(edge.article, self.page.ids))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return public_listing()

    def edge_keys(self, language: str) -> list[str]:
        return [edge.latest(language)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        owner = getattr(self, "object", None)
        context |= {
            "articles": self.articles,
            "page": self.page,
            "path": self.request.path,
            "canonical_url": settings.SITE_URL + self.request.path + self.page.own_query,
            # Lazy: shown from fragments kept for the generation (list_base.html).
            "language_links": SimpleLazyObject(lambda: language_links(self.url_in_language)),
        }
        if self.counts_articles:
            # COUNT over the archive: once per generation (and language), not per page read.
            context["count"] = generation.remember(
                lambda: self.get_queryset().count(),
                "count",
                type(self).__name__,
                owner.pk,
                translation.get_language(),
            )
        return context

    def url_in_language(self, code: str) -> str | None:
        raise NotImplementedError


@dataclass(frozen=True)
class SectionBlock:
    """A section (category) on the front page, with its newest stories."""

    name: str
    url: str
    articles: Sequence


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        language = translation.get_language()
        # Each query is built only when its generation has not kept its ids yet.
        featured_ids, featured = kept_by_id(
            lambda: list(public_listing().filter(featured=True)[:FEATURED_ON_HOME]),
            "featured",
            language,
        )
        top = 1 + SECONDARY_ON_HOME
        latest_ids, latest = kept_by_id(
            lambda: list(public_listing().exclude(pk__in=featured_ids)[: LATEST_ON_HOME + top]),
            "latest",
            language,
        )
        if not featured_ids:  # no picks yet (an imported archive): the newest lead
            featured, latest = part(latest, 0, top), part(latest, top)
        else:
            latest, latest_ids = part(latest, 0, LATEST_ON_HOME), latest_ids[:LATEST_ON_HOME]
        shown = featured_ids + latest_ids
        blocks, block_ids = self.section_blocks(language, shown)
        edge.tag(edge.latest(language), *map(edge.article, shown + block_ids))
        context |= {
            "lead": part(featured, 0, 1),
            "secondary": part(featured, 1, top),
            "picks": part(featured, top),
            "latest": latest,
            "section_blocks": blocks,
            # Called by the template only when its most-read fragment is made.
            "most_read_today": partial(popularity.most_read, language, days=1),
            "most_read_week": partial(popularity.most_read, language, days=7),
            # reverse() inside language_links() adds each language's prefix.
            "language_links": SimpleLazyObject(
                lambda: language_links(lambda code: reverse("articles:home"))
            ),
            "structured_data": SimpleLazyObject(lambda: [metadata.website()]),
        }
        return context

    def section_blocks(self, language: str, shown: list[int]) -> tuple[list[SectionBlock], list]:
        """Each section with its newest stories not shown above it; sections without any
        are left out. One narrow query per section, made once per generation, and kept
        as one entry: the page reads them all at once, and each entry costs a read."""
        made: dict[int, list[Article]] = {}

        def ids_by_section() -> dict[int, list[int]]:
            for entry in navigation_entries(language):
                newest = public_listing().filter(category_id=entry.pk).exclude(pk__in=shown)
                made[entry.pk] = list(newest[:IN_SECTION_BLOCK])
            return {pk: [article.pk for article in found] for pk, found in made.items()}

        kept = generation.remember(ids_by_section, "section-blocks", language)
        blocks, ids = [], []
        for entry in navigation_entries(language):
            if found := kept.get(entry.pk):
                articles = made.get(entry.pk) or listed_by_id(found)
                blocks.append(SectionBlock(entry.name, entry.url, articles))
                ids += found
        return blocks, ids


def part(articles: Sequence, start: int, stop: int | None = None) -> SimpleLazyObject:
    """articles[start:stop], taken only if a template asks: a kept fragment asks nothing."""
    return SimpleLazyObject(lambda: list(articles[start:stop]))


def listed_by_id(ids: list[int]) -> SimpleLazyObject:
    """The public articles `ids`, in that order, read only if a template asks for them: a
    page kept by ids whose cards' fragment was dropped before it."""

    def read() -> list[Article]:
        found = {article.pk: article for article in public_listing().filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]

    return SimpleLazyObject(read)


def kept_by_id(compute: Callable[[], list[Article]], *parts) -> tuple[list[int], Sequence]:
    """compute()'s articles, kept for the generation by their ids (generation.remember()):
    the fragments that show them are kept too, and models cost more to unpickle. The ids,
    and the articles: those just computed, else read again by id if a template asks."""
    made = []

    def ids() -> list[int]:
        made.extend(compute())
        return [article.pk for article in made]

    kept = generation.remember(ids, *parts)
    return kept, made or listed_by_id(kept)


class LatestNewsView(PublicArticleListView):
    template_name = "articles/latest.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"section": Section(latest=True, is_page=True)}

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
        slug, language = kwargs["slug"], translation.get_language()
        found = generation.remember(
            lambda: self.find(slug, language), "found", self.model.__name__, language, slug
        )
        if found is None:
            raise Http404
        if isinstance(found, str):
            return redirect(found, permanent=True)
        self.object = found
        return super().get(request, *args, **kwargs)

    def find(self, slug: str, language: str):
        """The object with this slug in the language, else the address to redirect to, else None."""
        found, current = self.model.by_slug(slug, language)
        if found is None or current:
            return found
        return found.get_absolute_url(language)

    def edge_keys(self, language: str) -> list[str]:
        return [edge.of(self.object)]

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
        context["section"] = Section(category=self.object.pk, is_page=True)
        context["structured_data"] = SimpleLazyObject(
            lambda: [metadata.category_breadcrumbs(self.object)]
        )
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
        edge.tag(edge.AUTHORS)
        context["authors"] = alphabetical(
            Author.objects.filter(is_active=True), localized("name", language), language
        )
        context["language_links"] = language_links(lambda code: reverse("articles:authors"))
        return context


@require_GET
def article_detail(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    language = translation.get_language()
    article = Article.objects.page(pk, language)
    if article is None:
        raise Http404("No such article.")
    urls = article.edition_urls
    if language not in urls:
        # Never fallback text: say where the article can be read instead.
        links = language_links(urls.get)
        context = {"language_links": links, "available": [link for link in links if link.url]}
        return TemplateResponse(
            request, "articles/article_missing_language.html", context, status=404
        )
    canonical = urls[language]
    if request.path != canonical:
        return redirect(canonical, permanent=True)

    popularity.record_view(pk, language)
    related = Article.objects.related_to(article, language, limit=RELATED_ARTICLES)
    edge.tag(*edge.page_keys(article), edge.latest(language))
    edge.tag_articles(related)
    response = TemplateResponse(
        request,
        "articles/article.html",
        article_context(article, language, urls)
        | {
            "related": related,
            "canonical_url": settings.SITE_URL + canonical,
        },
    )
    http_cache.counts_view(response, pk, language)
    return allow_embedded_frames(response)


def allow_embedded_frames(response: TemplateResponse) -> TemplateResponse:
    """A page with videos or posts allows frames from their players alone, by its own
    Content-Security-Policy (kept with the page; the middleware leaves it as it is)."""
    if policy := embeds.frame_policy(response.context_data.get("embedded", [])):
        response.headers["Content-Security-Policy"] = policy
    return response


def article_context(article: Article, language: str, urls: dict[str, str]) -> dict:
    """What article.html shows of `article` in `language` (the preview's too)."""
    body = article.body_in(language)
    embedded = embeds.found_in(body)
    # The block beside the article is a fragment of its own.
    ids, headlines = kept_by_id(lambda: latest_headlines(language), "headlines", language)
    shown = [pk for pk in ids if pk != article.pk][:LATEST_BESIDE_ARTICLE]
    return {
        "article": article,
        "latest": SimpleLazyObject(lambda: [h for h in headlines if h.pk in shown]),
        # The block beside every article but the newest few is the same: one fragment.
        "latest_leaves_out": article.pk if article.pk in ids else "",
        "body": bodies.rendered(body, embedded),
        "embedded": embedded,
        "updated_at": article.updated_in(language),
        "share_images": metadata.share_images(article, language),
        "language_links": language_links(urls.get),
        "section": Section(category=article.category_id),
        # Called by the template only when its most-read fragment is made.
        "most_read_today": partial(popularity.most_read, language, days=1),
        "structured_data": [
            metadata.news_article(article, language),
            metadata.article_breadcrumbs(article),
            *filter(None, [metadata.image_gallery(article, language)]),
            *metadata.videos(article, language, embedded),
        ],
    }


@require_GET
def static_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One of the site's own pages (About, Privacy…), in each language it is written in."""
    language = translation.get_language()
    page, current = StaticPage.by_slug(slug, language)
    if page is None:
        raise Http404("No such page.")
    links = language_links(
        lambda code: page.get_absolute_url(code) if page.is_live_in(code) else None
    )
    if not page.is_live_in(language):
        context = {"language_links": links, "available": [link for link in links if link.url]}
        return TemplateResponse(request, "articles/page_missing_language.html", context, status=404)
    if not current:
        return redirect(page.get_absolute_url(language), permanent=True)
    edge.tag(edge.of(page))
    context = {"page": page, "body": bodies.rendered(page.body), "language_links": links}
    return TemplateResponse(request, "articles/static_page.html", context)


def latest_headlines(language: str) -> list[Article]:
    """The newest articles of the edition, one more than an article page shows (not its own)."""
    return list(public_listing(language)[: LATEST_BESIDE_ARTICLE + 1])


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page, with the language switcher leading to each edition's home page.

    Nothing is at this address in any language, but a reader who came to the
    wrong edition still finds theirs.
    """
    links = language_links(lambda code: reverse("articles:home"))
    return TemplateResponse(request, "404.html", {"language_links": links}, status=404)
