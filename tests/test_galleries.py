"""Pictures in a row in a story are a gallery: one block, from renditions, an ImageGallery."""

import json
import re

import pytest

from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db


def figure(image, caption: str) -> str:
    picture = f'<img src="{image.file.url}" alt="{caption}">'
    return f"<figure>{picture}<figcaption>{caption}</figcaption></figure>"


def structured(page: str, kind: str) -> list[dict]:
    found = [json.loads(data) for data in re.findall(r'ld\+json">(.*?)</script>', page)]
    return [data for data in found if data.get("@type") == kind]


def test_pictures_in_a_row_are_one_gallery_and_a_lone_picture_is_not(client, tiny_png):
    pictures = [make_image(tiny_png, name=f"p{number}.png") for number in range(4)]
    body = (
        "<p>Before.</p>"
        + figure(pictures[0], "The square")
        + "<p>Between.</p>"
        + "".join(figure(picture, f"Stand {number}") for number, picture in enumerate(pictures[1:]))
        + "<p>After.</p>"
    )
    article = make_article(body_en=body)

    page = client.get(article.get_absolute_url("en")).content.decode()

    galleries = re.findall(
        r'<div class="gallery" role="group" aria-label="Gallery">(.*?)</div>', page, re.S
    )
    assert len(galleries) == 1
    assert galleries[0].count("<figure") == 3 and "The square" not in galleries[0]
    assert galleries[0].count("<picture>") == 3  # served from renditions
    assert "<figcaption>Stand 2</figcaption>" in galleries[0]
    (gallery,) = structured(page, "ImageGallery")
    assert [media["caption"] for media in gallery["associatedMedia"]] == [
        "Stand 0",
        "Stand 1",
        "Stand 2",
    ]
    assert gallery["associatedMedia"][0]["contentUrl"].endswith(pictures[1].file.url)


def test_a_story_without_a_gallery_claims_none(client, tiny_png):
    article = make_article(body_en="<p>Text.</p>" + figure(make_image(tiny_png), "Alone"))
    page = client.get(article.get_absolute_url("en")).content.decode()
    assert 'class="gallery"' not in page
    assert structured(page, "ImageGallery") == []
