"""Keyset pagination of article lists: every page costs the same, the oldest too.

A page is named by the article it starts after, not by its number:
`?before=<cursor>` lists the articles older than the cursor, `?after=<cursor>`
the ones newer than it, `?oldest` the oldest ones. Each page is one indexed
range scan of PAGE_SIZE + 1 rows (the extra row tells whether there is more),
so there is no COUNT over the archive and no OFFSET that reads every row
before the page. The order is the edition's go-live time, newest first, then
the id, so articles that went live in the same microsecond keep one order.

A cursor is `<go-live time in microseconds since 1970>.<id>`: short, opaque
enough, and checked strictly; anything else is a 404.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import Http404, QueryDict

from articles.caching import http_cache
from articles.editions.languages import localized
from articles.models import LARGEST_ID

PAGE_SIZE = 20
# The query parameters that name a page (a kept page is kept by them alone).
PARAMETERS = set(http_cache.PAGE_PARAMETERS)
CURSOR = re.compile(r"(-?[0-9]{1,17})\.([0-9]{1,18})")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Cursor:
    published_at: datetime
    pk: int

    @classmethod
    def parse(cls, text: str) -> "Cursor":
        """The cursor in `text`, or Http404 for anything that is not one."""
        match = CURSOR.fullmatch(text)
        if match is None:
            raise Http404("Not a page of this list.")
        microseconds, pk = int(match[1]), int(match[2])
        try:
            published_at = EPOCH + timedelta(microseconds=microseconds)
        except OverflowError:
            raise Http404("Not a page of this list.") from None
        if pk > LARGEST_ID:
            raise Http404("Not a page of this list.")
        return cls(published_at, pk)

    @classmethod
    def of(cls, article, language: str) -> "Cursor":
        return cls(getattr(article, localized("published_at", language)), article.pk)

    def __str__(self) -> str:
        delta = self.published_at - EPOCH
        microseconds = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"{microseconds}.{self.pk}"


@dataclass
class KeysetPage:
    """One page of a list, with the addresses (query strings) of its neighbours."""

    articles: list
    first: bool  # nothing newer: the list's first page
    newer_query: str | None
    older_query: str | None
    newest_query: str | None  # the first page (""), when this is not it
    oldest_query: str | None  # the last page, when this is not it
    own_query: str = ""  # this page's own address, for its canonical link
    ids: list[int] = field(default_factory=list)  # its articles' ids, in order

    @property
    def has_other_pages(self) -> bool:
        return bool(self.newer_query or self.older_query)

    def by_ids(self) -> "KeysetPage":
        """This page with its articles' ids only, to keep: cheaper than the articles."""
        return replace(self, articles=[], ids=[article.pk for article in self.articles])


def paginate(articles: QuerySet, language: str, params: QueryDict) -> KeysetPage:
    """The page of `articles` that `params` asks for; Http404 for junk or an empty later page.

    `articles` must be public in `language` (Article.objects.public()).
    """
    published_at = localized("published_at", language)
    articles = articles.order_by()  # the order is set here, by the key
    before, after = params.get("before"), params.get("after")
    oldest = "oldest" in params
    if sum(bool(x) for x in (before, after, oldest)) > 1:
        raise Http404("Ask for one page at a time.")

    if before is not None or after is not None:
        cursor = Cursor.parse(before if before is not None else after)
        # The plain `<=`/`>=` bound lets the database scan the index from the cursor on.
        if before is not None:
            window = articles.filter(
                Q(**{f"{published_at}__lt": cursor.published_at})
                | Q(**{published_at: cursor.published_at, "pk__lt": cursor.pk}),
                **{f"{published_at}__lte": cursor.published_at},
            )
        else:
            window = articles.filter(
                Q(**{f"{published_at}__gt": cursor.published_at})
                | Q(**{published_at: cursor.published_at, "pk__gt": cursor.pk}),
                **{f"{published_at}__gte": cursor.published_at},
            )
    else:
        window = articles

    if after is not None or oldest:
        rows = list(window.order_by(published_at, "pk")[: PAGE_SIZE + 1])
        more_newer = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        more_older = not oldest
    else:
        rows = list(window.order_by(f"-{published_at}", "-pk")[: PAGE_SIZE + 1])
        more_older = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        more_newer = before is not None

    if not rows and (before is not None or after is not None):
        raise Http404("No articles on this page.")
    # Nothing newer: this is the first page, whatever the address asked.
    first = not more_newer
    if first:
        own = ""
    elif before is not None:
        own = query(before=before)
    elif after is not None:
        own = query(after=after)
    else:
        own = query(oldest=1)
    return KeysetPage(
        articles=rows,
        first=first,
        newer_query=None if first else query(after=Cursor.of(rows[0], language)),
        older_query=query(before=Cursor.of(rows[-1], language)) if more_older and rows else None,
        newest_query=None if first else "",
        oldest_query=query(oldest=1) if more_older and not oldest else None,
        own_query=own,
    )


def query(**params) -> str:
    return "?" + urlencode({name: str(value) for name, value in params.items()})


def oldest_page_url(language: str) -> str:
    """The address of the latest news' oldest page in `language` (for the benchmark)."""
    from django.urls import reverse
    from django.utils import translation

    with translation.override(language):
        return reverse("articles:latest") + query(oldest=1)
