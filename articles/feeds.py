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


class CategoryFeed(LatestArticlesFeed):
    def get_object(self, request, slug: str) -> Category:
        field = localized("slug", translation.get_language())
        return get_object_or_404(Category, **{field: slug})

    def title(self, category: Category) -> str:
        return _("Newsroom: %(category)s") % {"category": category.name}

    def description(self, category: Category) -> str:
        return category.description or _("The latest news in %(category)s.") % {
            "category": category.name
        }

    def link(self, category: Category) -> str:
        return category.get_absolute_url()

    def items(self, category: Category):
        return Article.objects.public().filter(category=category).with_bylines()[:FEED_LENGTH]


class TagFeed(LatestArticlesFeed):
    def get_object(self, request, slug: str) -> Tag:
        field = localized("slug", translation.get_language())
        return get_object_or_404(Tag, **{field: slug})

    def title(self, tag: Tag) -> str:
        return _("Newsroom: %(tag)s") % {"tag": tag.name}

    def description(self, tag: Tag) -> str:
        return _("The latest news tagged %(tag)s.") % {"tag": tag.name}

    def link(self, tag: Tag) -> str:
        return tag.get_absolute_url()

    def items(self, tag: Tag):
        return Article.objects.public().filter(tags=tag).with_bylines()[:FEED_LENGTH]
