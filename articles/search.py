"""Reader search: `/<lang>/search/?q=`.

On PostgreSQL, full-text search over one vector column per edition
(Article.search_<lang>), rewritten on every save by update_search_vectors():
title weighs most, then lead, then body. The newest SEARCH_WINDOW matches
are ranked and shown a page at a time, their words highlighted; when the
words find nothing, pg_trgm finds near-spellings of them in titles (names
written several ways). Other databases (SQLite in development) get a plain
match of the words on the same page.

What a search costs hardly grows with the archive:
- newest_matches() looks for the matches a slice of go-live time at a time,
  newest first. In each slice PostgreSQL reads the newest articles until
  enough match (a common word) or takes the matches from the GIN index (a
  rare one): either way about as many rows as the window holds, never every
  article that has the word.
- Only the window is ranked, a page of it in one query, and its size is
  known without counting. In Kazakh the rank is worked out from the title
  and lead in the row, not from the large stored vector (ranked_vector()).
- Excerpts are highlighted in the lead and the start of the body
  (EXCERPT_SOURCE characters), never in a whole body.

Letter case never matters. PostgreSQL lowers the text and the query alike;
SQLite's LIKE lowers ASCII letters only, so there both sides are lowered by
fold_case(), which each SQLite connection gets as a function. Kazakh Latin
writes і as ı (capital I) and и as i (capital İ), and PostgreSQL lowers I to
i: its vectors and queries spell ı as i (migration 0013 rewrote the stored
ones), so that `Ile`, `ILE` and `ıle` meet.

Adding an edition: give it a text search configuration in CONFIGS, a
`search_<code>` column on Article, and a migration that indexes and fills it
(as migrations/0008_search.py does).
"""

import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timedelta
from html import unescape
from secrets import token_hex

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.core.paginator import InvalidPage, Paginator
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.db.models import BigIntegerField, F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat, Left
from django.db.models.lookups import Lookup
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from articles.editions.languages import EDITIONS, language_links, localized
from articles.media.sanitizer import looks_like_html, plain_text
from articles.models import Article
from articles.models.bulk import update_from_values

# PostgreSQL has no Kazakh configuration: `simple` (lowercasing only) with prefix
# matching, so that "өзгеріс" finds "өзгерістер".
CONFIGS = {"kk": "simple", "kk-latn": "simple", "ru": "russian", "en": "english"}
PREFIX_MATCHING = {code for code, config in CONFIGS.items() if config == "simple"}
WEIGHTS = {"title": "A", "lead": "B", "body": "C"}
# The editions whose vectors and queries spell ı as i (Kazakh Latin: see above).
DOTLESS_I_AS_I = {"kk-latn"}

MAX_QUERY_LENGTH = 200
# Matches are ranked among the newest this many (ten pages of results): a word found in
# half the archive costs no more than a rare one, and news readers look for recent
# stories first. Ranking and finding them both grow with it: 1,000 cost a search at
# 100,000 articles 60-80 ms, 200 cost 25-45.
SEARCH_WINDOW = 200
# The newest matches are looked for in slices of go-live time, newest first: the first
# as long as it took to publish the newest FIRST_SLICE_ARTICLES, each next one
# SLICE_GROWTH times longer, the last one reaching back to the oldest.
FIRST_SLICE_ARTICLES = 1000
SLICE_GROWTH = 4
SLICES = 6
# Articles published in one go (an import) leave the first slice no shorter than this.
SHORTEST_SLICE = timedelta(hours=1)
MAX_WORDS = 10
PAGE_SIZE = 20
# word_similarity("Ашимбаев", "Әшімбаев ...") is 0.44; unrelated words stay below 0.3.
NEAR_SPELLING = 0.3
EXCERPT_CHARACTERS = 240
# Excerpts are made from the lead and this many characters of the body (markup included).
EXCERPT_SOURCE = 600
# What tells a rich-text body from a plain one (sanitizer.looks_like_html()): its opening tag.
BODY_START = 100

