"""An article body as readers get it: our pictures inside it served like covers, from renditions.

The stored body keeps a plain `<img src="/media/images/...">` (what the
sanitizer allows); at render time each picture of ours becomes a
`<picture>` with its renditions. The media-library rows are fetched in one
query per page, only when the body has pictures.

A gallery is two or more pictures in a row: the editor adds figures one
after another, and the page sets them as one block (a grid of pictures with
their captions), which structured data describes as an ImageGallery.
"""

import re
from html import unescape

from django.conf import settings
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from articles.media import embeds, images
from articles.media.sanitizer import IMG_TAG, render_body
from articles.models import Image

ATTRIBUTE = re.compile(r'\b(src|alt)="([^"]*)"', re.I)
# Figures never nest (the sanitizer's allow-list): a run of two or more, nothing between.
FIGURE = re.compile(r"<figure\b[^>]*>(?:(?!</figure>).)*</figure>", re.S | re.I)
GALLERY = re.compile(rf"(?:{FIGURE.pattern}\s*){{2,}}", re.S | re.I)
SOURCE = re.compile(r'<img\b[^>]*\bsrc="([^"]*)"', re.I)
CAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.S | re.I)
BODY_SIZES = "(min-width: 64rem) 42rem, 100vw"


def image_names(body: str) -> list[str]:
    """The storage names of the media pictures a body shows, in order."""
    names = []
    for tag in IMG_TAG.findall(body or ""):
        src = dict((k.lower(), unescape(v)) for k, v in ATTRIBUTE.findall(tag)).get("src", "")
        if src.startswith(settings.MEDIA_URL):
            names.append(src.removeprefix(settings.MEDIA_URL))
    return names


def pictures_for(body: str) -> dict[str, Image]:
    """The media-library rows of a body's pictures, by storage name (one query, or none)."""
    names = image_names(body)
    if not names:
        return {}
    return {image.file.name: image for image in Image.objects.filter(file__in=names)}


def with_renditions(html: SafeString, pictures: dict[str, Image]) -> SafeString:
    """The body with each known picture's `<img>` replaced by its `<picture>`."""
    if not pictures:
        return html

    def replace(match: re.Match) -> str:
        attributes = dict((k.lower(), unescape(v)) for k, v in ATTRIBUTE.findall(match.group(0)))
        name = attributes.get("src", "").removeprefix(settings.MEDIA_URL)
        image = pictures.get(name)
        if image is None:
            return match.group(0)
        return images.picture_html(image, sizes=BODY_SIZES, alt=attributes.get("alt", ""))

    return mark_safe(IMG_TAG.sub(replace, html))


def rendered(body: str, embedded: list[embeds.Found] | None = None) -> SafeString:
    """An article body as readers get it: sanitized rich text or escaped paragraphs
    (media/sanitizer.py), with our own pictures served from their renditions,
    pictures in a row set as a gallery, and videos and posts as click-to-load cards
    (`embedded`, from embeds.found_in(body), when the caller has them already)."""
    html = with_renditions(render_body(body or ""), pictures_for(body))
    if embedded is None:
        embedded = embeds.found_in(body)
    return with_galleries(embeds.with_cards(html, embedded))


def with_galleries(html: SafeString) -> SafeString:
    """Each run of two or more figures wrapped as one gallery block."""
    if html.count("<figure") < 2:
        return html
    label = escape(gettext("Gallery"))
    return mark_safe(
        GALLERY.sub(
            lambda run: (
                f'<div class="gallery" role="group" aria-label="{label}">'
                f"{run.group(0).strip()}</div>"
            ),
            html,
        )
    )


def gallery_pictures(body: str) -> list[tuple[str, str]]:
    """The (address, caption text) of the pictures of the body's galleries, in order."""
    found = []
    for run in GALLERY.finditer(body or ""):
        for figure in FIGURE.findall(run.group(0)):
            if source := SOURCE.search(figure):
                caption = CAPTION.search(figure)
                text = unescape(strip_tags(caption.group(1))).strip() if caption else ""
                found.append((unescape(source.group(1)), text))
    return found
