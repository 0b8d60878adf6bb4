from django import template
from django.utils.safestring import SafeString

from articles.media import sanitizer
from articles.public import bodies

register = template.Library()


@register.filter(is_safe=False)
def render_body(text: str | None, pictures: dict | None = None) -> SafeString:
    """An article body as HTML: `{{ article.body|render_body:pictures }}`.

    Sanitized rich text or escaped paragraphs (articles/media/sanitizer.py), with
    our own pictures served from their renditions (articles/public/bodies.py).
    """
    return bodies.with_renditions(sanitizer.render_body(text or ""), pictures or {})