WORD = re.compile(r"[^\W_]+")
# ts_headline's markers: letters only (the parser keeps them whole) and unguessable,
# so that no stored text can forge one; escaped text gets <mark> in their place.
START, STOP = f"hl{token_hex(8)}start", f"hl{token_hex(8)}stop"
MARKED = re.compile(f"{START}(.*?){STOP}", re.S)
# Tags, a tag cut off by the end of the excerpt's source, and an entity cut off likewise.
MARKUP = r"<[^>]*(>|$)|&[#0-9A-Za-z]*$"


def clean_query(raw: str) -> str:
    """The query as searched: no control or invisible characters, at most 200 characters."""
    visible = "".join(
        " " if unicodedata.category(character)[0] == "C" else character
        for character in raw[: MAX_QUERY_LENGTH * 2]
    )
    return " ".join(visible.split())[:MAX_QUERY_LENGTH].strip()


def words_of(query: str) -> list[str]:
    """The query's words: letters and digits only, so none can carry query syntax."""
    return WORD.findall(query)[:MAX_WORDS]


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def fold_case(text: str | None) -> str | None:
    """`text` in lower case as PostgreSQL lowers it (İ to i, not i and a dot), ı as i."""
    if text is None:
        return None
    return text.lower().replace("i\u0307", "i").replace("ı", "i")


def as_indexed(text: str, language: str) -> str:
    """`text` spelled as `language`'s search vectors spell it."""
    return text.replace("ı", "i") if language in DOTLESS_I_AS_I else text


def vector_sql(language: str, title: str, lead: str, body: str) -> str:
    """SQL making `language`'s search vector from SQL for its title, lead and plain-text body.

    write_vectors() writes it, for one article saved or thousands inserted.
    """
    parts = []
    for text, weight in zip((title, lead, body), WEIGHTS.values(), strict=True):
        if language in DOTLESS_I_AS_I:
            text = f"translate({text}, 'ı', 'i')"
        parts.append(
            f"setweight(to_tsvector('{CONFIGS[language]}'::regconfig, {text}), '{weight}')"
        )
    return " || ".join(parts)


def text_search_query(query: str, language: str) -> SearchQuery | None:
    config = CONFIGS[language]
    if language in PREFIX_MATCHING:
        words = words_of(as_indexed(query, language))
        if not words:
            return None
        # Safe as raw tsquery syntax: each word is letters and digits only.
        prefixes = " & ".join(f"{word}:*" for word in words)
        return SearchQuery(prefixes, config=config, search_type="raw")
    return SearchQuery(query, config=config, search_type="websearch")


def highlight_query(query: str, language: str, search_query: SearchQuery) -> SearchQuery:
    """What highlights mark: the words searched, and in Kazakh Latin also as typed (with ı)."""
    if language not in DOTLESS_I_AS_I:
        return search_query
    spellings = {*words_of(query), *words_of(as_indexed(query, language))}
    prefixes = " | ".join(f"{word}:*" for word in sorted(spellings))
    return SearchQuery(prefixes, config=CONFIGS[language], search_type="raw")


