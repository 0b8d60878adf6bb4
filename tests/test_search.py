"""Reader search: /<lang>/search/?q= finds live articles only, on PostgreSQL and on SQLite."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.editions.languages import EDITIONS
from articles.editions.transliteration import to_latin
from articles.models import Article
from articles.search import MAX_QUERY_LENGTH, PAGE_SIZE
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL"
)

BAD_QUERIES = [
    "",
    " ",
    "x" * 10_240,
    "' OR 1=1 --",
    "a:* & !b",
    "<script>alert(1)</script>",
    "\x00\x01\x1f",
    "🙂",
    "Қазақстан Russia Россия",
    "&&&",
    "(((",
    ":*",
    "!",
    "quokka:* | !",
    "'quokka'",
    "quokka\\",
]


def search(client, query: str, language: str = "ru", **params):
    return client.get(f"/{language}/search/", {"q": query, **params})


def found(response) -> list[Article]:
    assert response.status_code == 200
    return list(response.context["articles"]) if "articles" in response.context else []


def titled(word: str, **overrides) -> Article:
    """A live article with `word` in its title in every written language."""
    titles = {"title_kk": f"Жаңалық {word}", "title_ru": f"Новость {word}"}
    return make_article(**{**titles, "title_en": f"News {word}", **overrides})


@pytest.mark.parametrize("language", EDITIONS)
def test_a_word_of_the_title_finds_the_article_in_every_edition(client, language):
    article = titled("quokka")
    make_article()

    response = search(client, "quokka", language)

    assert found(response) == [article]
    assert article.get_absolute_url(language) in response.content.decode()


def test_a_word_of_the_lead_or_body_finds_the_article_too(client):
    in_lead = make_article(lead_ru="Тема: wombat и другие.")
    in_body = make_article(body_ru="<p>Подробности: wombat.</p>")

    assert set(found(search(client, "wombat"))) == {in_lead, in_body}


def test_every_word_of_the_query_must_match(client):
    both = make_article(title_ru="Квокка и вомбат")
    make_article(title_ru="Квокка")

    assert found(search(client, "вомбат квокка")) == [both]


def test_a_changed_title_is_found_by_its_new_words_only(client):
    article = titled("quokka")
    article.title_ru = "Новость numbat"
    article.save()

    assert found(search(client, "quokka")) == []
    assert found(search(client, "numbat")) == [article]


@on_postgresql
def test_the_first_word_of_a_paragraph_is_found_though_no_newline_precedes_it(client):
    # The editor writes paragraphs with no newline between them.
    article = make_article(body_ru="<p>Первый абзац.</p><p>Кенгуру прыгают.</p>")
    assert found(search(client, "кенгуру")) == [article]


@on_postgresql
def test_a_title_match_ranks_above_a_body_match(client):
    in_body = make_article(body_ru="<p>Сегодня о бюджете долго спорили.</p>")
    in_title = make_article(title_ru="Бюджет утвердили")

    assert found(search(client, "бюджет")) == [in_title, in_body]


LEAD_AND_BODY = {
    "ru": ("Бюджет утвердили", "Депутаты обсудили бюджет.", "И снова о бюджете.", "бюджет"),
    "kk": (
        "Бюджет бекітілді",
        "Депутаттар бюджетті талқылады.",
        "Тағы да бюджет туралы.",
        "бюджет",
    ),
}


@on_postgresql
@pytest.mark.parametrize("language", LEAD_AND_BODY)  # ranked on the stored vector, and not
def test_a_lead_match_ranks_above_a_body_match_and_below_a_title_match(client, language):
    title, lead, body, query = LEAD_AND_BODY[language]
    hours_ago = [timezone.now() - timedelta(hours=hours) for hours in range(5)]

    def written(published_at, **text):
        return make_article(
            **{f"{field}_{language}": value for field, value in text.items()},
            published_at=published_at,
        )

    newer_in_body = written(hours_ago[1], body=f"<p>{body}</p>")
    in_title = written(hours_ago[2], title=title)
    in_lead = written(hours_ago[3], lead=lead)
    in_body = written(hours_ago[4], body=f"<p>{body}</p>")

    # The title, then the lead; matches in the body alone after them, newest first.
    found_in_order = found(search(client, query, language))
    assert found_in_order == [in_title, in_lead, newer_in_body, in_body]


@on_postgresql
def test_a_latin_title_written_with_dotless_i_ranks_as_a_title_match(client):
    hours_ago = [timezone.now() - timedelta(hours=hours) for hours in range(3)]
    in_body = make_article(body_kk="<p>Бүгін бірлік туралы айтты.</p>", published_at=hours_ago[1])
    in_title = make_article(title_kk="Бірлік күні", published_at=hours_ago[2])

    # "Bırlık" in the Latin title is ranked as the query ("birlik" once indexed) finds it.
    assert found(search(client, "bırlık", "kk-latn")) == [in_title, in_body]


@on_postgresql
@pytest.mark.parametrize(
    ("language", "title", "query"),
    [
        ("ru", "Бюджет утвердили", "бюджета"),
        ("en", "The railway opens", "railways"),
        ("kk", "Салықтағы өзгерістер", "өзгеріс"),
        ("kk-latn", "Салықтағы өзгерістер", to_latin("өзгеріс")),
    ],
)
def test_each_language_finds_other_forms_of_a_word(client, language, title, query):
    source = "kk" if language == "kk-latn" else language
    article = make_article(**{f"title_{source}": title})

    assert found(search(client, query, language)) == [article]


@on_postgresql
def test_a_word_in_many_articles_is_ranked_among_its_newest_matches(client, monkeypatch):
    from articles import search as search_module

    monkeypatch.setattr(search_module, "SEARCH_WINDOW", 3)
    now = timezone.now()
    oldest_in_title = make_article(title_ru="Бюджет", published_at_ru=now - timedelta(days=9))
    newer_in_body = [
        make_article(body_ru="<p>О бюджете.</p>", published_at_ru=now - timedelta(days=days))
        for days in (3, 2, 1)
    ]
    newest_in_title = make_article(title_ru="Бюджет", published_at_ru=now - timedelta(hours=36))

    response = search(client, "бюджет")

    # The three newest matches, the title match first; the old title match is left out.
    assert found(response) == [newest_in_title, newer_in_body[2], newer_in_body[1]]
    assert oldest_in_title not in found(response)
    assert "больше 3" in response.content.decode()


@on_postgresql
@pytest.mark.parametrize("first_slice_articles", [1, 10_000])
def test_the_newest_matches_are_found_however_far_apart_in_time(
    client, monkeypatch, first_slice_articles
):
    """They are looked for a slice of go-live time at a time: many slices, or a single one."""
    from articles import search as search_module

    monkeypatch.setattr(search_module, "SEARCH_WINDOW", 3)
    monkeypatch.setattr(search_module, "FIRST_SLICE_ARTICLES", first_slice_articles)
    now = timezone.now()
    ages = [
        timedelta(days=2),
        timedelta(days=60),
        timedelta(days=3 * 365),
        timedelta(days=11 * 365),
    ]
    articles = [make_article(title_ru="Бюджет", published_at_ru=now - age) for age in ages]

    response = search(client, "бюджет")

    assert found(response) == articles[:3]
    assert response.context["paginator"].count == 3


@on_postgresql
def test_a_word_deep_in_a_long_body_is_found_and_the_excerpt_begins_with_the_lead(client):
    paragraphs = "".join(f"<p>Абзац номер {number} о погоде.</p>" for number in range(200))
    article = make_article(
        lead_ru="Вступление к статье.", body_ru=f"{paragraphs}<p>Здесь живёт вомбат.</p>"
    )

    response = search(client, "вомбат")

    assert found(response) == [article]
    assert str(response.context["articles"][0].excerpt).startswith("Вступление к статье. Абзац")


@on_postgresql
def test_a_near_spelling_of_a_name_finds_the_article(client):
    article = make_article(title_kk="Әшімбаев сенатта сөйледі")

    response = search(client, "Ашимбаев", "kk")

    assert found(response) == [article]
    assert response.context["near"] is True


@pytest.mark.parametrize(
    ("language", "spellings"),
    [
        ("kk", ["АСТАНА", "астана", "Астана"]),
        ("ru", ["АСТАНА", "астана", "Астана"]),
        ("en", ["ALMATY", "almaty", "Almaty"]),
        ("kk", ["ӨСКЕМЕН", "өскемен", "Өскемен"]),
        ("kk", ["ӘҒҚҢҰҮҺІ", "әғқңұүһі", "Әғқңұүһі"]),
        ("kk-latn", ["ӨСКЕМЕН", "өскемен", "Өскемен"]),
        # Kazakh Latin: І is I, і is ı; и is i, И is İ.
        ("kk-latn", ["ІЛЕ", "іле", "Іле"]),
        ("kk-latn", ["ИРТЫШ", "иртыш", "Иртыш"]),
    ],
)
def test_letter_case_does_not_matter_in_any_edition(client, language, spellings):
    source = "kk" if language == "kk-latn" else language
    articles = [
        make_article(**{f"title_{source}": f"Новость {spellings[0]}"}),
        make_article(**{f"lead_{source}": f"Тема: {spellings[1]}."}),
        make_article(**{f"body_{source}": f"<p>Вчера в {spellings[2]}.</p>"}),
    ]
    make_article()

    for spelling in spellings:
        query = to_latin(spelling) if language == "kk-latn" else spelling
        assert set(found(search(client, query, language))) == set(articles), query


@pytest.mark.parametrize("language", EDITIONS)
def test_unpublished_text_is_never_found(client, language):
    marker = "zyzzyva"
    words = {"title_kk": f"Жоба {marker}", "title_ru": f"Черновик {marker}"}
    words |= {"title_en": f"Draft {marker}", "body_en": f"Body {marker}.", "lead_ru": marker}
    for status in (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN):
        make_article(status=status, withdrawal_reason="Wrong.", **words)
    make_article(published_at=timezone.now() + timedelta(days=1), **words)
    # Written in every language but live in one only: not found in the others.
    others = [code for code in ("kk", "ru", "en") if code != language.split("-")[0]]
    make_article(languages=others[:1], **words)

    response = search(client, marker, language)

    assert found(response) == []
    assert response.context["paginator"].count == 0


def test_an_article_live_in_another_language_only_is_not_found(client):
    make_article(languages=["ru"], title_kk="Жоба zyzzyva", body_kk="Мәтін zyzzyva.")

    assert found(search(client, "zyzzyva", "kk")) == []
    assert found(search(client, "zyzzyva", "kk-latn")) == []
    assert found(search(client, "zyzzyva", "en")) == []


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_any_query_gets_a_normal_page(client, query):
    titled("quokka", body_ru="<p>Казахстан и Россия: Russia.</p>")

    for language in EDITIONS:
        response = search(client, query, language)
        assert response.status_code == 200, (language, query)
        page = response.content.decode()
        assert "<script>alert(1)" not in page
        if query.startswith("<script>"):
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_long_query_is_cut_and_control_characters_are_dropped(client):
    response = search(client, "\x00quokka\x1f" + "x" * 500)

    assert response.context["query"] == ("quokka " + "x" * 500)[:MAX_QUERY_LENGTH]


def test_the_matched_word_is_marked_and_stored_markup_is_escaped(client):
    make_article(
        title_ru="Ветер и солнце",
        lead_ru="Сильный ветер <b>завтра</b> <script>alert(1)</script>",
        body_ru="<p>Ветер &lt;img src=x onerror=alert(1)&gt; стихнет.</p>",
    )

    page = search(client, "ветер").content.decode()

    assert "<mark>Ветер</mark> и солнце" in page
    assert "<mark>ветер</mark>" in page
    assert "завтра" in page and "<b>завтра" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page


def test_the_matched_word_is_marked_whatever_its_letter_case(client):
    make_article(title_ru="Ветер и солнце", lead_ru="Сильный ветер.")

    page = search(client, "ВЕТЕР").content.decode()

    assert "<mark>Ветер</mark> и солнце" in page
    assert "Сильный <mark>ветер</mark>" in page


def test_results_come_a_page_at_a_time_and_the_links_keep_the_query(client):
    for _number in range(PAGE_SIZE + 1):
        titled("quokka")

    first = search(client, "quokka & co")
    second = search(client, "quokka & co", page=2)

    assert len(found(first)) == PAGE_SIZE
    assert 'href="?q=quokka%20%26%20co&amp;page=2"' in first.content.decode()
    assert len(found(second)) == 1
    assert 'href="?q=quokka%20%26%20co&amp;page=1"' in second.content.decode()


@pytest.mark.parametrize("page", ["junk", "0", "3", "-1"])
def test_a_page_that_does_not_exist_is_not_found(client, page):
    titled("quokka")

    assert search(client, "quokka", page=page).status_code == 404


def test_search_pages_are_not_indexed(client):
    titled("quokka")

    for query in ("", "quokka", "nothing-matches-this"):
        page = search(client, query).content.decode()
        assert '<meta name="robots" content="noindex">' in page
        assert 'name="description"' not in page


def test_an_empty_query_shows_just_the_form(client):
    titled("quokka")

    response = search(client, "")
    page = response.content.decode()

    assert '<input type="search"' in page and 'name="q"' in page
    assert "articles" not in response.context
    assert 'class="count"' not in page and 'class="empty"' not in page


def test_every_pages_search_box_says_what_it_is_for_in_the_readers_language(client):
    page = client.get("/kk/").content.decode()

    assert 'id="site-search" name="q"' in page
    assert 'placeholder="Жаңалықтардан іздеу"' in page


def test_a_query_that_finds_nothing_says_so_and_keeps_the_query_in_the_form(client):
    titled("quokka")

    page = search(client, "platypus", "en").content.decode()

    assert 'class="empty"' in page
    assert 'value="platypus"' in page


def test_the_result_count_is_shown(client):
    titled("quokka")
    titled("quokka")

    page = search(client, "quokka", "en").content.decode()

    assert "2 articles found" in page


def test_the_language_switcher_keeps_the_query(client):
    titled("quokka")

    page = search(client, "quokka & co", "ru").content.decode()

    assert 'href="/en/search/?q=quokka+%26+co"' in page
    assert 'href="/kk-latn/search/?q=quokka+%26+co"' in page


def test_search_pages_are_never_kept_by_browsers_or_caches(client):
    titled("quokka")

    cache_control = search(client, "quokka")["Cache-Control"]

    assert "no-store" in cache_control and "private" in cache_control


def test_search_answers_get_only(client):
    assert client.post("/ru/search/", {"q": "quokka"}).status_code == 405


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("query", ["quokka", "Ашимбаев", "platypus"])
def test_a_search_page_costs_the_same_number_of_queries_for_5_and_50_matches(client, query):
    category = make_category()

    def add(count):
        for _number in range(count):
            titled("quokka", category=category, title_kk="Әшімбаев quokka")

    add(5)
    few = count_queries(client, f"/kk/search/?q={query}")
    add(45)
    many = count_queries(client, f"/kk/search/?q={query}")

    assert few == many
