"""Every public page type, in every edition, is valid HTML and passes axe-core.

The validators come from npm (`make install`): the Nu Html Checker runs on
Java, axe-core in Debian's Chromium (tools/audit.py runs both). A missing one
fails these tests rather than skipping them, so that CI cannot pass without
checking.
"""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from articles.models import StaticPage
from tests.factories import make_article, make_author, make_category, make_image, make_tag
from tools.audit import MissingTool, axe_violations, vnu_errors

pytestmark = pytest.mark.slow

EDITIONS = [code for code, _name in settings.LANGUAGES]
# A word of each edition's title of the article, for a search that finds it.
SEARCH_WORDS = {"kk": "Астана", "kk-latn": "Astana", "ru": "Астана", "en": "Astana"}


def build_site(png: bytes) -> dict[str, str]:
    """A small, realistic site; {"<edition> <page type>": path} of its public pages."""
    category, author, tag = make_category(), make_author(bio_en="Reports from Astana."), make_tag()
    cover = make_image(png, name="cover.png")
    figure = make_image(png, name="figure.png")
    body = (
        "<p>The first paragraph, with <a href='https://example.org/'>a source</a>.</p>"
        "<h2>A heading</h2>"
        "<ul><li>One point</li><li>Another point</li></ul>"
        f"<figure><img src='{figure.file.url}' alt='A picture'>"
        "<figcaption>What the picture shows</figcaption></figure>"
        "<p>The last paragraph.</p>"
    )
    article = make_article(
        authors=[author],
        category=category,
        cover_image=cover,
        featured=True,
        title_kk="Астана жаңалықтары",
        title_ru="Астана: новости",
        title_en="Astana news",
        **{f"body_{code}": body for code in ("kk", "ru", "en")},
    )
    article.tags.add(tag)
    about = StaticPage(
        **{f"title_{code}": f"About us ({code})" for code in ("kk", "ru", "en")},
        **{
            f"body_{code}": "<p>An agency.</p><ul><li><p>Astana</p></li></ul>"
            for code in ("kk", "ru", "en")
        },
    )
    about.save()
    for _ in range(2):
        other = make_article(authors=[author], category=category, cover_image=cover)
        other.tags.add(tag)
    pages = {}
    for code in EDITIONS:
        with translation.override(code):
            search = f"{reverse('articles:search')}?{urlencode({'q': SEARCH_WORDS[code]})}"
            pages.update(
                {
                    f"{code} home": reverse("articles:home"),
                    f"{code} latest": reverse("articles:latest"),
                    f"{code} article": article.get_absolute_url(),
                    f"{code} category": category.get_absolute_url(),
                    f"{code} author": author.get_absolute_url(),
                    f"{code} tag": tag.get_absolute_url(),
                    f"{code} authors": reverse("articles:authors"),
                    f"{code} page": about.get_absolute_url(),
                    f"{code} search": search,
                    f"{code} 404": f"/{code}/no-such-page/",
                }
            )
    return pages


@pytest.mark.django_db
def test_every_page_type_in_every_edition_is_valid_html(client, tiny_png, tmp_path):
    files = []
    for name, path in build_site(tiny_png).items():
        response = client.get(path)
        assert response.status_code == (404 if name.endswith(" 404") else 200), path
        if name.endswith(" search"):
            assert b"search-results" in response.content, f"{path} found nothing"
        file = tmp_path / f"{name.replace(' ', '-')}.html"
        file.write_bytes(response.content)
        files.append(file)
    try:
        errors = vnu_errors(files)
    except MissingTool as missing:
        pytest.fail(str(missing))
    assert errors == [], "\n".join(errors)


@pytest.mark.django_db(transaction=True)
def test_every_page_type_in_every_edition_has_no_axe_violations(live_server, tiny_png):
    # The data is in place before Playwright runs its event loop in this thread.
    urls = {name: live_server.url + path for name, path in build_site(tiny_png).items()}
    # Colours are the same in every edition: dark mode is checked on one.
    dark = {f"{name} (dark)": url for name, url in urls.items() if name.startswith("ru ")}
    try:
        violations = axe_violations(urls) + axe_violations(dark, color_scheme="dark")
    except MissingTool as missing:
        pytest.fail(str(missing))
    assert violations == [], "\n".join(violations)
