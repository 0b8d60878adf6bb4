"""Public pages. Every article they show comes through Article.objects.public()."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET
from django.views.generic import ListView, TemplateView

from articles import body_pictures, metadata, popularity
from articles.collation import alphabetical
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

FEATURED_ON_HOME = 5
LATEST_ON_HOME = 12
LATEST_BESIDE_ARTICLE = 6
RELATED_ARTICLES = 4


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the language switcher; `url` is None where the content is missing."""

    code: str
    name: str
    url: str | None
    is_current: bool


def language_links(url_for: Callable[[str], str | None]) -> list[LanguageLink]:
    current = translation.get_language()
    links = []
    for code, name in settings.LANGUAGES:
        with translation.override(code):
            url = url_for(code)
        links.append(LanguageLink(code, name, url, code == current))
    return links


class PublicArticleListView(ListView):
    """A paginated list of public articles in the active language."""

    paginate_by = 20
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.public().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["language_links"] = language_links(self.url_in_language)
        return context

    def url_in_language(self, code: str) -> str | None:
        raise NotImplementedError


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        public = Article.objects.public().for_listing()
        featured = list(public.filter(featured=True)[:FEATURED_ON_HOME])
        context["featured"] = featured
        context["latest"] = public.exclude(pk__in=[a.pk for a in featured])[:LATEST_ON_HOME]
        language = translation.get_language()
        context["most_read_today"] = popularity.most_read(language, days=1)
        context["most_read_week"] = popularity.most_read(language, days=7)
        # reverse() inside language_links() adds each language's prefix.
        context["language_links"] = language_links(lambda code: reverse("articles:home"))
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

    def get(self, request, *args, **kwargs):
        language = translation.get_language()
        slug = kwargs["slug"]
        self.object = self.model.objects.filter(**{localized("slug", language): slug}).first()
        if self.object is None:
            in_any_language = Q()
            for code in EDITIONS:
                in_any_language |= Q(**{localized("slug", code): slug})
            found = self.model.objects.filter(in_any_language).first()
            found = found or RetiredSlug.owner(self.model, slug)
            if found is None:
                raise Http404
            return redirect(found.get_absolute_url(language), permanent=True)
        return super().get(request, *args, **kwargs)

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
    article = get_object_or_404(
        Article.objects.published().with_bylines().prefetch_related("tags"), pk=pk
    )

    def url_in_language(code: str) -> str | None:
        return article.get_absolute_url(code) if article.is_live_in(code) else None

    links = language_links(url_in_language)
    if not article.is_live_in(language):
        # Never fallback text: say where the article can be read instead.
        context = {"language_links": links, "available": [link for link in links if link.url]}
        return render(request, "articles/article_missing_language.html", context, status=404)

    canonical = article.get_absolute_url(language)
    if request.path != canonical:
        return redirect(canonical, permanent=True)

    popularity.record_view(article.pk, language)
    latest = Article.objects.public().exclude(pk=article.pk)[:LATEST_BESIDE_ARTICLE]
    related = Article.objects.related_to(article, language).for_listing()[:RELATED_ARTICLES]
    context = {
        "article": article,
        "updated_at": article.updated_in(language),
        "body_pictures": body_pictures.pictures_for(article.body),
        "latest": latest,
        "related": related,
        "most_read": popularity.most_read(language, days=1),
        "cover_url": metadata.cover_url(article),
        "structured_data": [
            metadata.news_article(article, language),
            metadata.article_breadcrumbs(article),
        ],
        "language_links": links,
    }
    return render(request, "articles/article.html", context)
