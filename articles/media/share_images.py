"""The pictures a shared link shows: covers cut around the focal point, or a card.

Google asks for an article's image at 16:9, 4:3 and 1:1, at least 1,200
pixels wide where the picture has them; social networks show the 16:9 one.
A story with a cover gets its cover cut to each shape around the editor's
focal point (articles/media/crops.py); a story without one, and every list
page, gets a card: the edition's colour and name, and the headline set in the
site's web font (static/fonts/).

Each is made once, the first time it is asked for, and kept in the media
storage under a name that digests everything it is made of (the picture and
its focal point, or the words, the colour and the font): a new headline or a
moved focal point is a new name, so that nothing needs to be thrown away
from caches, and an archive imported without share images gets them as
they are read.
"""

import hashlib
import io
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

from articles.media import crops

WIDTH = 1200  # what Google asks for, at least
SHAPES = {shape.name.replace(":", "x"): shape for shape in crops.SHAPES}  # "16x9", "4x3", "1x1"
SOCIAL = "16x9"  # what og:image and twitter:image show
FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "noto-sans-700.woff2"
FOLDER = "share"
# Bump to make every card again (a new layout).
CARD_LAYOUT = 1


@dataclass(frozen=True)
class ShareImage:
    """One made picture: where it is kept, and its size."""

    name: str
    width: int
    height: int


def size_of(shape: str, picture_width: int | None = None) -> tuple[int, int]:
    """A shape's size: WIDTH wide, or a narrower picture's whole width (never enlarged)."""
    cut = SHAPES[shape]
    width = min(WIDTH, picture_width) if picture_width else WIDTH
    return width, round(width * cut.height / cut.width)


def digest(*parts) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:20]


def cover_name(image, shape: str) -> str:
    """Where the cover's cut to `shape` is kept: its name digests the file and focal point."""
    made_of = digest(image.file.name, image.focal_x, image.focal_y, shape)
    return f"{FOLDER}/cover-{made_of}.jpg"


def card_name(words: str, caption: str, colour: str, shape: str) -> str:
    made_of = digest(words, caption, colour, shape, CARD_LAYOUT, FONT.stat().st_size)
    return f"{FOLDER}/card-{made_of}.jpg"


def kept(name: str, make) -> bytes:
    """The picture kept as `name`, made by `make()` and kept the first time."""
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    content = make()
    default_storage.save(name, ContentFile(content))  # a race makes it twice: same bytes
    return content


def cover(image, shape: str) -> bytes:
    """The cover cut to `shape` around its focal point, WIDTH wide at most, as JPEG."""

    def make() -> bytes:
        with image.file.open("rb") as source, Image.open(source) as picture:
            picture.seek(0)  # an animated picture's first frame
            box = crops.crop_box(
                picture.width, picture.height, SHAPES[shape], image.focal_x, image.focal_y
            )
            cut = picture.convert("RGB").crop(box)
        cut = cut.resize(size_of(shape, cut.width), Image.Resampling.LANCZOS)
        return jpeg(cut)

    return kept(cover_name(image, shape), make)


def card(words: str, caption: str, colour: str, shape: str) -> bytes:
    """A card of `shape`: `words` (a headline, the site's name) large on `colour`, `caption`
    (the site's name, its address) small above them."""
    return kept(
        card_name(words, caption, colour, shape),
        lambda: jpeg(drawn_card(words, caption, colour, shape)),
    )


def drawn_card(words: str, caption: str, colour: str, shape: str) -> Image.Image:
    width, height = size_of(shape)
    picture = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(picture)
    margin = 80
    draw.rectangle((0, height - 24, width, height), fill=darker(colour))
    draw.text((margin, margin - 10), caption, font=font(40), fill="white")
    room = (margin + 80, height - margin - 40)  # between the caption and the foot
    for size in (72, 64, 56, 48, 40):
        lines = wrapped(words, font(size), width - 2 * margin)
        line_height = round(size * 1.25)
        if len(lines) * line_height <= room[1] - room[0]:
            break
    else:
        lines = lines[: (room[1] - room[0]) // line_height]
        lines[-1] = lines[-1].rstrip(" .,;:") + "…"
    top = room[0] + (room[1] - room[0] - len(lines) * line_height) // 2
    for number, line in enumerate(lines):
        draw.text((margin, top + number * line_height), line, font=font(size), fill="white")
    return picture


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def wrapped(words: str, typeface: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """`words` in lines no wider than `width` pixels, broken between words."""
    lines: list[str] = []
    for word in words.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and typeface.getlength(candidate) <= width:
            lines[-1] = candidate
        elif typeface.getlength(word) <= width:
            lines.append(word)
        else:  # a word wider than the card: cut where it fills the line
            lines += textwrap.wrap(word, max(1, int(len(word) * width / typeface.getlength(word))))
    return lines or [""]


def darker(colour: str) -> tuple[int, int, int]:
    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return round(red * 0.7), round(green * 0.7), round(blue * 0.7)


def jpeg(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()
