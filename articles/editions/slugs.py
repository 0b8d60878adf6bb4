"""Readable ASCII slugs for addresses, made from titles and names in any language."""

from django.db.models import QuerySet
from slugify import slugify

from articles.editions.transliteration import kazakh_slug_text

MAX_SLUG_LENGTH = 80
FALLBACK_SLUG = "item"


def make_slug(text: str, language: str) -> str:
    """An ASCII slug for `text`, written in `language`; never empty.

    Kazakh goes through the 2021 Latin alphabet folded to ASCII ("Мәулен" →
    "maulen"; Unidecode would give "m-ulen"); Russian and other Cyrillic
    through python-slugify's standard romanisation; English as it is.
    """
    if language.split("-")[0] == "kk":
        text = kazakh_slug_text(text)
    slug = slugify(text, max_length=MAX_SLUG_LENGTH, word_boundary=True)
    return slug or FALLBACK_SLUG


def unique_slug(slug: str, others: QuerySet, field: str) -> str:
    """`slug`, or `slug-2`, `slug-3`... whichever no other row uses in `field`."""
    taken = set(others.filter(**{f"{field}__startswith": slug}).values_list(field, flat=True))
    candidate, number = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{number}"
        number += 1
    return candidate
