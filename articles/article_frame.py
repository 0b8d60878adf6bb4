"""The frame of an edition's article pages, rendered once and filled in per request.

Every article page of an edition is the same page around a few pieces of its
own: its title, head tags and language links, the article, its related
articles and the latest headlines beside it, each rendered once already
(articles.article_pages). Rendering templates/articles/article.html around
them is then what a page costs, so the frame is rendered once per edition,
content version and most-read generation, with a marker in place of each
piece, and a page is the frame's text with its pieces put in: the same text
the template renders (tests/test_article_frame.py holds them to it).

A piece is put in as `{{ piece }}` would put it: a safe string as it is, any
other text escaped. So the template must print each as a plain variable,
with no filter or condition around it; a piece the frame lacks is an error.
"""

import re
import secrets
from dataclasses import dataclass
from functools import partial

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from articles import content_version, page_cache, popularity
from articles.article_pages import TEMPLATE, ArticlePage

# The page's own fields the template prints, and the view's own context.
PAGE_PIECES = ("title", "meta", "social", "alternates", "json_ld", "language_switcher", "main")
CONTEXT_PIECES = ("canonical_url", "related_section", "latest_block")
PIECES = PAGE_PIECES + CONTEXT_PIECES


class FrameError(Exception):
    """The template no longer prints each piece once as a plain variable."""


@dataclass(frozen=True)
class Frame:
    """The frame's text, cut where the pieces go: texts[0], piece, texts[1], piece..."""

    texts: tuple[str, ...]
    pieces: tuple[str, ...]

    def fill(self, page: ArticlePage, **context) -> str:
        """The page of `page` with the view's `context` (each of CONTEXT_PIECES)."""
        values = {name: getattr(page, name) for name in PAGE_PIECES} | context
        out = [self.texts[0]]
        for name, text in zip(self.pieces, self.texts[1:], strict=True):
            out.append(conditional_escape(values[name]))
            out.append(text)
        return "".join(out)


def current(request: HttpRequest, language: str) -> Frame:
    """The frame of `language`'s article pages in this content version (made if need be)."""
    generation = page_cache.ranking_generation()
    return content_version.remember(
        lambda: made(request, language), "article-frame", language, generation
    )


def made(request: HttpRequest, language: str) -> Frame:
    """Renders the template with a marker for each piece, and cuts it at the markers."""
    # Random, so that no text the frame shows (a headline, say) can pass for a marker.
    nonce = secrets.token_hex(8)
    marks = {name: f"\ue000{nonce}:{name}\ue000" for name in PIECES}
    page = ArticlePage(
        pk=0,
        urls={},
        **{name: SafeString(marks[name]) for name in PAGE_PIECES if name != "title"},
        title=marks["title"],  # plain text in the template: escaped, as a title is
    )
    context = {name: SafeString(marks[name]) for name in CONTEXT_PIECES}
    context["canonical_url"] = marks["canonical_url"]  # plain text too
    context["page"] = page
    context["most_read"] = partial(popularity.most_read, language, days=1)
    html = render_to_string(TEMPLATE, context, request)
    cut = re.split(f"\ue000{nonce}:(\\w+)\ue000", html)
    texts, pieces = tuple(cut[0::2]), tuple(cut[1::2])
    if sorted(set(pieces)) != sorted(PIECES):
        raise FrameError(f"{TEMPLATE} prints {sorted(pieces)}, not each of {sorted(PIECES)}.")
    return Frame(texts, pieces)
