"""The pictures a shared link shows: covers cut around the focal point, cards for the rest."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image as Pillow

from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db


def picture_with_a_mark(width: int, height: int, mark_at: tuple[int, int]) -> bytes:
    """A grey picture with a red square where the editor's focal point will be."""
    picture = Pillow.new("RGB", (width, height), (128, 128, 128))
    x, y = mark_at
    picture.paste((220, 0, 0), (x - 60, y - 60, x + 60, y + 60))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def structured_images(page: str) -> list[str]:
    for found in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page):
        data = json.loads(found)
        if data.get("@type") == "NewsArticle":
            return data["image"]
    raise AssertionError("no NewsArticle")


def fetched_picture(client, url: str) -> Pillow.Image:
    path = url.removeprefix("http://testserver")
    answer = client.get(re.sub(r"^https?://[^/]+", "", path))
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg", url
    return Pillow.open(io.BytesIO(answer.content))


def test_a_cover_is_cut_to_the_three_shapes_google_asks_for_around_its_focal_point(client):
    # The subject near the top left: a square cut from the middle would miss it.
    cover = make_image(picture_with_a_mark(2400, 1600, (200, 200)), name="cover.png")
    cover.focal_x, cover.focal_y = 8, 12
    cover.save()
    article = make_article(cover_image=cover, title_en="Floods in the north")

    page = client.get(article.get_absolute_url("en")).content.decode()

    images = structured_images(page)
    assert [re.search(r"share-(\w+)\.jpg", url)[1] for url in images] == ["16x9", "4x3", "1x1"]
    sizes = {"16x9": (1200, 675), "4x3": (1200, 900), "1x1": (1200, 1200)}
    for url in images:
        picture = fetched_picture(client, url)
        assert picture.size == sizes[re.search(r"share-(\w+)\.jpg", url)[1]]
        # The red mark is inside every cut, left of its middle (the focal point is at 8%).
        red = [
            x
            for x in range(0, picture.width, 10)
            for y in range(0, picture.height, 10)
            if picture.getpixel((x, y))[0] > 180 and picture.getpixel((x, y))[1] < 60
        ]
        assert red and max(red) < picture.width / 2, url
    assert f'<meta property="og:image" content="{images[0]}">' in page
    assert '<meta property="og:image:width" content="1200">' in page
    assert f'<meta name="twitter:image" content="{images[0]}">' in page
    assert '<meta name="robots" content="max-image-preview:large">' in page


def test_a_small_cover_is_cut_but_never_enlarged(client):
    cover = make_image(picture_with_a_mark(600, 400, (300, 200)), name="small.png")
    article = make_article(cover_image=cover)

    page = client.get(article.get_absolute_url("en")).content.decode()

    wide = structured_images(page)[0]
    assert fetched_picture(client, wide).size == (600, 338)
    assert '<meta property="og:image:width" content="600">' in page
    assert '<meta property="og:image:height" content="338">' in page


def test_a_story_without_a_cover_gets_a_card_made_once_per_headline(client):
    article = make_article(title_kk="Елордада жаңа мектеп ашылды")
    page = client.get(article.get_absolute_url("kk")).content.decode()
    first = structured_images(page)[0]
    assert fetched_picture(client, first).size == (1200, 675)
    kept = default_storage.listdir("share")[1]
    assert len(kept) == 1
    fetched_picture(client, first)  # asked again: the kept card, not a new one
    assert default_storage.listdir("share")[1] == kept

    article.title_kk = "Елордада екі жаңа мектеп ашылды"
    article.save()
    page = client.get(article.get_absolute_url("kk")).content.decode()
    second = structured_images(page)[0]
    assert second != first  # a new headline, a new address for every cache
    fetched_picture(client, second)
    assert len(default_storage.listdir("share")[1]) == 2


def test_moving_the_focal_point_gives_new_share_pictures(client, tiny_png):
    cover = make_image(picture_with_a_mark(1600, 900, (800, 450)))
    article = make_article(cover_image=cover)
    before = structured_images(client.get(article.get_absolute_url("en")).content.decode())
    cover.focal_x = 10
    cover.save()
    after = structured_images(client.get(article.get_absolute_url("en")).content.decode())
    assert before[2] != after[2]  # the square's cut moved


def test_list_pages_share_the_editions_card(client):
    make_article()
    for address in ("/en/", "/en/news/", "/en/authors/"):
        page = client.get(address).content.decode()
        card = re.search(r'<meta property="og:image" content="([^"]+)">', page)[1]
        assert "/en/share.jpg?v=" in card
        assert f'<meta name="twitter:image" content="{card}">' in page
        assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert fetched_picture(client, card).size == (1200, 675)


def test_no_share_picture_for_a_story_not_live_in_the_edition(client):
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=2))
    english_only = make_article(languages=("en",))
    assert client.get(f"/en/news/{scheduled.pk}/share-16x9.jpg").status_code == 404
    assert client.get(f"/ru/news/{english_only.pk}/share-16x9.jpg").status_code == 404
    assert client.get(f"/en/news/{english_only.pk}/share-16x9.jpg").status_code == 200
    assert client.get(f"/en/news/{english_only.pk}/share-2x1.jpg").status_code == 404


def test_every_article_has_an_og_image_and_a_json_ld_image(client):
    for number in range(2):
        cover = make_image(picture_with_a_mark(1600, 1000, (800, 500)), name=f"c{number}.png")
        make_article(cover_image=cover)
        make_article(title_en=f"A story without a picture, number {number}")

    from articles.models import Article

    for article in Article.objects.published("en"):
        page = client.get(article.get_absolute_url("en")).content.decode()
        og_image = re.search(r'<meta property="og:image" content="([^"]+)">', page)[1]
        images = structured_images(page)
        assert og_image == images[0] and len(images) == 3
        sizes = [fetched_picture(client, url).size for url in images]
        assert [round(width / height, 2) for width, height in sizes] == [1.78, 1.33, 1.0]
        assert all(width >= 1000 for width, _height in sizes), sizes
