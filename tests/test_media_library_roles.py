"""The media library's rules: who may change a picture, and every picture cleaned on upload."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags
from PIL import Image as Pillow

from articles.models import Article, Author, Image
from tests.desk import make_user, signed_in
from tests.factories import make_article, make_image
from tests.rendered_forms import page_form

pytestmark = pytest.mark.django_db

HTML_PAGE = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def change_url(image: Image) -> str:
    return reverse("admin:articles_image_change", args=[image.pk])


def png(colour="teal") -> bytes:
    buffer = io.BytesIO()
    Pillow.new("RGB", (6, 4), colour).save(buffer, "PNG")
    return buffer.getvalue()


def image_form(**changes) -> dict:
    data = {
        **{f"alt_{code}": "A square" for code in ("kk", "ru", "en")},
        **{f"caption_{code}": "" for code in ("kk", "ru", "en")},
        "credit": "",
        "focal_x": "50",
        "focal_y": "50",
        "_save": "Save",
    }
    data.update(changes)
    return data


def replace_picture(client, image: Image):
    """Finding 2 as reproduced: a new file and a new English caption posted to the image."""
    return client.post(
        change_url(image),
        image_form(file=SimpleUploadedFile("new.png", png("red")), caption_en="Forged caption"),
    )


@pytest.fixture(params=["author", "translator"])
def staff(request):
    if request.param == "author":
        return make_user("Authors")
    return make_user("Translators", languages=["ru"])


def test_authors_and_translators_cannot_replace_the_cover_of_a_live_article(client, staff):
    cover = make_image(png())
    article = make_article(cover_image=cover)
    before = (cover.file.name, cover.caption_en)
    client = signed_in(client, staff)

    response = replace_picture(client, cover)

    assert response.status_code == 403
    cover.refresh_from_db()
    assert (cover.file.name, cover.caption_en) == before
    assert "Forged caption" not in client.get(article.get_absolute_url("en")).content.decode()


def test_they_cannot_change_a_picture_someone_else_uploaded_even_if_unused(client, staff):
    picture = make_image(png(), uploaded_by=make_user("Editors"))
    page = signed_in(client, staff).get(change_url(picture))
    assert page.status_code == 200  # they may look at it
    assert 'name="file"' not in page.content.decode()  # read-only
    assert replace_picture(client, picture).status_code == 403
    picture.refresh_from_db()
    assert picture.caption_en != "Forged caption"


def test_they_cannot_change_a_picture_shown_inside_another_articles_text(client, staff):
    picture = make_image(png(), uploaded_by=staff)
    address = picture.file.url
    make_article(body_en=f'<p>Text.</p><figure><img src="{address}" alt="A square"></figure>')
    assert replace_picture(signed_in(client, staff), picture).status_code == 403


def test_they_upload_pictures_and_change_their_own_unused_ones(client, staff):
    client = signed_in(client, staff)
    response = client.post(
        reverse("admin:articles_image_add"), image_form(file=SimpleUploadedFile("a.png", png()))
    )
    assert response.status_code == 302
    picture = Image.objects.get()
    assert picture.uploaded_by == staff

    page = client.get(change_url(picture))
    assert (
        client.post(change_url(picture), page_form(page.content.decode()).data).status_code == 302
    )
    assert replace_picture(client, picture).status_code == 302
    picture.refresh_from_db()
    assert picture.caption_en == "Forged caption"


def test_an_author_may_still_change_their_picture_on_their_own_draft(client):
    author = make_user("Authors")
    picture = make_image(png(), uploaded_by=author)
    make_article(
        status=Article.Status.DRAFT, published_at=None, created_by=author, cover_image=picture
    )
    assert replace_picture(signed_in(client, author), picture).status_code == 302


def test_editors_change_any_picture(client):
    cover = make_image(png())
    make_article(cover_image=cover)
    assert replace_picture(signed_in(client, make_user("Editors")), cover).status_code == 302


def test_the_image_page_lists_the_articles_that_show_it(client):
    cover = make_image(png())
    article = make_article(cover_image=cover, title_en="The story with the cover")
    page = signed_in(client, make_user("Editors")).get(change_url(cover)).content.decode()
    assert reverse("admin:articles_article_change", args=[article.pk]) in page
    assert "The story with the cover" in page


# Author photos: the same cleaning as the media library's (finding 4)


def photo_with_gps() -> bytes:
    exif = Pillow.Exif()
    exif[ExifTags.Base.Make] = "Newsroom camera"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (43.0, 15.0, 0.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (76.0, 57.0, 0.0),
        }
    )
    buffer = io.BytesIO()
    Pillow.new("RGB", (8, 8), "navy").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def gif_with_a_page_appended() -> bytes:
    buffer = io.BytesIO()
    Pillow.new("RGB", (4, 4), "red").save(buffer, "GIF")
    return buffer.getvalue() + HTML_PAGE


def stored_photo(author: Author) -> bytes:
    with default_storage.open(author.photo.name) as file:
        return file.read()


def add_author_with_photo(client, content: bytes, name: str):
    data = {
        **{f"name_{code}": f"Photographed [{code}]" for code in ("kk", "ru", "en")},
        **{f"slug_{code}": "" for code in ("kk", "ru", "en")},
        **{f"bio_{code}": "" for code in ("kk", "ru", "en")},
        "is_active": "on",
        "photo": SimpleUploadedFile(name, content),
        "_save": "Save",
    }
    response = client.post(reverse("admin:articles_author_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Author.objects.get()


def test_an_author_photo_keeps_no_location_or_camera_data(client):
    assert Pillow.open(io.BytesIO(photo_with_gps())).getexif()  # the upload does carry them
    author = add_author_with_photo(
        signed_in(client, make_user("Editors")), photo_with_gps(), "me.jpg"
    )
    data = stored_photo(author)
    picture = Pillow.open(io.BytesIO(data))
    assert not picture.getexif()
    assert b"Exif" not in data and b"Newsroom camera" not in data


def test_an_author_photo_carrying_a_page_is_stored_without_it_under_its_true_type(client):
    author = add_author_with_photo(
        signed_in(client, make_user("Editors")), gif_with_a_page_appended(), "me.jpg"
    )
    assert author.photo.name.endswith(".gif")
    assert b"<script" not in stored_photo(author)


def test_an_author_photo_saved_in_code_is_cleaned_too():
    author = Author(**{f"name_{code}": "Someone" for code in ("kk", "ru", "en")})
    author.photo.save("me.jpg", SimpleUploadedFile("me.jpg", photo_with_gps()), save=False)
    author.save()
    assert b"Newsroom camera" not in stored_photo(author)
