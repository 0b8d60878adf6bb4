from django import template
from django.utils import translation

from articles.caching import generation
from articles.editions.languages import language_tag as bcp47_tag
from articles.models import Source

register = template.Library()


@register.filter
def language_tag(language: str) -> str:
    """The BCP 47 tag for lang and hreflang attributes: kk-latn → kk-Latn."""
    return bcp47_tag(language or "")


@register.filter
def source_name(credit: str) -> str:
    """An article's credit as the active edition writes it (articles/models/sources.py),
    else as it was typed. The sources are read once per content generation."""
    names = generation.remember(Source.names_by_credit, "sources")
    named = names.get((credit or "").strip().casefold(), {})
    return named.get(translation.get_language()) or credit
