"""Pictures for readers: checked on upload, cleaned, and resized once into renditions.

An upload is refused with a clear message when it is too big, is not a picture
Pillow can read, or has more pixels than we are willing to decode
(`validate_upload`). When an Image is saved with a new file, `prepare` turns the
photo upright (EXIF orientation), converts it to sRGB and drops every byte of
metadata (EXIF with the GPS position, XMP, IPTC, ICC profile, comments), stores
that clean original in place of the upload, and writes the renditions: each of
RENDITION_WIDTHS up to the picture's own width, in AVIF (where this Pillow can
write it), WebP, and a JPEG fallback (PNG for a picture with transparency). The
credit stays in the database, never in a file.

The renditions of a 12-megapixel photo take seconds (AVIF above all). With a
task backend that queues (TASKS_BACKEND=database), the upload answers once the
original is clean and a worker makes them (`make_renditions_later`); until then
pages show the clean original. With the immediate backend they are made in the save.

What was made is recorded in `Image.renditions`, so a page builds its
`<picture>` from the row alone (`picture`): no file is opened or checked while
rendering, and a missing file costs a broken image, never a broken page.

Why not a library: sorl-thumbnail and easy-thumbnails make a thumbnail on the
first request for it and look it up (key-value store, database or storage) on
every render; django-imagekit's default strategy generates on first access and
makes sure the file exists whenever its URL is asked for (its optimistic
strategy avoids that, but the rest of what follows is still ours to write). None
of them picks AVIF by what the installed Pillow can encode, and none cleans the
original, which readers can also download. What we need is small: a few resizes
at upload time, recorded in a JSON field.
"""

import io
import logging
import math
import mimetypes
import posixpath
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.tasks import task, task_backends
from django.tasks.backends.immediate import ImmediateBackend
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, ImageSequence, features

logger = logging.getLogger(__name__)

RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # settings.IMAGE_MAX_UPLOAD_BYTES overrides it
MAX_PIXELS = 50_000_000  # settings.IMAGE_MAX_PIXELS overrides it

UPLOAD_FORMATS = ("JPEG", "PNG", "WEBP", "GIF") + (("AVIF",) if features.check("avif") else ())
MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "JPEG": "image/jpeg", "PNG": "image/png"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif", "GIF": "gif"}
# The cleaned original is saved in its own format, close to the upload's quality.
ORIGINAL_OPTIONS = {
    "JPEG": {"quality": 88, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 88},
    "AVIF": {"quality": 80},
    "GIF": {"optimize": True},
}
# What a saved picture may keep from its source's `info`: nothing that describes it.
KEPT_INFO = ("transparency",)
SRGB = ImageCms.createProfile("sRGB")

NOT_A_PICTURE = _("This file is not a picture (JPEG, PNG, WebP, AVIF or GIF).")
FILE_TOO_BIG = _("The file is %(size)s; the limit is %(limit)s.")
TOO_MANY_PIXELS = _(
    "The picture is too large to process (%(megapixels)s megapixels; the limit is %(limit)s)."
)
FAR_TOO_MANY_PIXELS = _(
    "The picture is too large to process (more than %(megapixels)s megapixels; "
    "the limit is %(limit)s)."
)


