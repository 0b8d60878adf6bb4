"""Feeds per language, in RSS 2.0, Atom 1.0 and JSON Feed 1.1.

The latest news, and each category's, author's and tag's. One Feed class
describes a feed's articles; the generator it is given picks the format.
Their ETag, Last-Modified and 304s come from articles.caching.http_cache.
"""

import json
import mimetypes

from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import feedgenerator, translation
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _

from articles.caching import edge
from articles.editions.languages import language_tag
from articles.media import images
from articles.media.sanitizer import CONTROL_CHARACTERS, render_body
from articles.models import Article, Author, Category, Tag, bylines_in_order, localized
from articles.public.identity import site_name
from articles.public.metadata import absolute

# Full text: the newest 20, as WordPress (10) and Ghost (15) keep theirs short; a feed polled
# every few minutes misses none, and each answer stays small (a kept feed of 50 was 240 KB).
FEED_LENGTH = 20


class XmlText:
    """A feed whose text leaves out the control characters XML 1.0 cannot carry.

    Forms and importers refuse them; text that came another way (a shell, an
    old backup) would otherwise make the whole feed unreadable.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **xml_text(kwargs))

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **xml_text(kwargs))


def xml_text(values: dict) -> dict:
    """`values` with control characters left out of each text, and of each text in a list."""

    def cleaned(value):
        if isinstance(value, str):
            return CONTROL_CHARACTERS.sub("", value)
        if isinstance(value, list | tuple) and all(isinstance(part, str) for part in value):
            return type(value)(CONTROL_CHARACTERS.sub("", part) for part in value)
        return value

    return {name: cleaned(value) for name, value in values.items()}


class RssFeed(XmlText, feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with each article's full text in `content:encoded`."""

    # Readers take the channel's and items' descriptions for HTML; ours are text.
    def __init__(self, *args, description, **kwargs):
        super().__init__(*args, description=escape(description), **kwargs)

    def add_item(self, *args, description, **kwargs):
        super().add_item(*args, description=escape(description), **kwargs)

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content"])


class AtomFeed(XmlText, feedgenerator.Atom1Feed):
    """Atom 1.0 with each article's full text as HTML content."""

    # Readers take an entry's summary (type="html") for HTML; ours is text. The
    # feed's subtitle is plain text in Atom: it stays as it is.
    def add_item(self, *args, description, **kwargs):
        super().add_item(*args, description=escape(description), **kwargs)

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "html"})


class JSONFeed(feedgenerator.SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        outfile.write(json.dumps(self.as_json(), ensure_ascii=False))

    def as_json(self) -> dict:
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.feed["title"],
            "home_page_url": self.feed["link"],
            "feed_url": self.feed["feed_url"],
            "description": self.feed["description"],
            "language": self.feed["language"],
        }
        if self.feed["author_name"]:
            feed["authors"] = [
                without_empty(name=self.feed["author_name"], url=self.feed["author_link"])
            ]
        feed["items"] = [self.item_json(item) for item in self.items]
        return without_empty(**feed)

    def item_json(self, item: dict) -> dict:
        return without_empty(
            id=item["unique_id"],
            url=item["link"],
            title=item["title"],
            content_html=item["content"],
            summary=item["description"],
            image=item["image"],
            date_published=rfc3339(item["pubdate"]),
            date_modified=rfc3339(item["updateddate"]),
            authors=[without_empty(name=name, url=url) for name, url in item["authors"]],
            tags=list(item["categories"]),
        )


def without_empty(**fields) -> dict:
    """JSON Feed leaves out what it does not know rather than sending null."""
    return {key: value for key, value in fields.items() if value not in (None, "", [])}


def rfc3339(moment) -> str | None:
    return feedgenerator.rfc3339_date(moment) if moment else None