def slice_bounds(language: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    """When about the FIRST_SLICE_ARTICLES-th newest and the oldest live article went live.

    The first is None in a smaller archive, both are None in an empty one.
    """
    # Read from the index of status and go-live time alone: slices need no precision.
    published_at = localized("published_at", language)
    live = Article.objects.filter(
        status=Article.Status.PUBLISHED, **{f"{published_at}__lte": now}
    ).values_list(published_at, flat=True)
    start = live.order_by(f"-{published_at}")[FIRST_SLICE_ARTICLES - 1 : FIRST_SLICE_ARTICLES]
    times = list(start.union(live.order_by(published_at)[:1], all=True).order_by())
    if not times:
        return None, None
    return (max(times) if len(times) == 2 else None), min(times)


def time_slices(
    now: datetime, start: datetime | None, oldest: datetime | None
) -> Iterator[tuple[datetime | None, datetime | None]]:
    """(older, newer) bounds of go-live time, the newest slice first; None leaves a side open.

    The first slice begins at `start` (without one, a single slice holds all);
    the one that would reach back past `oldest` is the last.
    """
    newer = None
    if start is not None:
        length = max(now - start, SHORTEST_SLICE)
        for _number in range(SLICES - 1):
            older = (newer or now) - length
            if older <= oldest:
                break
            yield older, newer
            newer, length = older, length * SLICE_GROWTH
    yield None, newer


def newest_matches(search_query: SearchQuery, language: str) -> list[int]:
    """The ids of the newest SEARCH_WINDOW live articles matching, newest first.

    A slice of go-live time at a time, so that the rows read stay near the
    window's size, whether PostgreSQL reads a slice's newest articles until
    enough match (a common word) or the matches from the index (a rare one).
    """
    published_at = localized("published_at", language)
    matches = Article.objects.public(language).filter(
        **{localized("search", language): search_query}
    )
    now = timezone.now()
    found: list[int] = []
    for older, newer in time_slices(now, *slice_bounds(language, now)):
        in_slice = matches
        if older is not None:
            in_slice = in_slice.filter(**{f"{published_at}__gte": older})
        if newer is not None:
            in_slice = in_slice.filter(**{f"{published_at}__lt": newer})
        found += in_slice.values_list("pk", flat=True)[: SEARCH_WINDOW - len(found)]
        if len(found) >= SEARCH_WINDOW:
            break
    return found


class AnyOf(Lookup):
    """`lhs = ANY(rhs)`, `rhs` an array of ids.

    One parameter rather than a thousand (cheaper to send and to plan), and
    PostgreSQL reads the rows in the order of their ids, close to where they lie.
    """

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs}::bigint[])", (*lhs_params, *rhs_params)


class RankedMatches:
    """Articles `pks`, best match first, for a Paginator: each page of them is one query."""

    def __init__(self, pks: list[int], query: str, language: str) -> None:
        self.pks = pks
        self.language = language
        self.search_query = text_search_query(query, language)
        self.highlight_query = highlight_query(query, language, self.search_query)

    def __len__(self) -> int:
        return len(self.pks)

    def __getitem__(self, page: slice) -> list[Article]:
        language = self.language
        rank = SearchRank(ranked_vector(language), self.search_query)
        order = ("-rank", f"-{localized('published_at', language)}", "-id")
        # The window is ranked on its ids alone; only the page's rows are read whole.
        best = (
            Article.objects.public(language)
            .filter(AnyOf(F("pk"), Value(self.pks, output_field=ArrayField(BigIntegerField()))))
            .annotate(rank=rank)
            .order_by(*order)
            .values("pk")[page]
        )
        markers = {"config": CONFIGS[language], "start_sel": START, "stop_sel": STOP}
        return list(
            Article.objects.public(language)
            .for_listing(language)
            .filter(pk__in=best)
            .annotate(
                rank=rank,
                # Whether the body is rich text is told by its start: a body is long.
                body_start=Left(localized("body", language), BODY_START),
                marked_title=SearchHeadline(
                    localized("title", language),
                    self.highlight_query,
                    highlight_all=True,
                    **markers,
                ),
                marked_excerpt=SearchHeadline(
                    excerpt_source(language),
                    self.highlight_query,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                    **markers,
                ),
            )
            .order_by(*order)
        )


