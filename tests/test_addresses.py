"""address() makes the same addresses as reverse(), reversing each pattern once."""

import pytest
from django.urls import reverse
from django.utils import translation

from articles.editions.addresses import address
from articles.editions.languages import EDITIONS


def reversed_in(language: str, url_name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(url_name, kwargs=kwargs)


@pytest.mark.parametrize("language", EDITIONS)
@pytest.mark.parametrize(
    ("url_name", "kwargs"),
    [
        ("articles:article", {"pk": 7, "slug": "budget-approved"}),
        ("articles:article", {"pk": 1234567, "slug": "a"}),
        ("articles:article-short", {"pk": 42}),
        ("articles:category", {"slug": "ekonomika"}),
        ("articles:author", {"slug": "aigerim-sarsenova-2"}),
        ("articles:tag", {"slug": "elections_2024"}),
        ("articles:tag-feed", {"slug": "elections"}),
    ],
)
def test_an_address_is_what_reverse_makes(language, url_name, kwargs):
    assert address(url_name, language, **kwargs) == reversed_in(language, url_name, **kwargs)


def test_a_slug_that_needs_quoting_goes_through_reverse():
    # Slugs are ASCII when made; one typed otherwise is quoted as reverse() quotes it.
    kwargs = {"pk": 5, "slug": "жаңа"}
    assert address("articles:article", "kk", **kwargs) == reversed_in(
        "kk", "articles:article", **kwargs
    )
    assert "%D0" in address("articles:article", "kk", **kwargs)


def test_the_same_pattern_in_two_languages_keeps_each_prefix():
    assert address("articles:category", "ru", slug="x").startswith("/ru/")
    assert address("articles:category", "kk-latn", slug="x").startswith("/kk-latn/")
