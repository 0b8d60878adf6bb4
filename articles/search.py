"""Reader search: `/<lang>/search/?q=`.

On PostgreSQL, full-text search over one vector column per edition
(Article.search_<lang>, GIN-indexed), rewritten on every save by
update_search_vectors(): title weighs most, then lead, then body. Results are
ranked and their excerpts highlighted; when the words find nothing, pg_trgm
finds near-spellings of them in titles (names written several ways). Other
databases (SQLite in development) get a plain substring match on the same page.

Adding an edition: give it a text search configuration in CONFIGS, a
`search_<code>` column on Article, and a migration that indexes and fills it
(as migrations/0008_search.py does).
"""

import re
import unicodedata
from html import unescape
from secrets import token_hex

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.core.paginator import InvalidPage, Paginator
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from articles.languages import EDITIONS, language_links, localized
from articles.models import Article
from articles.sanitizer import looks_like_html, plain_text

# PostgreSQL has no Kazakh configuration: `simple` (lowercasing only) with prefix
# matching, so that "өзгеріс" finds "өзгерістер".
CONFIGS = {"kk": "simple", "kk-latn": "simple", "ru": "russian", "en": "english"}
PREFIX_MATCHING = {code for code, config in CONFIGS.items() if config == "simple"}
WEIGHTS = {"title": "A", "lead": "B", "body": "C"}

MAX_QUERY_LENGTH = 200
# Matches are ranked among the newest this many: a word found in half the archive
# costs no more than a rare one, and news readers look for recent stories first.
SEARCH_WINDOW = 1000
MAX_WORDS = 10
PAGE_SIZE = 20
# word_similarity("Ашимбаев", "Әшімбаев ...") is 0.44; unrelated words stay below 0.3.
NEAR_SPELLING = 0.3
EXCERPT_CHARACTERS = 240

WORD = re.compile(r"[^\W_]+")
# ts_headline's markers: letters only (the parser keeps them whole) and unguessable,
# so that no stored text can forge one; escaped text gets <mark> in their place.
START, STOP = f"hl{token_hex(8)}start", f"hl{token_hex(8)}stop"
MARKED = re.compile(f"{START}(.*?){STOP}", re.S)
HTML_TAG = r"<[^>]*>"


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


def text_search_query(query: str, language: str) -> SearchQuery | None:
    config = CONFIGS[language]
    if language in PREFIX_MATCHING:
        words = words_of(query)
        if not words:
            return None
        # Safe as raw tsquery syntax: each word is letters and digits only.
        prefixes = " & ".join(f"{word}:*" for word in words)
        return SearchQuery(prefixes, config=config, search_type="raw")
    return SearchQuery(query, config=config, search_type="websearch")


def full_text_matches(query: str, language: str) -> QuerySet[Article]:
    """Live articles matching the query's words, best first, with highlighted text."""
    search_query = text_search_query(query, language)
    if search_query is None:
        return Article.objects.none()
    vector = F(localized("search", language))
    config = CONFIGS[language]
    body_text = Func(
        F(localized("body", language)),
        Value(HTML_TAG),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    # Read once, as a list: counting and ranking them then cost no second index scan.
    newest_matches = list(
        Article.objects.public(language)
        .filter(**{localized("search", language): search_query})
        .values_list("pk", flat=True)[:SEARCH_WINDOW]
    )
    return (
        Article.objects.public(language)
        .for_listing()
        .filter(pk__in=newest_matches)
        .annotate(
            rank=SearchRank(vector, search_query),
            marked_title=SearchHeadline(
                localized("title", language),
                search_query,
                config=config,
                start_sel=START,
                stop_sel=STOP,
                highlight_all=True,
            ),
            marked_excerpt=SearchHeadline(
                Concat(
                    F(localized("lead", language)),
                    Value(" "),
                    body_text,
                    output_field=TextField(),
                ),
                search_query,
                config=config,
                start_sel=START,
                stop_sel=STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", f"-{localized('published_at', language)}", "-id")
    )


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


def plain_matches(query: str, language: str) -> QuerySet[Article]:
    """Live articles containing every word of the query, newest first (no full-text search).

    SQLite compares case only for ASCII letters, so each word is also tried
    in lower case and capitalized.
    """
    words = words_of(query)
    if not words:
        return Article.objects.none()
    matches = Article.objects.public(language).for_listing()
    for word in words:
        anywhere = Q()
        for spelling in {word, word.lower(), word.capitalize()}:
            for field in WEIGHTS:
                anywhere |= Q(**{f"{localized(field, language)}__icontains": spelling})
        matches = matches.filter(anywhere)
    return matches


def paginate(query: str, language: str) -> tuple[Paginator, bool]:
    """The matches, a page at a time, and whether they are near-spellings of the words."""
    if not uses_full_text_search():
        return Paginator(plain_matches(query, language), PAGE_SIZE), False
    paginator = Paginator(full_text_matches(query, language), PAGE_SIZE)
    if paginator.count == 0 and words_of(query):
        return Paginator(near_spellings(query, language), PAGE_SIZE), True
    return paginator, False


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
            excerpt = article.marked_excerpt or ""
            if looks_like_html(article.body_in(language)):
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
    """Rewrite the saved article's search vectors, in one UPDATE (PostgreSQL only)."""
    if connections[using].vendor != "postgresql":
        return
    vectors = {}
    for code in EDITIONS:
        title, lead, body = instance.text_in(code)
        texts = {"title": title, "lead": lead, "body": plain_text(body)}
        vector = None
        for field, weight in WEIGHTS.items():
            part = SearchVector(Value(texts[field]), config=CONFIGS[code], weight=weight)
            vector = part if vector is None else vector + part
        vectors[localized("search", code)] = vector
    Article.objects.using(using).filter(pk=instance.pk).update(**vectors)
