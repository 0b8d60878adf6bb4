"""Pictures are cleaned and resized once on upload, and served as <picture> from the row alone."""

import io
import shutil
import struct
import zlib
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import ExifTags, ImageCms, features
from PIL import Image as Pillow

from articles.media import images
from articles.models import Image
from articles.templatetags import pictures
from tests.desk import signed_in
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db

RED, BLUE = (220, 20, 20), (20, 20, 220)
ALMATY = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (43.0, 15.0, 0.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (76.0, 57.0, 0.0),
}
needs_avif = pytest.mark.skipif(not features.check("avif"), reason="this Pillow cannot write AVIF")


def two_colour_photo(size=(40, 20), orientation=6) -> bytes:
    """A JPEG, red on the left and blue on the right, taken in Almaty and stored sideways.

    Orientation 6 means "turn 90° clockwise to view", so upright it is red on top.
    """
    width, height = size
    photo = Pillow.new("RGB", size, BLUE)
    photo.paste(RED, (0, 0, width // 2, height))
    exif = Pillow.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Newsroom camera"
    exif[ExifTags.Base.Artist] = "A staff photographer"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(ALMATY)
    buffer = io.BytesIO()
    photo.save(
        buffer,
        "JPEG",
        quality=95,
        exif=exif,
        comment=b"shot at the Medeu rink",
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>43,15N</exif:GPSLatitude>'
        b"</x:xmpmeta>",
    )
    return buffer.getvalue()


def logo_with_transparency(size=(700, 100)) -> bytes:
    """A PNG: a blue band on a fully transparent background."""
    logo = Pillow.new("RGBA", size, (0, 0, 0, 0))
    logo.paste(BLUE + (255,), (0, size[1] // 2, size[0], size[1]))
    buffer = io.BytesIO()
    logo.save(buffer, "PNG")
    return buffer.getvalue()


def plain_png(width: int, height: int = 10) -> bytes:
    buffer = io.BytesIO()
    Pillow.new("RGB", (width, height), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def noisy_jpeg(side=64) -> bytes:
    buffer = io.BytesIO()
    Pillow.effect_noise((side, side), 64).convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def bomb(width: int, height: int) -> bytes:
    """A black 1-bit PNG: a few kilobytes that decode to width × height pixels."""
    buffer = io.BytesIO()
    Pillow.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG that says it is width × height, too big for Pillow even to open."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


def stored(path: str) -> tuple[bytes, Pillow.Image]:
    with default_storage.open(path) as file:
        data = file.read()
    picture = Pillow.open(io.BytesIO(data))
    picture.load()
    return data, picture


def served_files(image: Image) -> list[str]:
    """The original and every rendition: what readers can download."""
    formats = image.renditions["formats"]
    return [image.file.name] + [path for entries in formats.values() for _, path in entries]


def assert_no_metadata(path: str) -> None:
    data, picture = stored(path)
    assert not picture.getexif(), path
    assert not set(picture.info) & {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"}
    assert b"Exif" not in data and b"xmpmeta" not in data and b"Medeu" not in data, path


@pytest.fixture
def editor_client(client):
    editor = get_user_model().objects.create_superuser("chief", "chief@example.com", "pw")
    signed_in(client, editor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def upload(client, content: bytes, name: str):
    """The admin's add form as a browser posts it, with a file and typed fields."""
    return client.post(
        reverse("admin:articles_image_add"),
        {
            "file": SimpleUploadedFile(name, content),
            "alt_kk": "Медеу",
            "alt_ru": "Медеу",
            "alt_en": "Skaters at Medeu",
            "caption_kk": "",
            "caption_ru": "",
            "caption_en": "The rink at dawn",
            "credit": "Kazinform",
            "focal_x": "50",  # as the form shows them
            "focal_y": "50",
            "_save": "Save",
        },
    )


class PictureTags(HTMLParser):
    """The attributes of each <source> and <img> on a page."""

    def __init__(self, html: str):
        super().__init__()
        self.sources, self.imgs = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "source":
            self.sources.append(dict(attrs))
        elif tag == "img":
            self.imgs.append(dict(attrs))


def test_an_upload_through_the_admin_keeps_no_location_or_metadata_in_any_served_file(
    editor_client,
):
    original = Pillow.open(io.BytesIO(two_colour_photo()))
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo does carry GPS
    response = upload(editor_client, two_colour_photo(), "medeu.jpg")
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.credit == "Kazinform"
    assert default_storage.listdir(image.file.name.rsplit("/", 1)[0]) == ([], ["medeu.jpg"])
    assert len(served_files(image)) > 1
    for path in served_files(image):
        assert_no_metadata(path)


def test_a_sideways_photo_is_turned_upright_in_the_original_and_every_rendition():
    image = make_image(two_colour_photo(size=(40, 20), orientation=6), name="sideways.jpg")
    assert (image.width, image.height) == (20, 40)
    assert image.renditions["width"] == 20 and image.renditions["height"] == 40
    for path in served_files(image):
        _, picture = stored(path)
        rgb = picture.convert("RGB")
        assert picture.size == (20, 40), path
        top, bottom = rgb.getpixel((10, 3)), rgb.getpixel((10, 36))
        assert top[0] > 150 and top[2] < 100, (path, top)  # red
        assert bottom[2] > 150 and bottom[0] < 100, (path, bottom)  # blue


def test_the_upload_as_it_came_is_not_left_in_storage():
    image = make_image(two_colour_photo(), name="medeu.jpg")
    assert default_storage.listdir(image.file.name.rsplit("/", 1)[0])[1] == ["medeu.jpg"]
    assert_no_metadata(image.file.name)


def test_transparency_is_kept_in_the_png_fallback_and_the_webp():
    image = make_image(logo_with_transparency(), name="logo.png")
    assert image.renditions["fallback_type"] == "image/png"
    kinds = ["webp", "fallback"] + (["avif"] if features.check("avif") else [])
    for kind in kinds:
        for _, path in image.renditions["formats"][kind]:
            _, picture = stored(path)
            assert picture.mode == "RGBA", path
            assert picture.getpixel((1, 1))[3] == 0, path  # the transparent background
            assert picture.getpixel((1, picture.height - 2))[3] == 255, path
    assert all(path.endswith(".png") for _, path in image.renditions["formats"]["fallback"])


def test_an_opaque_picture_falls_back_to_jpeg():
    image = make_image(plain_png(400), name="opaque.png")
    assert image.renditions["fallback_type"] == "image/jpeg"
    for _, path in image.renditions["formats"]["fallback"]:
        assert stored(path)[1].format == "JPEG"


@needs_avif
def test_avif_renditions_are_made_when_pillow_can_write_avif():
    image = make_image(plain_png(700), name="wide.png")
    avif = image.renditions["formats"]["avif"]
    assert [width for width, _ in avif] == [320, 640, 700]
    assert all(stored(path)[1].format == "AVIF" for _, path in avif)


def test_without_avif_support_there_are_webp_and_fallback_renditions_only(monkeypatch):
    can = features.check
    monkeypatch.setattr(images.features, "check", lambda name: name != "avif" and can(name))
    image = make_image(plain_png(700), name="wide.png")
    assert set(image.renditions["formats"]) == {"webp", "fallback"}


@pytest.mark.parametrize(
    "width, expected",
    [
        (100, [100]),
        (320, [320]),
        (700, [320, 640, 700]),
        (2500, [320, 640, 960, 1280, 1920]),
    ],
)
def test_rendition_widths_never_exceed_the_original(width, expected):
    image = make_image(plain_png(width, height=8), name="strip.png")
    for kind, entries in image.renditions["formats"].items():
        assert [rendition_width for rendition_width, _ in entries] == expected, kind
        for rendition_width, path in entries:
            assert stored(path)[1].width == rendition_width


def test_an_animated_gif_keeps_its_frames_and_is_served_as_itself():
    frames = [Pillow.new("RGB", (30, 20), colour) for colour in (RED, BLUE, "white")]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, "GIF", save_all=True, append_images=frames[1:], duration=80, comment=b"Medeu"
    )
    image = make_image(buffer.getvalue(), name="loop.gif")
    assert image.renditions["fallback_type"] == "image/gif"
    data, picture = stored(image.file.name)
    assert picture.n_frames == 3
    assert b"Medeu" not in data
    page = pictures.picture(image, sizes="50vw")
    (img,) = PictureTags(page).imgs
    assert img["src"] == image.file.url
    assert (img["width"], img["height"]) == ("30", "20")


def test_saving_again_makes_no_new_renditions():
    image = make_image(plain_png(700), name="wide.png")
    renditions = image.renditions
    files = sorted(default_storage.listdir(served_files(image)[1].rsplit("/", 1)[0])[1])
    image.alt_en = "Changed"
    image.save()
    image.refresh_from_db()
    assert image.renditions == renditions
    assert sorted(default_storage.listdir(served_files(image)[1].rsplit("/", 1)[0])[1]) == files


def test_a_new_file_gets_new_renditions(django_capture_on_commit_callbacks):
    image = make_image(plain_png(700), name="first.png")
    old = served_files(image)[1:]
    with django_capture_on_commit_callbacks(execute=True):
        image.file = SimpleUploadedFile("second.png", plain_png(400))
        image.save()
    assert image.renditions["source"] == image.file.name
    assert image.renditions["width"] == 400
    assert not any(default_storage.exists(path) for path in old)


@pytest.mark.parametrize(
    "content, name",
    [
        (b"Dear editor, this is not a photo.", "notes.jpg"),
        (noisy_jpeg(), "big.jpg"),
        (bomb(8000, 8000), "bomb.png"),
    ],
    ids=["not-a-picture", "too-big", "decompression-bomb"],
)
def test_a_refused_upload_gets_a_form_error_and_keeps_what_was_typed(
    editor_client, settings, content, name
):
    settings.IMAGE_MAX_UPLOAD_BYTES = 2000
    response = upload(editor_client, content, name)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"]
    assert Image.objects.count() == 0
    page = response.content.decode()
    assert 'value="Kazinform"' in page
    assert 'value="Skaters at Medeu"' in page
    assert 'value="The rink at dawn"' in page


def test_the_form_says_how_big_the_file_is_and_the_limit(editor_client, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 2000
    content = noisy_jpeg()
    response = upload(editor_client, content, "big.jpg")
    (message,) = response.context["adminform"].form.errors["file"]
    assert message.replace("\xa0", " ") == (
        f"The file is {len(content) / 1024:.1f} KB; the limit is 2.0 KB."
    )


def test_the_form_says_how_many_megapixels_a_bomb_has(editor_client):
    response = upload(editor_client, bomb(8000, 8000), "bomb.png")
    assert response.context["adminform"].form.errors["file"] == [
        "The picture is too large to process (64 megapixels; the limit is 50)."
    ]


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"GIF89a, or so it says", "notes.jpg", images.NOT_A_PICTURE),
        (plain_png(40, 40)[:-30], "cut.png", images.NOT_A_PICTURE),
        (bomb(8000, 8000), "bomb.png", "(64 megapixels; the limit is 50)"),
        (png_header_claiming(30000, 30000), "huge.png", "(more than 90 megapixels"),
    ],
    ids=["not-a-picture", "truncated", "bomb", "huge-header"],
)
def test_the_upload_field_explains_each_refusal(content, name, message):
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            images.PictureField().clean(SimpleUploadedFile(name, content))
        assert str(message) in refused.value.messages[0]
        assert "Upload a valid image" not in refused.value.messages[0]


def test_a_limit_on_pixels_can_be_set(settings):
    settings.IMAGE_MAX_PIXELS = 1000
    with translation.override("en"), pytest.raises(ValidationError, match="the limit is 1"):
        images.validate_upload(SimpleUploadedFile("small.png", plain_png(100, 20)))


def test_a_validated_upload_is_rewound_for_django_to_save():
    upload_file = SimpleUploadedFile("small.png", plain_png(100, 20))
    images.validate_upload(upload_file)
    assert upload_file.tell() == 0


def test_an_image_whose_files_are_gone_can_still_be_edited():
    image = make_image(two_colour_photo(), name="medeu.jpg", credit="Old credit")
    shutil.rmtree(settings.MEDIA_ROOT)
    image = Image.objects.get(pk=image.pk)
    image.credit = "New credit"
    image.save()
    assert Image.objects.get(pk=image.pk).credit == "New credit"


def test_the_article_page_serves_a_picture_with_sources_srcset_sizes_and_dimensions(client):
    image = make_image(plain_png(1000, 500), name="cover.png", alt_en="The new line")
    article = make_article(cover_image=image)
    page = client.get(article.get_absolute_url("en")).content.decode()
    tags = PictureTags(page[page.index("<picture>") : page.index("</picture>")])
    types = [source["type"] for source in tags.sources]
    assert types == (["image/avif"] if features.check("avif") else []) + ["image/webp"]
    for source in tags.sources:
        assert source["sizes"] == "(min-width: 64rem) 42rem, 100vw"
        assert [entry.split()[1] for entry in source["srcset"].split(", ")] == [
            "320w",
            "640w",
            "960w",
            "1000w",
        ]
    (img,) = tags.imgs
    assert img["src"].endswith("/1000.jpg") and img["src"].startswith(settings.MEDIA_URL)
    assert img["srcset"].count("w, ") == 3 and img["sizes"] == tags.sources[0]["sizes"]
    assert (img["width"], img["height"], img["alt"]) == ("1000", "500", "The new line")
    assert img["fetchpriority"] == "high" and "loading" not in img  # the cover is above the fold


def test_a_card_picture_below_the_fold_is_lazy_and_keeps_its_class(client):
    image = make_image(plain_png(700, 350), name="cover.png")
    article = make_article(cover_image=image)
    context = {"articles": [article], "heading": "h2"}
    # With a request, as on pages: the frame's context gives each card's fragment its key.
    page = render_to_string(
        "includes/article_list.html", context, request=RequestFactory().get("/")
    )
    (img,) = PictureTags(page).imgs
    assert img["loading"] == "lazy" and img["decoding"] == "async"
    assert img["class"] == "card-cover" and "fetchpriority" not in img
    assert (img["width"], img["height"]) == ("700", "350")


def test_a_page_still_renders_when_the_files_are_gone(client):
    article = make_article(cover_image=make_image(plain_png(700), name="cover.png"))
    shutil.rmtree(settings.MEDIA_ROOT)
    response = client.get(article.get_absolute_url("en"))
    assert response.status_code == 200
    assert "<picture>" in response.content.decode()


@pytest.mark.parametrize(
    "renditions",
    [{}, {"source": "images/another.png"}, {"formats": "broken"}, ["not", "a", "dict"]],
    ids=["none", "another-file", "broken", "not-a-dict"],
)
def test_without_usable_renditions_the_original_is_shown(client, renditions):
    image = make_image(plain_png(700, 350), name="cover.png")
    Image.objects.filter(pk=image.pk).update(renditions=renditions)
    article = make_article(cover_image=image)
    page = client.get(article.get_absolute_url("en")).content.decode()
    tags = PictureTags(page[page.index("<picture>") : page.index("</picture>")])
    assert tags.sources == []
    (img,) = tags.imgs
    assert img["src"] == image.file.url and "srcset" not in img
    assert (img["width"], img["height"]) == ("700", "350")


def test_rendering_a_picture_touches_neither_the_storage_nor_the_database(
    monkeypatch, django_assert_num_queries
):
    image = Image.objects.get(pk=make_image(plain_png(700), name="cover.png").pk)

    def forbidden(*args, **kwargs):
        raise AssertionError("storage accessed while rendering")

    for method in ("open", "exists", "size", "path", "listdir", "get_modified_time"):
        monkeypatch.setattr(default_storage, method, forbidden)
    with django_assert_num_queries(0):
        page = pictures.picture(image)
    assert page.count("<source") == len(image.renditions["formats"]) - 1


def test_a_cover_costs_the_article_page_no_query(client):
    with_cover = make_article(cover_image=make_image(plain_png(700), name="cover.png"))
    without = make_article()
    another = make_article()

    def queries(article) -> int:
        """The queries of the article's first page view (its fragments are made)."""
        with CaptureQueriesContext(connection) as captured:
            assert client.get(article.get_absolute_url("en")).status_code == 200
        return len(captured)

    queries(another)  # fills what every page shares (navigation, content version)
    assert queries(with_cover) == queries(without) > 0


def test_no_image_renders_nothing():
    assert pictures.picture(None) == ""


def test_regenerate_renditions_makes_them_again_from_the_stored_original():
    image = make_image(plain_png(700), name="cover.png")
    Image.objects.filter(pk=image.pk).update(renditions={})
    call_command("regenerate_renditions", stdout=io.StringIO())
    image.refresh_from_db()
    assert image.renditions["source"] == image.file.name
    assert [width for width, _ in image.renditions["formats"]["webp"]] == [320, 640, 700]
