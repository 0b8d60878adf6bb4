"""An article page's HTML, CSS and JavaScript weigh at most 60 KB compressed (issue 18)."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import make_article, make_author, make_category, make_image, make_tag

pytestmark = pytest.mark.django_db

BUDGET = 60 * 1024
STATIC = Path(settings.BASE_DIR) / "static"


def compressed(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=6))


def test_an_article_page_weighs_at_most_60_kb_compressed(client, tiny_png):
    category = make_category()
    for _ in range(8):
        make_article(category=category, cover_image=make_image(tiny_png))
    paragraphs = "".join(
        f"<p>Paragraph {number} of a long story about the budget, with figures and "
        f"quotes from the ministers who spoke in the chamber on Tuesday.</p>"
        for number in range(60)
    )
    article = make_article(
        category=category,
        authors=[make_author()],
        cover_image=make_image(tiny_png),
        body_en=paragraphs,
    )
    article.tags.add(make_tag(), make_tag())

    page = client.get(article.get_absolute_url("en")).content
    linked = re.findall(rb'<(?:link rel="stylesheet"|script)[^>]* (?:href|src)="([^"]+)"', page)
    weights = {"html": compressed(page)}
    for address in linked:
        path = address.decode()
        assert path.startswith(settings.STATIC_URL), path  # nothing from elsewhere
        weights[path] = compressed((STATIC / path.removeprefix(settings.STATIC_URL)).read_bytes())

    assert "/static/css/site.css" in weights
    assert sum(weights.values()) <= BUDGET, weights