def ranked_vector(language: str) -> F | CombinedSearchVector:
    """What a match is ranked on: the stored vector, or in Kazakh the title's and lead's words.

    Kazakh's vectors (`simple`: every word kept, unstemmed) are the largest, and
    kept apart from the row (TOAST) with the body's words: reading 200 of them
    was most of a Kazakh search once the archive outgrew memory. Its title and
    lead are made into a vector from the row instead (already read to find the
    matches), cheaply, since `simple` only lowers the words; weighted as stored,
    so a match in the body alone ranks after those in a title or lead, newest
    first, as it did. Measured at 100,000 articles: with the OS cache dropped,
    ranking a Kazakh window took 32 ms rather than 82; warm, a search costs 1-2
    ms more. Stemming Russian or English at query time costs 3-4 ms a search
    warm, and their smaller stored vectors met the target at 1,000,000.
    """
    if language not in PREFIX_MATCHING:
        return F(localized("search", language))
    vectors = []
    for field in ("title", "lead"):
        text = F(localized(field, language))
        if language in DOTLESS_I_AS_I:
            text = Func(
                text, Value("ı"), Value("i"), function="translate", output_field=TextField()
            )
        vectors.append(SearchVector(text, config=CONFIGS[language], weight=WEIGHTS[field]))
    return vectors[0] + vectors[1]


