"""No answer of the site can be framed by another site: X-Frame-Options on every one.

Browsers that predate Content-Security-Policy's frame-ancestors read only the
header, so it must be on redirects, 304s and errors too, not only on pages.
"""

import pytest
from django.test import Client

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_the_language_redirect_at_the_root_carries_it(client):
    response = client.get("/", headers={"Accept-Language": "ru"})
    assert response.status_code == 302
    assert response["X-Frame-Options"] == "DENY"


def test_a_304_from_the_page_cache_carries_it(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    make_article()
    first = client.get("/en/")
    again = client.get("/en/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again["X-Frame-Options"] == "DENY"


def test_a_400_for_a_host_not_allowed_carries_it():
    response = Client(HTTP_HOST="evil.example").get("/en/")
    assert response.status_code == 400
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/en/news/999999/", "/en/", "/en/rss/", "/admin/login/"])
def test_pages_feeds_and_not_found_pages_carry_it(client, path):
    assert client.get(path)["X-Frame-Options"] == "DENY"
