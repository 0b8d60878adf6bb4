"""Pictures in articles: covers and pictures in the text, described and served from renditions."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PillowImage

from articles.models import Article
from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db


def photo(width=1000, height=600) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), "navy").save(buffer, "JPEG")
    return buffer.getvalue()


def figure(image, alt="A train at Dostyk station") -> str:
    return (
        f'<p>Before.</p><figure><img src="{image.file.url}" alt="{alt}">'
        "<figcaption>The line</figcaption></figure><p>After.</p>"
    )


def test_a_picture_in_the_text_is_served_from_its_renditions(client):
    image = make_image(photo(), "train.jpg")
    article = make_article(body_en=figure(image))
    page = client.get(article.get_absolute_url("en")).content.decode()
    body = page[page.index('<div class="body">') :]
    assert "<picture>" in body
    assert 'type="image/webp"' in body and "640w" in body
    assert 'alt="A train at Dostyk station"' in body
    assert 'width="1000" height="600"' in body
    assert 'loading="lazy"' in body
    assert "<figcaption>The line</figcaption>" in body


def test_a_picture_from_elsewhere_in_media_is_left_as_it_is(client):
    article = make_article(
        body_en='<p>x</p><figure><img src="/media/other/x.jpg" alt="x"></figure>'
    )
    page = client.get(article.get_absolute_url("en")).content.decode()
    assert '<img src="/media/other/x.jpg" alt="x">' in page


def test_pictures_in_the_text_cost_one_query_however_many(client):
    def queries_for(count):
        images = [make_image(photo(400, 300), f"p{count}-{n}.jpg") for n in range(count)]
        article = make_article(body_en="".join(figure(image) for image in images))
        client.get(article.get_absolute_url("en"))  # warm the caches (most read, flush lock)
        with CaptureQueriesContext(connection) as queries:
            client.get(article.get_absolute_url("en"))
        return len(queries)

    assert queries_for(1) == queries_for(4)


def test_publishing_needs_cover_alt_text_in_every_written_language(client):
    cover = make_image(photo(), alt_ru="", alt_en="A train")
    article = make_article(status=Article.Status.REVIEW, published_at=None, cover_image=cover)
    editor = signed_in(client, make_user("Editors"))
    response = editor.post(change_url(article), change_form_data(article, status="published"))
    assert response.status_code == 200
    assert "Give the cover image alt text in: Русский" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_publishing_needs_alt_text_on_pictures_in_the_text():
    image = make_image(photo())
    article = make_article(body_en=figure(image, alt=""))
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "body_en" in error.value.message_dict


def test_a_draft_may_lack_alt_text_until_it_is_published():
    cover = make_image(photo(), alt_kk="", alt_ru="", alt_en="")
    draft = make_article(status=Article.Status.DRAFT, published_at=None, cover_image=cover)
    draft.full_clean()  # no error
