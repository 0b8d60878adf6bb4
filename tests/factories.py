"""Small factories for test data: make_article(**overrides) and friends."""

import itertools
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from articles.models import LANGUAGE_CODES, Article, Author, Byline, Category, Tag
from articles.models import Image as Picture

_numbers = itertools.count(1)


def translated(field: str, text: str, languages=LANGUAGE_CODES) -> dict[str, str]:
    """{field_kk: "text [kk]", ...} for the given languages."""
    return {f"{field}_{code}": f"{text} [{code}]" for code in languages}


def make_category(**overrides) -> Category:
    number = next(_numbers)
    fields = translated("name", f"Category {number}")
    fields.update(overrides)
    return Category.objects.create(**fields)


def make_tag(**overrides) -> Tag:
    number = next(_numbers)
    fields = translated("name", f"Tag {number}")
    fields.update(overrides)
    return Tag.objects.create(**fields)


def make_author(**overrides) -> Author:
    number = next(_numbers)
    fields = translated("name", f"Author {number}")
    fields.update(overrides)
    return Author.objects.create(**fields)


_AN_HOUR_AGO = object()


def make_article(
    languages=LANGUAGE_CODES, authors=(), published_at=_AN_HOUR_AGO, **overrides
) -> Article:
    """A published article, live in each of `languages` since `published_at` (an hour ago)."""
    number = next(_numbers)
    if published_at is _AN_HOUR_AGO:
        # Each article a second older than the one before: a stable order, and
        # still within the last day after thousands of them in one test run.
        published_at = timezone.now() - timedelta(hours=1, seconds=number)
    fields = {
        **translated("title", f"Article {number}", languages),
        **translated("lead", f"Lead of article {number}", languages),
        **translated("body", f"Body of article {number}.\n\nSecond paragraph.", languages),
        **{f"published_at_{code}": published_at for code in languages},
        "status": Article.Status.PUBLISHED,
    }
    fields.update(overrides)
    article = Article.objects.create(**fields)
    for position, author in enumerate(authors):
        Byline.objects.create(article=article, author=author, position=position)
    return article


def make_image(content: bytes, name: str = "picture.png", **overrides) -> Picture:
    """A media-library image from real image bytes, described in every written language."""
    fields = {**translated("alt", "Alt text"), **translated("caption", "Caption"), **overrides}
    image = Picture(**fields)
    image.file.save(name, ContentFile(content), save=False)
    image.save()
    return image
