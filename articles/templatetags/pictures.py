"""`{% picture image sizes=... %}` and `{% published_time moment %}`: small markup made in Python.

These stand where an include would: pages show dozens of them, and an
include costs a template's whole rendering each time.
"""

from django import template
from django.utils import dateformat, formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from articles import images

register = template.Library()


@register.simple_tag
def picture(image, sizes="100vw", alt="", css_class="", eager=False) -> SafeString:
    """A media-library image as <picture>, from its recorded renditions: nothing touches the disk.

    `sizes` is the slot's width; `eager` for a picture above the fold.
    """
    made = images.picture(image)
    if made is None:
        return SafeString("")
    sources = format_html_join(
        "",
        '<source type="{}" srcset="{}" sizes="{}">',
        ((s.type, s.srcset, sizes) for s in made.sources),
    )
    return format_html(
        '<picture>{}<img{} src="{}"{} alt="{}"{}{} decoding="async"></picture>',
        sources,
        format_html(' class="{}"', css_class) if css_class else "",
        made.src,
        format_html(' srcset="{}" sizes="{}"', made.srcset, sizes) if made.srcset else "",
        alt,
        format_html(' width="{}" height="{}"', made.width, made.height) if made.width else "",
        SafeString(' fetchpriority="high"' if eager else ' loading="lazy"'),
    )


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
