"""An article page's own parts, made once and reused by every request.

Making them is what costs on an article page: the article with its bylines
and tags, the body rendered, and the partials of templates/articles/article.html
rendered around them. A request for a page already made only puts the stored
HTML, its related articles and the latest headlines into the frame that all
article pages share (articles.article_frame), so it costs no query and no
rendering. The view remembers a page per article and language under the
article's own stamp (articles.content_version.article_key()), so that other
articles' changes leave it made; its related articles, which are other
articles, also change with any article's save (see articles.content_version).
The preview makes both afresh.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from articles import body_pictures, metadata
from articles.languages import EDITIONS, language_links, localized
from articles.models import Article, bylines_in_order, live_in
from articles.templatetags.bodies import render_body
from articles.templatetags.metadata import json_ld

TEMPLATE = "articles/article.html"
LATEST_BESIDE_ARTICLE = 6
RELATED_ARTICLES = 4


@dataclass(frozen=True)
class ArticlePage:
    """What an article page shows of its article in one language, rendered."""

    pk: int
    urls: dict[str, str]  # the article's address in each edition where it is live
    title: str = ""
    meta: SafeString = SafeString()  # the head's description
    social: SafeString = SafeString()  # the head's social card
    alternates: SafeString = SafeString()  # the head's links to the other editions
    json_ld: SafeString = SafeString()  # the head's structured data
    language_switcher: SafeString = SafeString()
    main: SafeString = SafeString()  # the article
    # What its related articles are found by (Article.objects.related_to()).
    tag_ids: tuple[int, ...] = ()
    category_id: int | None = None


@dataclass(frozen=True)
class Headline:
    """A link in the latest-news block beside an article, rendered."""

    pk: int
    html: SafeString


def address(pk: int, slug: str, language: str) -> str:
    """An article's address in `language` from its slug there (no other column read)."""
    with translation.override(language):
        if slug:
            return reverse("articles:article", kwargs={"pk": pk, "slug": slug})
        return reverse("articles:article-short", kwargs={"pk": pk})


def live_page(pk: int, language: str) -> ArticlePage | None:
    """The page of article `pk` in `language`; None if it is live in no edition.

    The article is read with `language`'s text only, and whether it is live
    in each edition is told by the database: the other editions' bodies are
    never fetched. A page whose article is not live in `language` has only
    its addresses, for the page that says where to read it instead.
    """
    now = timezone.now()
    is_live = {
        code: ExpressionWrapper(live_in(code, now), output_field=BooleanField())
        for code in EDITIONS
    }
    article = (
        Article.objects.for_listing(language, also=[localized("slug", code) for code in EDITIONS])
        .prefetch_related(bylines_in_order(), "tags")
        .annotate(**{localized("live", code): flag for code, flag in is_live.items()})
        .filter(pk=pk)
        .first()
    )
    if article is None:
        return None
    urls = {
        code: address(pk, getattr(article, localized("slug", code)), code)
        for code in EDITIONS
        if getattr(article, localized("live", code))
    }
    if language not in urls:
        return ArticlePage(pk, urls) if urls else None
    return rendered(article, language, urls)


def related_section(page: ArticlePage, language: str) -> SafeString:
    """The related articles of `page`'s article, rendered ("" if there are none)."""
    related = Article.objects.related_to(
        page.pk, page.tag_ids, page.category_id, language, limit=RELATED_ARTICLES
    )
    return render_to_string(f"{TEMPLATE}#related", {"related": related})


def rendered(article: Article, language: str, urls: dict[str, str], **context) -> ArticlePage:
    """The page's parts of `article` in `language` (the active language must be it).

    `context` adds to the partials' context (a preview says it is one).
    """
    body = article.body_in(language)
    links = language_links(urls.get)
    context |= {
        "article": article,
        "links": links,  # for the language switcher and the head's links
        "body": render_body(body, body_pictures.pictures_for(body)),
        "updated_at": article.updated_in(language),
        "cover_url": metadata.cover_url(article),
    }
    return ArticlePage(
        pk=article.pk,
        urls=urls,
        title=article.title_in(language),
        meta=render_to_string(f"{TEMPLATE}#meta", context),
        social=render_to_string(f"{TEMPLATE}#social", context),
        alternates=render_to_string(
            "includes/alternates.html",
            # What the frame's context processor gives the rest of the page.
            context | {"site_url": settings.SITE_URL, "default_language": settings.LANGUAGE_CODE},
        ),
        json_ld=SafeString(
            json_ld(metadata.news_article(article, language))
            + json_ld(metadata.article_breadcrumbs(article))
        ),
        language_switcher=render_to_string("includes/language_switcher.html", context),
        main=render_to_string(f"{TEMPLATE}#main", context),
        tag_ids=tuple(tag.pk for tag in article.tags.all()),
        category_id=article.category_id,
    )


def latest_headlines(language: str) -> list[Headline]:
    """The newest articles of the edition, one more than the block shows (it skips its own)."""
    headlines = []
    for article in Article.objects.public().for_listing()[: LATEST_BESIDE_ARTICLE + 1]:
        html = render_to_string(f"{TEMPLATE}#headline", {"article": article})
        headlines.append(Headline(article.pk, html))
    return headlines


def beside(headlines: list[Headline], pk: int) -> list[Headline]:
    """The headlines the block beside article `pk` shows: the newest but its own."""
    return [headline for headline in headlines if headline.pk != pk][:LATEST_BESIDE_ARTICLE]


def latest_block(headlines: list[Headline], pk: int) -> SafeString:
    """The latest-news block beside article `pk`, rendered ("" if there is nothing to show)."""
    return render_to_string(f"{TEMPLATE}#latest", {"latest": beside(headlines, pk)})


def shown_beside(headlines: list[Headline], pk: int) -> int | None:
    """`pk` if the block beside it leaves it out, else None: the blocks of all other
    articles are the same, so one rendering serves them."""
    shown = [headline.pk for headline in headlines[:LATEST_BESIDE_ARTICLE]]
    return pk if pk in shown else None
