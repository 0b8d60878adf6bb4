from django import template

from articles.editions.languages import language_tag as bcp47_tag

register = template.Library()


@register.filter
def language_tag(language: str) -> str:
    """The BCP 47 tag for lang and hreflang attributes: kk-latn → kk-Latn."""
    return bcp47_tag(language or "")
