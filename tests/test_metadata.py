"""What machines read on each page: canonical, hreflang, social cards, JSON-LD."""

import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from articles.public.pagination import Cursor
from tests.factories import make_article, make_author, make_category, make_image

pytestmark = pytest.mark.django_db


def structured_data(page: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(block) for block in blocks]


def of_type(page: str, kind: str) -> dict:
    [found] = [data for data in structured_data(page) if data["@type"] == kind]
    return found


@pytest.fixture
def article(tiny_png):
    category = make_category(name_en="Economy")
    author = make_author(name_en="Aigerim Saduakassova")
    cover = make_image(tiny_png, alt_en="The Government House")
    with_text = make_article(
        category=category, authors=[author], cover_image=cover, title_en="Budget approved"
    )
    return with_text


def test_news_article_json_ld_is_complete(client, article):
    page = client.get(article.get_absolute_url("en")).content.decode()
    data = of_type(page, "NewsArticle")
    url = settings.SITE_URL + article.get_absolute_url("en")
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "Budget approved"
    assert data["description"] == article.lead_en
    assert data["datePublished"] == article.published_at_en.isoformat()
    assert data["dateModified"] == article.published_at_en.isoformat()
    assert data["inLanguage"] == "en"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["articleSection"] == "Economy"
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Aigerim Saduakassova",
            "url": settings.SITE_URL + article.byline_authors[0].get_absolute_url("en"),
        }
    ]
    # The cover cut to 16:9, 4:3 and 1:1 (tests/test_share_images.py), on SITE_URL.
    assert [image.split("?")[0].rsplit("/", 1)[1] for image in data["image"]] == [
        "share-16x9.jpg",
        "share-4x3.jpg",
        "share-1x1.jpg",
    ]
    assert all(image.startswith(settings.SITE_URL + "/") for image in data["image"])
    assert data["publisher"]["name"] == "Newsroom"
    assert data["publisher"]["logo"]["url"].startswith(settings.SITE_URL)


def test_date_modified_moves_when_the_live_text_changes(client, article):
    article.body_en = "Corrected."
    article.save()
    data = of_type(client.get(article.get_absolute_url("en")).content.decode(), "NewsArticle")
    assert data["dateModified"] > data["datePublished"]


def test_breadcrumbs_lead_home_category_article(client, article):
    page = client.get(article.get_absolute_url("en")).content.decode()
    items = of_type(page, "BreadcrumbList")["itemListElement"]
    assert [item["name"] for item in items] == ["Home", "Economy", "Budget approved"]
    assert items[-1]["item"] == settings.SITE_URL + article.get_absolute_url("en")


def test_home_describes_the_website(client):
    data = of_type(client.get("/ru/").content.decode(), "WebSite")
    assert data["url"] == settings.SITE_URL + "/ru/"
    assert data["inLanguage"] == "ru"


def test_json_ld_cannot_be_broken_out_of(client):
    hostile = make_article(title_en='</script><script>alert("x")</script>')
    page = client.get(hostile.get_absolute_url("en")).content.decode()
    assert '<script>alert("x")' not in page
    assert of_type(page, "NewsArticle")["headline"] == hostile.title_en


def test_canonical_and_social_cards(client, article):
    page = client.get(article.get_absolute_url("en") + "?utm_source=x").content.decode()
    canonical = settings.SITE_URL + article.get_absolute_url("en")
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:title" content="Budget approved">' in page
    assert f'<meta property="og:url" content="{canonical}">' in page
    assert '<meta property="og:image" content="' + settings.SITE_URL in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page


def test_list_pages_keep_their_page_in_their_canonical_address(client):
    articles = [
        make_article(published_at=timezone.now() - timedelta(minutes=minutes + 1))
        for minutes in range(25)
    ]
    cursor = Cursor.of(articles[19], "en")
    page = client.get(f"/en/news/?before={cursor}&x=1").content.decode()
    assert f'<link rel="canonical" href="{settings.SITE_URL}/en/news/?before={cursor}">' in page
    first = client.get("/en/news/?x=1").content.decode()
    assert f'<link rel="canonical" href="{settings.SITE_URL}/en/news/">' in first


def test_hreflang_lists_live_languages_and_x_default(client):
    article = make_article(languages=["kk", "en"])
    page = client.get(article.get_absolute_url("en")).content.decode()
    hreflangs = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', page)
    assert {code for code, _ in hreflangs} == {"kk", "kk-Latn", "en", "x-default"}
    assert dict(hreflangs)["x-default"] == settings.SITE_URL + article.get_absolute_url("kk")


def test_previews_carry_no_structured_data_or_canonical(client, article):
    from articles.public.preview import preview_url

    page = client.get(preview_url(article, "en").removeprefix(settings.SITE_URL)).content.decode()
    assert structured_data(page) == []
    assert 'rel="canonical"' not in page


def test_not_found_pages_claim_no_canonical_address(client):
    page = client.get("/en/news/999999-some-slug/").content.decode()
    assert 'rel="canonical"' not in page
    assert "some-slug" not in page