class LatestArticlesFeed(Feed):
    def __init__(self, feed_type: type[feedgenerator.SyndicationFeed] = RssFeed):
        self.feed_type = feed_type

    def __call__(self, request, *args, **kwargs):
        try:
            page = self.get_object(request, *args, **kwargs)
        except (ObjectDoesNotExist, Http404):
            raise Http404("No such feed.") from None
        # Its validators are the content generation's (http_cache.public_page), not the
        # newest item's date, as Django's Feed would set.
        feed = self.get_feed(page, request)
        response = HttpResponse(content_type=feed.content_type)
        feed.write(response, "utf-8")
        return response

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = language_tag(translation.get_language())  # kk-Latn, not kk-latn
        feed.feed["subtitle"] = feed.feed["description"]
        # Every address is on SITE_URL, never on the host a request named: a feed
        # fetched through an alias, another port or a forged Host header links home.
        feed.feed["id"] = feed.feed["link"]
        feed.feed["feed_url"] = absolute(request.path)
        for item in feed.items:
            item["enclosures"] = [
                feedgenerator.Enclosure(
                    absolute(enclosure.url), enclosure.length, enclosure.mime_type
                )
                for enclosure in item["enclosures"]
            ]
            item["image"] = item["image"] and absolute(item["image"])
            item["authors"] = [(name, absolute(url)) for name, url in item["authors"]]
        return feed

    def title(self) -> str:
        return _("%(site)s: latest news") % {"site": site_name()}

    def description(self) -> str:
        return _("The latest news from %(site)s.") % {"site": site_name()}

    def link(self) -> str:
        return absolute(reverse("articles:latest"))

    def author_name(self) -> str:
        # Atom needs an author for entries without a byline.
        return site_name()

    def articles(self, page=None):
        """The public articles this feed lists, newest first."""
        return Article.objects.public()

    def items(self, page=None):
        items = list(
            self.articles(page)
            .for_listing(also=(localized("body", translation.get_language()),))
            .prefetch_related(bylines_in_order(), "tags")[:FEED_LENGTH]
        )
        edge.tag(self.edge_key(page))
        edge.tag_articles(items)
        return items

    def edge_key(self, page) -> str:
        return edge.latest(translation.get_language())

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        if item.correction:
            return f"{item.summary}\n\n{_('Correction')}: {item.correction}"
        return item.summary

    def item_content(self, item: Article) -> str:
        """The full text as HTML, with the correction note readers see under the article."""
        content = render_body(item.body)
        if item.correction:
            content += format_html(
                "<p><strong>{}</strong>: {}</p>", _("Correction"), item.correction
            )
        return content

    def item_link(self, item: Article) -> str:
        return absolute(item.get_absolute_url())

    def item_guid(self, item: Article) -> str:
        # The short address on the public site's own domain never changes,
        # whatever host a reader used or however the title (and slug) is edited.
        return absolute(reverse("articles:article-short", kwargs={"pk": item.pk}))

    item_guid_is_permalink = True

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        # Atom needs an update time on every entry: an unrevised article's is its go-live.
        return item.updated_in(translation.get_language()) or item.published_at

    def item_author_name(self, item: Article) -> str | None:
        return ", ".join(author.name for author in item.byline_authors) or None

    def item_categories(self, item: Article) -> list[str]:
        category = [item.category.name] if item.category else []
        return category + [tag.name for tag in item.tags.all()]

    def item_cover(self, item: Article) -> images.Picture | None:
        return images.picture(item.cover_image)

    def item_enclosures(self, item: Article) -> list[feedgenerator.Enclosure]:
        cover = self.item_cover(item)
        if cover is None:
            return []
        # RSS requires a length; the byte size would cost a storage read per
        # item, and "0" is the customary "unknown" that readers accept.
        mime_type = mimetypes.guess_type(cover.src)[0] or "application/octet-stream"
        return [feedgenerator.Enclosure(cover.src, "0", mime_type)]

    def item_extra_kwargs(self, item: Article) -> dict:
        cover = self.item_cover(item)
        return {
            "content": self.item_content(item),
            "image": cover.src if cover else None,
            "authors": [(author.name, author.get_absolute_url()) for author in item.byline_authors],
        }


class NamedPageFeed(LatestArticlesFeed):
    """The feed of a category's, author's or tag's page, found by its slug in its language."""

    model: type[Category] | type[Author] | type[Tag]
    article_filter: str  # how articles refer to it

    def __call__(self, request, *args, slug: str, **kwargs):
        # As its page does, a slug from another language or a former one answers 301.
        language = translation.get_language()
        found, current = self.model.by_slug(slug, language)
        own_slug = getattr(found, localized("slug", language), "") if found else ""
        if found is not None and not current and own_slug:
            return redirect(request.resolver_match.view_name, slug=own_slug, permanent=True)
        request.named_page = found if current else None  # for get_object(), this request's
        return super().__call__(request, *args, slug=slug, **kwargs)

    def get_object(self, request, slug: str):
        if request.named_page is None:
            raise Http404
        return request.named_page

    def title(self, page) -> str:
        return _("%(site)s: %(name)s") % {"site": site_name(), "name": page.name}

    def link(self, page) -> str:
        return absolute(page.get_absolute_url())

    def articles(self, page=None):
        return Article.objects.public().filter(**{self.article_filter: page})

    def edge_key(self, page) -> str:
        return edge.of(page)


class CategoryFeed(NamedPageFeed):
    model = Category
    article_filter = "category"

    def description(self, category: Category) -> str:
        return category.description or _("The latest news in %(category)s.") % {
            "category": category.name
        }


class AuthorFeed(NamedPageFeed):
    model = Author
    article_filter = "bylines__author"

    def description(self, author: Author) -> str:
        return _("The latest news by %(author)s.") % {"author": author.name}


class TagFeed(NamedPageFeed):
    model = Tag
    article_filter = "tags"

    def description(self, tag: Tag) -> str:
        return _("The latest news tagged %(tag)s.") % {"tag": tag.name}
