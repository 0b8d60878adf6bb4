import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Inside <script>, "</script>" or "<!--" in a headline must not end the element.
SCRIPT_SAFE = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


@register.filter
def json_ld(data: dict) -> SafeString:
    """`{{ data|json_ld }}`: a JSON-LD script element, safe whatever the text holds."""
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)
    for character, escaped in SCRIPT_SAFE:  # str.replace: far faster than str.translate
        text = text.replace(character, escaped)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