def max_upload_bytes() -> int:
    return getattr(settings, "IMAGE_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)


def max_pixels() -> int:
    return getattr(settings, "IMAGE_MAX_PIXELS", MAX_PIXELS)


def megapixels(pixels: int) -> int:
    return math.ceil(pixels / 1_000_000)


def validate_upload(file) -> None:
    """Refuse what is not a usable picture, with a clear message.

    Runs on a new upload; a stored file was checked when it was uploaded.
    """
    if getattr(file, "_committed", False):
        return
    limit = max_upload_bytes()
    if file.size > limit:
        raise ValidationError(
            FILE_TOO_BIG,
            code="file_too_big",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    file.seek(0)
    try:
        decode(file)
    finally:
        file.seek(0)


def decode(file) -> None:
    """Read the header, check the pixel count, then decode: Pillow's failures become messages."""
    limit = max_pixels()
    too_many = {"limit": megapixels(limit)}
    try:
        with Image.open(file, formats=UPLOAD_FORMATS) as picture:
            width, height = picture.size
            if width * height > limit:  # from the header, before a pixel is decoded
                too_many["megapixels"] = megapixels(width * height)
                raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels", params=too_many)
            picture.load()  # a truncated or corrupt file fails here, not on save
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow refuses such a picture as it opens it, before telling its size.
        too_many["megapixels"] = megapixels(Image.MAX_IMAGE_PIXELS)
        raise ValidationError(
            FAR_TOO_MANY_PIXELS, code="too_many_pixels", params=too_many
        ) from error
    except Exception as error:
        # Pillow reports a broken or unknown file with many exception types.
        raise ValidationError(NOT_A_PICTURE, code="not_a_picture") from error


class PictureField(forms.ImageField):
    """The upload field, giving validate_upload's messages instead of Django's generic one.

    Django's ImageField rejects a non-image or a decompression bomb as "not a
    valid image" before the model's validators run.
    """

    def to_python(self, data):
        if isinstance(data, UploadedFile) and data.size:
            validate_upload(data)
        return super().to_python(data)


def prepare(image) -> bool:
    """Before an Image is saved: clean a new file, store it, and make its renditions.

    A file is new when it was just uploaded (not yet stored) or when the
    renditions were made for another one. Anything else is left as it is.
    True when the renditions are left to the worker: once the image is saved,
    queue them with `make_renditions_on_commit`.
    """
    if not image.file:
        image.renditions = {}
        return False
    uploaded = not image.file._committed
    previous = image.renditions if isinstance(image.renditions, dict) else {}
    if not uploaded and previous.get("source") == image.file.name:
        return False
    try:
        picture, animated = store_clean_original(image.file)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        if uploaded:  # never let an uncleaned upload through
            raise
        logger.warning("Image %s: cannot read %s", image.pk, image.file.name, exc_info=True)
        image.renditions = {}
        return False
    image.width, image.height = picture.size
    if in_background():
        # Pages show the cleaned original until the worker has made the renditions.
        image.renditions = pending(image.file.name)
    else:
        image.renditions = make_renditions(picture, image.file.name, image.file.storage, animated)
    discard_later(previous, image.renditions, image.file.storage)
    return is_pending(image.renditions)


def in_background() -> bool:
    """Whether renditions are left to a worker: with any task backend but the immediate one."""
    return not isinstance(task_backends["default"], ImmediateBackend)


def pending(name: str) -> dict:
    """The renditions of a picture whose renditions the worker has still to make."""
    return {"source": name, "pending": True}


def is_pending(renditions) -> bool:
    return isinstance(renditions, dict) and renditions.get("pending") is True


def make_renditions_on_commit(image) -> None:
    """Queue the saved `image`'s renditions for the worker, once its row is committed."""
    image_id, name = image.pk, image.file.name
    transaction.on_commit(lambda: make_renditions_later.enqueue(image_id, name))


@task
def make_renditions_later(image_id: int, name: str) -> bool:
    """In the worker: make the renditions an upload of `name` left pending.

    False when there is nothing left to do: the picture was deleted or replaced
    since, or its renditions were made already.
    """
    image = apps.get_model("articles", "Image").objects.filter(pk=image_id).first()
    if image is None or image.file.name != name or not is_pending(image.renditions):
        return False
    regenerate(image)
    return True


def clean_new_picture(file, stored_name: str | None) -> None:
    """Before any other picture (an author's photo) is saved: clean it if it is new.

    New means just uploaded, or stored under another name than the row held
    (a file saved to the field in code). The same re-encoding and metadata
    stripping as the media library's, without renditions.
    """
    if file and (not file._committed or file.name != stored_name):
        store_clean_original(file)


def store_clean_original(file) -> tuple[Image.Image, bool]:
    """Replace a picture field's file by an upright, metadata-free copy, re-encoded.

    Nothing of the upload survives but its pixels: no EXIF (GPS), no bytes
    hidden after the image (a polyglot). Returns that picture (its first
    frame, if animated) and whether it is animated.
    """
    with file.open("rb") as source:
        raw = source.read()
    source_image = Image.open(io.BytesIO(raw), formats=UPLOAD_FORMATS)
    source_format = source_image.format
    animated = getattr(source_image, "is_animated", False)
    clean, content = cleaned(source_image, animated)
    stem, extension = posixpath.splitext(posixpath.basename(file.name))
    if Image.registered_extensions().get(extension.lower()) != source_format:
        extension = f".{EXTENSIONS[source_format]}"
    if file._committed:
        file.storage.delete(file.name)  # the upload as it came, with its metadata
    file.save(f"{stem}{extension}", ContentFile(content), save=False)
    return clean, animated


def cleaned(picture: Image.Image, animated: bool) -> tuple[Image.Image, bytes]:
    """The picture upright, in sRGB and without metadata, and its encoding in its own format.

    An animated picture keeps its frames (and its orientation: cameras do not animate).
    """
    source_format = picture.format
    options = ORIGINAL_OPTIONS[source_format]
    buffer = io.BytesIO()
    if animated:
        frames = [without_metadata(frame.copy()) for frame in ImageSequence.Iterator(picture)]
        durations = [frame.info.get("duration", 100) for frame in ImageSequence.Iterator(picture)]
        frames[0].save(
            buffer,
            source_format,
            save_all=True,
            append_images=frames[1:],
            duration=durations,
            loop=picture.info.get("loop", 0),
            **options,
        )
        clean = frames[0]
    else:
        clean = without_metadata(in_srgb(ImageOps.exif_transpose(picture)))
        if source_format == "JPEG" and clean.mode not in ("RGB", "L"):
            clean = clean.convert("RGB")
        clean.save(buffer, source_format, **options)
    return clean, buffer.getvalue()


def in_srgb(picture: Image.Image) -> Image.Image:
    """The picture converted to sRGB from its embedded colour profile, if it has one."""
    profile = picture.info.get("icc_profile")
    if not profile or picture.mode not in ("RGB", "RGBA", "CMYK"):
        return picture
    try:
        return ImageCms.profileToProfile(
            picture,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            SRGB,
            outputMode="RGBA" if picture.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return picture  # an unreadable profile: the colours stay as they are


def without_metadata(picture: Image.Image) -> Image.Image:
    picture.info = {key: value for key, value in picture.info.items() if key in KEPT_INFO}
    return picture


def rendition_widths(width: int) -> list[int]:
    """The widths to make: the standard ones below the picture's, and its own up to the largest."""
    widths = [step for step in RENDITION_WIDTHS if step < width]
    if width <= RENDITION_WIDTHS[-1]:
        widths.append(width)
    return widths


def encoders(transparent: bool) -> dict[str, tuple[str, dict]]:
    """Each rendition format: its Pillow format and options, best first."""
    formats = {}
    if features.check("avif"):
        formats["avif"] = ("AVIF", {"quality": 60})
    formats["webp"] = ("WEBP", {"quality": 80})
    if transparent:
        formats["fallback"] = ("PNG", {"optimize": True})
    else:
        formats["fallback"] = ("JPEG", {"quality": 82, "optimize": True, "progressive": True})
    return formats


def make_renditions(picture: Image.Image, name: str, storage, animated: bool = False) -> dict:
    """Write the renditions of the cleaned `picture` stored as `name`; describe them.

    An animated picture has none: it is served as its cleaned original.
    """
    width, height = picture.size
    described = {"source": name, "width": width, "height": height, "formats": {}}
    if animated:
        described["fallback_type"] = mimetypes.guess_type(name)[0]
        return described
    base = picture.convert("RGBA") if picture.has_transparency_data else picture.convert("RGB")
    transparent = base.mode == "RGBA" and base.getchannel("A").getextrema()[0] < 255
    if not transparent:
        base = base.convert("RGB")
    folder = f"renditions/{posixpath.splitext(name)[0]}"
    formats = encoders(transparent)
    for rendition_width in rendition_widths(width):
        size = (rendition_width, max(1, round(height * rendition_width / width)))
        resized = base if size == base.size else base.resize(size, Image.Resampling.LANCZOS)
        for kind, (pillow_format, options) in formats.items():
            buffer = io.BytesIO()
            resized.save(buffer, pillow_format, **options)
            path = f"{folder}/{rendition_width}.{EXTENSIONS[pillow_format]}"
            stored = storage.save(path, ContentFile(buffer.getvalue()))
            described["formats"].setdefault(kind, []).append([rendition_width, stored])
    described["fallback_type"] = MIME_TYPES[formats["fallback"][0]]
    return described


def rendition_paths(renditions: dict) -> set[str]:
    formats = renditions.get("formats")
    return {
        entry[1]
        for entries in (formats.values() if isinstance(formats, dict) else ())
        if isinstance(entries, list)
        for entry in entries
        if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], str)
    }


def discard_later(previous: dict, current: dict, storage) -> None:
    """Once the new renditions are committed, delete the files of the ones they replace."""
    paths = rendition_paths(previous) - rendition_paths(current)

    def delete():
        for path in paths:
            storage.delete(path)

    if paths:
        transaction.on_commit(delete)


def regenerate(image) -> None:
    """Make the renditions again from the stored original (already cleaned on upload)."""
    previous = image.renditions if isinstance(image.renditions, dict) else {}
    with image.file.open("rb") as source, Image.open(source, formats=UPLOAD_FORMATS) as picture:
        animated = getattr(picture, "is_animated", False)
        image.renditions = make_renditions(picture, image.file.name, image.file.storage, animated)
    # A save, so that the pages showing the old renditions, whose files go, are made anew.
    image.save(update_fields=["renditions"])
    discard_later(previous, image.renditions, image.file.storage)


@dataclass(frozen=True)
class Source:
    type: str
    srcset: str


@dataclass(frozen=True)
class Picture:
    """What a `<picture>` shows: sources best first, and the fallback `<img>`."""

    src: str
    srcset: str = ""
    width: int | None = None
    height: int | None = None
    sources: tuple[Source, ...] = ()


def picture(image) -> Picture | None:
    """The `<picture>` of a media-library image, from its row alone (no file is touched).

    Without usable renditions (an old row, a failed or animated picture) it is
    the original file.
    """
    if image is None or not image.file:
        return None
    try:
        return from_renditions(image.renditions, image.file.name, image.file.storage)
    except (AttributeError, KeyError, TypeError, ValueError):
        return Picture(src=image.file.url, width=image.width, height=image.height)


def from_renditions(renditions: dict, name: str, storage) -> Picture:
    if renditions.get("source") != name:
        raise ValueError("The renditions were made for another file.")
    formats = renditions["formats"]

    def srcset(entries: list) -> str:
        return ", ".join(f"{storage.url(path)} {int(width)}w" for width, path in entries)

    fallback = formats.get("fallback")
    if not fallback:
        raise ValueError("No renditions.")
    return Picture(
        src=storage.url(fallback[-1][1]),
        srcset=srcset(fallback),
        width=int(renditions["width"]),
        height=int(renditions["height"]),
        sources=tuple(
            Source(MIME_TYPES[kind], srcset(formats[kind]))
            for kind in ("avif", "webp")
            if formats.get(kind)
        ),
    )


def picture_html(image, sizes="100vw", alt="", css_class="", eager=False) -> SafeString:
    """A media-library image as <picture>, from its recorded renditions: nothing touches the disk.

    `sizes` is the slot's width; `eager` for a picture above the fold.
    """
    made = picture(image)
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
