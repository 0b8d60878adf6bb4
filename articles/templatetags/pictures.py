"""`{% picture image sizes=... %}` and `{% published_time moment %}`: small markup made in Python.

These stand where an include would: pages show dozens of them, and an
include costs a template's whole rendering each time.
"""

from django import template
from django.utils import dateformat, formats
from django.utils.html import format_html
from django.utils.safestring import SafeString

from articles.media import images

register = template.Library()


@register.simple_tag
def picture(image, sizes="100vw", alt="", css_class="", eager=False) -> SafeString:
    """`{% picture image sizes=... alt=... %}`: a media-library image as <picture>."""
    return images.picture_html(image, sizes, alt, css_class, eager)


@register.simple_tag
def published_time(moment) -> SafeString:
    """<time> for a go-live time: HTML's datetime takes whole seconds; the text, the language's."""
    if not moment:
        return SafeString("")
    from django.utils import timezone

    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}">{}</time>',
        dateformat.format(local, r"Y-m-d\TH:i:sO"),
        formats.date_format(local, "DATETIME_FORMAT"),
    )
