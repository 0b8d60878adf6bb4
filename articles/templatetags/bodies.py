from django import template
from django.utils.safestring import SafeString

from articles import sanitizer

register = template.Library()


@register.filter(is_safe=False)
def render_body(text: str | None) -> SafeString:
    """An article body as HTML: `{{ article.body|render_body }}` (see articles/sanitizer.py)."""
    return sanitizer.render_body(text or "")
