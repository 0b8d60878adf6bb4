from django import template
from django.utils.safestring import SafeString

from articles import body_pictures, sanitizer

register = template.Library()


@register.filter(is_safe=False)
def render_body(text: str | None, pictures: dict | None = None) -> SafeString:
    """An article body as HTML: `{{ article.body|render_body:body_pictures }}`.

    Sanitized rich text or escaped paragraphs (articles/sanitizer.py), with
    our own pictures served from their renditions (articles/body_pictures.py).
    """
    return body_pictures.with_renditions(sanitizer.render_body(text or ""), pictures or {})
