import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.editions.languages import language_tag
from articles.models import Article, localized
from tests.factories import make_article, make_author, make_category, make_image, make_tag

pytestmark = pytest.mark.django_db

LANGUAGES = ["kk", "ru", "en"]
LATEST_HEADING = {"kk": "Соңғы жаңалықтар", "ru": "Последние новости", "en": "Latest news"}


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def category():
    return make_category()


@pytest.fixture
def author():
    return make_author()


@pytest.fixture
def article(category, author):
    return make_article(category=category, authors=[author], featured=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_shows_featured_and_latest_articles(client, article, language):
    other = make_article()
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    page = html(response)
    assert f'<html lang="{language}"' in page
    assert article.title_in(language) in page
    assert other.title_in(language) in page
    assert LATEST_HEADING[language] in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_latest_news_lists_twenty_a_page_newest_first(client, language):
    now = timezone.now()
    articles = [make_article(published_at=now - timedelta(minutes=i)) for i in range(25)]
    first = html(client.get(f"/{language}/news/"))
    older = re.search(r'rel="next" href="([^"]+)"', first)[1].replace("&amp;", "&")
    second = html(client.get(older))
    assert first.count('class="card-title"') == 20
    assert second.count('class="card-title"') == 5
    assert first.index(articles[0].title_in(language)) < first.index(articles[1].title_in(language))
    assert articles[24].title_in(language) in second
    assert articles[19].title_in(language) not in second


@pytest.mark.parametrize(
    "query", ["before=junk", "after=1.x", "before=-99999999999999999.1", "before=1.2&after=1.2"]
)
def test_latest_news_page_junk_is_404(client, query):
    make_article()
    assert client.get(f"/en/news/?{query}").status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_article_page_shows_everything_a_reader_needs(client, article, category, author, language):
    article.source = "Kazinform"
    article.cover_caption_en = "Caption in English"
    article.save()
    newer = make_article(published_at=timezone.now())
    response = client.get(article.get_absolute_url(language))
    assert response.status_code == 200
    page = html(response)
    assert page.count("<h1") == 1
    assert f"<h1>{article.title_in(language)}</h1>" in page
    assert getattr(article, f"lead_{language}") in page
    assert f'href="{category.get_absolute_url(language)}"' in page
    assert f'href="{author.get_absolute_url(language)}"' in page
    assert "Kazinform" in page
    assert re.search(r'<time datetime="[^"]+">[^<]+</time>', page)
    assert LATEST_HEADING[language] in page
    assert newer.title_in(language) in page
    assert "<main" in page and "<header" in page and "<footer" in page


def test_article_body_renders_as_escaped_paragraphs(client):
    article = make_article(body_en="First <script>alert(1)</script> & more.\n\nSecond.")
    page = html(client.get(article.get_absolute_url("en")))
    assert "<p>First &lt;script&gt;alert(1)&lt;/script&gt; &amp; more.</p>" in page
    assert "<p>Second.</p>" in page
    assert "<script>alert" not in page


def test_article_dates_are_localized(client):
    published = timezone.make_aware(timezone.datetime(2025, 11, 25, 14, 30))
    article = make_article(published_at=published)
    assert "25 қараша 2025 ж., 14:30" in html(client.get(article.get_absolute_url("kk")))
    assert "25 ноября 2025, 14:30" in html(client.get(article.get_absolute_url("ru")))
    assert "25 November 2025, 14:30" in html(client.get(article.get_absolute_url("en")))


def test_missing_author_image_caption_and_category_are_left_out(client):
    article = make_article(category=None, source="", lead_en="")
    page = html(client.get(article.get_absolute_url("en")))
    assert "None" not in page
    assert "<img" not in page
    assert "<figcaption" not in page
    assert 'class="byline"' not in page
    assert 'class="kicker"' not in page
    assert 'class="lead"' not in page


def test_cover_image_is_shown_with_its_caption_and_dimensions(client, tiny_png):
    image = make_image(tiny_png, alt_en="A train near Dostyk", credit="Kazinform")
    article = make_article(cover_image=image, cover_caption_en="The new line near Dostyk")
    page = html(client.get(article.get_absolute_url("en")))
    assert 'alt="A train near Dostyk"' in page
    assert 'width="3" height="2"' in page
    # The caption, then the credit set apart and said to be one.
    assert (
        '<figcaption>The new line near Dostyk <span class="credit">Photo: Kazinform</span>' in page
    )
    russian = html(client.get(article.get_absolute_url("ru")))
    assert '<span class="credit">Фото: Kazinform</span>' in russian


def test_wrong_or_missing_slug_redirects_permanently_to_the_canonical_url(client, article):
    canonical = article.get_absolute_url("ru")
    for url in (f"/ru/news/{article.pk}/", f"/ru/news/{article.pk}-old-title/"):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == canonical


def test_article_in_a_missing_language_is_404_naming_where_it_exists(client):
    article = make_article(languages=["kk", "ru"])
    response = client.get(f"/en/news/{article.pk}/")
    assert response.status_code == 404
    page = html(response)
    assert f'href="{article.get_absolute_url("kk")}"' in page
    assert f'href="{article.get_absolute_url("ru")}"' in page
    assert article.title_kk not in page
    assert article.body_ru not in page


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.WITHDRAWN},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "withdrawn", "scheduled"],
)
def test_unpublished_articles_are_404_and_absent_from_every_page(
    client, category, author, overrides
):
    hidden = make_article(category=category, authors=[author], featured=True, **overrides)
    assert client.get(hidden.get_absolute_url("en")).status_code == 404
    for url in (
        "/en/",
        "/en/news/",
        category.get_absolute_url("en"),
        author.get_absolute_url("en"),
        "/en/rss/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert hidden.title_en not in html(response), url


@pytest.mark.parametrize(
    "url",
    [
        "/en/news/999999/",
        "/en/news/999999-slug/",
        "/en/category/nothing/",
        "/en/authors/nobody/",
        "/en/nothing/",
        "/xx/",
    ],
)
def test_unknown_things_are_404(client, url):
    assert client.get(url).status_code == 404


def test_the_404_page_leads_to_every_editions_home_page(client):
    response = client.get("/ru/category/nothing/")

    assert response.status_code == 404
    page = html(response)
    assert 'aria-current="page" lang="ru">Русский</span>' in page
    for code, name in (("kk", "Қазақша"), ("kk-latn", "Qazaqşa"), ("en", "English")):
        assert f'<a href="/{code}/" hreflang="{language_tag(code)}"' in page
        assert f">{name}</a>" in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_category_page_lists_its_public_articles(client, category, article, language):
    elsewhere = make_article(category=make_category())
    response = client.get(category.get_absolute_url(language))
    assert response.status_code == 200
    page = html(response)
    assert f"<h1>{getattr(category, f'name_{language}')}</h1>" in page
    assert article.title_in(language) in page
    assert elsewhere.title_in(language) not in page
    assert f'href="/{language}/category/{getattr(category, f"slug_{language}")}/rss/"' in page


def test_a_categorys_page_does_not_repeat_its_name_on_every_card(client, category, article):
    kicker = f'class="kicker" href="{category.get_absolute_url("en")}"'
    assert kicker in html(client.get("/en/"))  # elsewhere a card says its category
    assert kicker not in html(client.get(category.get_absolute_url("en")))
    assert kicker in html(client.get("/en/"))  # the card kept for the home page still does


@pytest.mark.parametrize("language", LANGUAGES)
def test_author_page_lists_their_public_articles(client, author, article, language):
    by_someone_else = make_article(authors=[make_author()])
    response = client.get(author.get_absolute_url(language))
    assert response.status_code == 200
    page = html(response)
    assert f"<h1>{getattr(author, f'name_{language}')}</h1>" in page
    assert article.title_in(language) in page
    assert by_someone_else.title_in(language) not in page


def test_category_slug_of_another_language_redirects_to_this_language(client, category):
    response = client.get(f"/en/category/{category.slug_kk}/")
    assert response.status_code == 301
    assert response["Location"] == category.get_absolute_url("en")


def test_language_switcher_links_the_same_article_only_where_it_exists(client):
    article = make_article(languages=["kk", "en"])
    page = html(client.get(article.get_absolute_url("kk")))
    switcher = page[page.index('class="languages"') :]
    switcher = switcher[: switcher.index("</nav>")]
    assert f'href="{article.get_absolute_url("en")}"' in switcher
    assert "/ru/" not in switcher
    assert 'aria-current="page" lang="kk"' in switcher


def test_language_switcher_on_a_category_uses_each_languages_slug(client, category):
    page = html(client.get(category.get_absolute_url("kk")))
    assert f'href="{category.get_absolute_url("ru")}"' in page
    assert f'href="{category.get_absolute_url("en")}"' in page


@pytest.mark.parametrize(
    ("accept", "language"), [("ru-RU,ru;q=0.9", "ru"), ("en-US", "en"), ("kk", "kk"), ("de", "kk")]
)
def test_root_redirects_by_the_browsers_preferred_language(client, accept, language):
    response = client.get("/", headers={"accept-language": accept})
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_links_its_feeds_in_every_format_in_the_head(client, language):
    page = html(client.get(f"/{language}/"))
    for kind, path in (
        ("application/rss+xml", "rss/"),
        ("application/atom+xml", "atom/"),
        ("application/feed+json", "feed.json"),
    ):
        assert re.search(
            rf'<link rel="alternate" type="{re.escape(kind)}" title="{LATEST_HEADING[language]}'
            rf' \([^)]+\)" href="/{language}/{re.escape(path)}">',
            page,
        ), kind


@pytest.mark.parametrize(
    "url",
    [
        "/en/news/99999999999999999999999/",
        "/en/news/99999999999999999999-slug/",
        "/en/category/%00/",
        "/en/authors/a%00b/",
        "/en/category/%00/rss/",
        "/en/category/%F0%9F%98%80/",
        "/en/news/?before=%00",
    ],
)
def test_junk_in_public_urls_is_404_never_a_server_error(client, url):
    assert client.get(url).status_code == 404


def test_junk_slug_on_a_real_article_redirects_to_its_address(client):
    article = make_article()
    response = client.get(f"/en/news/{article.pk}-%00%F0%9F%98%80/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url("en")


def test_favicon_is_served_from_static_files(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/static/favicon.svg")


@pytest.mark.parametrize("language", ["kk", "kk-latn", "ru", "en"])
def test_an_article_names_its_authors_in_byline_order_and_its_tags(client, language):
    first, second, third = make_author(), make_author(), make_author()
    article = make_article(authors=[third, first, second])
    tags = [make_tag(), make_tag()]
    article.tags.set(tags)
    page = html(client.get(article.get_absolute_url(language)))

    byline = re.search(r'<span class="byline">(.*?)</span>', page, re.S).group(1)
    in_order = (third, first, second)
    assert re.findall(r'<a href="([^"]+)" rel="author">([^<]+)</a>', byline) == [
        (author.get_absolute_url(language), getattr(author, localized("name", language)))
        for author in in_order
    ]
    assert re.findall(r'<a href="([^"]+)" rel="tag">([^<]+)</a>', page) == [
        (tag.get_absolute_url(language), getattr(tag, localized("name", language))) for tag in tags
    ]


def navigation_marks(response) -> dict[str, str]:
    """Each navigation link's text and its aria-current, for those that have one."""
    nav = re.search(r'<nav class="sections".*?</nav>', html(response), re.S)[0]
    return dict(
        (text, current)
        for current, text in re.findall(r'<a href="[^"]*" aria-current="(\w+)">([^<]+)</a>', nav)
    )


def test_the_navigation_marks_the_section_a_page_is_in(client, category, article):
    other = make_category()
    name = category.name_en

    assert navigation_marks(client.get(category.get_absolute_url("en"))) == {name: "page"}
    assert navigation_marks(client.get(article.get_absolute_url("en"))) == {name: "true"}
    assert navigation_marks(client.get(other.get_absolute_url("en"))) == {other.name_en: "page"}
    assert navigation_marks(client.get("/en/news/")) == {"Latest news": "page"}
    assert navigation_marks(client.get("/en/")) == {}


def test_the_authors_page_sets_each_name_apart_from_its_bio(client):
    make_author(name_en="Aigerim Bekova", bio_en="Covers the economy.")
    make_author(name_en="Daniyar Omarov", bio_en="")

    page = html(client.get("/en/authors/"))

    assert re.search(
        r'<h2 class="author-name"><a [^>]*>Aigerim Bekova</a></h2>'
        r'<p class="bio">Covers the economy.</p>',
        page,
    )
    assert re.search(r'<h2 class="author-name"><a [^>]*>Daniyar Omarov</a></h2></li>', page)


def test_a_lists_pictures_are_asked_for_at_the_size_a_phone_shows_them(client):
    import io

    from PIL import Image as Pillow

    buffer = io.BytesIO()
    Pillow.new("RGB", (1600, 900), "teal").save(buffer, "JPEG")
    for _ in range(2):
        make_article(featured=True, cover_image=make_image(buffer.getvalue(), name="wide.jpg"))

    home = html(client.get("/en/"))

    # The lead story fills a phone's width; the secondary stories are thumbnails there.
    assert len(re.findall(r'sizes="\(min-width: 64rem\) 48rem, 100vw"', home)) == 3
    thumbnail = r'sizes="\(min-width: 64rem\) 16rem, \(min-width: 40rem\) 50vw, 6rem"'
    assert len(re.findall(thumbnail, home)) == 3
    # In a list, a story's picture is a thumbnail at every width.
    latest = html(client.get("/en/news/"))
    assert len(re.findall(r'sizes="\(min-width: 40rem\) 14rem, 6rem"', latest)) == 6
