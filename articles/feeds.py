"""RSS 2.0 feeds per language: the latest news, and each category's."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from articles.languages import language_tag
from articles.models import Article, Category, Tag, localized

FEED_LENGTH = 50


class LatestArticlesFeed(Feed):
    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = language_tag(translation.get_language())  # kk-Latn, not kk-latn
        return feed

    def title(self) -> str:
        return _("Newsroom: latest news")

    def description(self) -> str:
        return _("The latest news from Newsroom.")

    def link(self) -> str:
        return reverse("articles:latest")

    def items(self):
        return Article.objects.public().with_bylines()[:FEED_LENGTH]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        if item.correction:
            return f"{item.summary}\n\n{_('Correction')}: {item.correction}"
        return item.summary

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Article) -> str:
        # The short address on the public site's own domain never changes,
        # whatever host a reader used or however the title (and slug) is edited.
        return settings.SITE_URL + reverse("articles:article-short", kwargs={"pk": item.pk})

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.updated_in(translation.get_language())

    def item_author_name(self, item: Article) -> str | None:
        return ", ".join(author.name for author in item.byline_authors) or None

    def item_categories(self, item: Article) -> list[str]:
        return [item.category.name] if item.category else []


class NamedPageFeed(LatestArticlesFeed):
    """The feed of a category's or tag's page: found by its slug in the feed's language."""

    model: type[Category] | type[Tag]
    article_filter: str  # how articles refer to it

    def get_object(self, request, slug: str):
        field = localized("slug", translation.get_language())
        return get_object_or_404(self.model, **{field: slug})

    def title(self, page) -> str:
        return _("Newsroom: %(name)s") % {"name": page.name}

    def link(self, page) -> str:
        return page.get_absolute_url()

    def items(self, page):
        articles = Article.objects.public().filter(**{self.article_filter: page})
        return articles.with_bylines()[:FEED_LENGTH]


class CategoryFeed(NamedPageFeed):
    model = Category
    article_filter = "category"

    def description(self, category: Category) -> str:
        return category.description or _("The latest news in %(category)s.") % {
            "category": category.name
        }


class TagFeed(NamedPageFeed):
    model = Tag
    article_filter = "tags"

    def description(self, tag: Tag) -> str:
        return _("The latest news tagged %(tag)s.") % {"tag": tag.name}