def excerpt_source(language: str) -> Concat:
    """The text excerpts are made from: the lead and the start of the body, without markup."""
    body_start = Func(
        Left(localized("body", language), EXCERPT_SOURCE),
        Value(MARKUP),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    return Concat(F(localized("lead", language)), Value(" "), body_start, output_field=TextField())


def near_spellings(query: str, language: str) -> QuerySet[Article]:
    """Live articles whose title has a word spelled like the query (pg_trgm).

    `%>` (trigram_word_similar) finds them through the title's trigram index,
    with the threshold that similar_word_threshold() sets on each connection.
    """
    title = localized("title", language)
    return (
        Article.objects.public(language)
        .for_listing()
        .filter(**{f"{title}__trigram_word_similar": query})
        .annotate(similarity=TrigramWordSimilarity(query, title))
        .order_by("-similarity", f"-{localized('published_at', language)}", "-id")[:SEARCH_WINDOW]
    )


@receiver(connection_created, dispatch_uid="articles.search.similar_word_threshold")
def similar_word_threshold(sender, connection, **kwargs) -> None:
    """Set the word similarity `%>` asks for: NEAR_SPELLING rather than pg_trgm's 0.6."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                [str(NEAR_SPELLING)],
            )


@receiver(connection_created, dispatch_uid="articles.search.fold_case_on_sqlite")
def fold_case_on_sqlite(sender, connection, **kwargs) -> None:
    """Give SQLite fold_case() as an SQL function (its own lower() knows ASCII only)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("fold_case", 1, fold_case, deterministic=True)


class FoldedCase(Func):
    """fold_case() in SQL, on SQLite (see fold_case_on_sqlite())."""

    function = "fold_case"
    output_field = TextField()


def plain_matches(query: str, language: str) -> QuerySet[Article]:
    """Live articles containing every word of the query in any case, newest first (SQLite)."""
    words = words_of(query)
    if not words:
        return Article.objects.none()
    folded = {f"folded_{field}": FoldedCase(localized(field, language)) for field in WEIGHTS}
    body = localized("body", language)
    matches = Article.objects.public(language).for_listing(language, also=(body,)).alias(**folded)
    for word in words:
        anywhere = Q()
        for name in folded:
            anywhere |= Q(**{f"{name}__contains": fold_case(word)})
        matches = matches.filter(anywhere)
    return matches


def paginate(query: str, language: str) -> tuple[Paginator, bool]:
    """The matches, a page at a time, and whether they are near-spellings of the words."""
    if not uses_full_text_search():
        return Paginator(plain_matches(query, language), PAGE_SIZE), False
    search_query = text_search_query(query, language)
    if search_query is not None and (pks := newest_matches(search_query, language)):
        return Paginator(RankedMatches(pks, query, language), PAGE_SIZE), False
    if words_of(query):
        return Paginator(near_spellings(query, language), PAGE_SIZE), True
    return Paginator([], PAGE_SIZE), False


def highlighted(text: str, pattern: re.Pattern) -> SafeString:
    """`text` escaped, with each match of `pattern` (or its group) wrapped in <mark>."""
    parts, end = [], 0
    for match in pattern.finditer(text):
        parts += [escape(text[end : match.start()]), format_html("<mark>{}</mark>", match[1])]
        end = match.end()
    parts.append(escape(text[end:]))
    return mark_safe("".join(parts))


def excerpt_around(text: str, pattern: re.Pattern) -> str:
    """About EXCERPT_CHARACTERS of `text`, starting a little before the first match."""
    text = " ".join(text.split())
    match = pattern.search(text)
    start = max(0, match.start() - EXCERPT_CHARACTERS // 3) if match else 0
    if start:
        start = text.find(" ", start) + 1 or start
    end = start + EXCERPT_CHARACTERS
    if end < len(text):
        end = text.rfind(" ", start, end) if " " in text[start:end] else end
    excerpt = text[start:end].strip()
    return f"{'… ' if start else ''}{excerpt}{' …' if end < len(text) else ''}"


def add_highlights(articles: list[Article], query: str, language: str) -> None:
    """Give each article `highlighted_title` and `excerpt`: escaped HTML with <mark>s."""
    words = words_of(query)
    pattern = re.compile(
        "({})".format("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))),
        re.IGNORECASE,
    )
    for article in articles:
        if hasattr(article, "marked_excerpt"):
            # The tags removed from the body's start left spaces behind.
            excerpt = " ".join((article.marked_excerpt or "").split())
            if looks_like_html(article.body_start):
                excerpt = unescape(excerpt)  # the body's entities, its tags already removed
            article.highlighted_title = highlighted(article.marked_title or "", MARKED)
            article.excerpt = highlighted(excerpt, MARKED)
        elif hasattr(article, "similarity"):
            article.highlighted_title = escape(article.title_in(language))
            article.excerpt = escape(article.summary)
        else:
            lead, body = article.text_in(language)[1:]
            text = f"{lead} {plain_text(body)}"
            article.highlighted_title = highlighted(article.title_in(language), pattern)
            article.excerpt = highlighted(excerpt_around(text, pattern), pattern)


def search_url(query: str) -> str:
    url = reverse("articles:search")
    return f"{url}?{urlencode({'q': query})}" if query else url


# Never kept by a browser, proxy or the page cache: results change with every publication.
@never_cache
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    query = clean_query(request.GET.get("q", ""))
    context = {
        "query": query,
        # reverse() inside language_links() adds each language's prefix.
        "language_links": language_links(lambda code: search_url(query)),
    }
    if query:
        paginator, near = paginate(query, language)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except InvalidPage:
            raise Http404 from None
        page.object_list = list(page.object_list)
        add_highlights(page.object_list, query, language)
        context.update(
            page_obj=page,
            paginator=paginator,
            articles=page.object_list,
            near=near,
            capped=paginator.count >= SEARCH_WINDOW,
        )
    return render(request, "articles/search.html", context)


@receiver(post_save, sender=Article, dispatch_uid="articles.search.update_search_vectors")
def update_search_vectors(sender, instance: Article, using: str, **kwargs) -> None:
    write_vectors([instance], using)


def searched_text(article: Article) -> Iterator[str]:
    """Each edition's title, lead and body as plain text, in EDITIONS order."""
    for code in EDITIONS:
        title, lead, body = article.text_in(code)
        yield from (title, lead, plain_text(body))


def write_vectors(articles: list[Article], using: str = "default") -> None:
    """Write the articles' search vectors from their text, in one UPDATE (PostgreSQL only).

    Saves, the archive generator and backup restore all write them here: each
    edition's title, lead and body as plain text through vector_sql(), from a
    VALUES list, so a batch of thousands costs one statement.
    """
    connection = connections[using]
    if connection.vendor != "postgresql" or not articles:
        return
    assignments, column = {}, 2
    for code in EDITIONS:
        title, lead, body = (f"incoming.column{column + offset}" for offset in range(3))
        assignments[localized("search", code)] = vector_sql(code, title, lead, body)
        column += 3
    rows = [(article.pk, *searched_text(article)) for article in articles]
    update_from_values(
        Article._meta.db_table, assignments, rows, types=["text"] * (column - 2), using=using
    )
