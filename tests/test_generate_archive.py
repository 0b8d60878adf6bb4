"""`manage.py generate_archive`: a generated archive that the site serves like a written one."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.html import escape

from articles.demo import archive as archive_module
from articles.demo.archive import (
    AUTHORS,
    CATEGORIES,
    DRAFT,
    HIDDEN_SHARES,
    REVIEW,
    SCHEDULED,
    TAGS,
    WITHDRAWN,
    Archive,
)
from articles.editions.languages import EDITIONS, LANGUAGE_CODES, localized
from articles.editions.slugs import make_slug
from articles.editions.transliteration import to_latin
from articles.models import Article, Author, Byline, Category, Tag

# The module's costly fixture is made once, in one worker (make test: --dist loadgroup).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("archive")]

COUNT = 120
SEED = 2024
NOW = timezone.now().replace(microsecond=0)
# What a save() rewrites whatever the article: its bookkeeping.
SAVE_BOOKKEEPING = {"edit_version", "updated_at"}


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, tmp_path_factory):
    """One archive for the module, generated once and rolled back at its end."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            summary = Archive(COUNT, seed=SEED, now=NOW).generate()
            yield summary
            transaction.set_rollback(True)


@pytest.fixture
def articles(archive):
    return list(Article.objects.order_by("id"))


def generate(count: int, seed: int = SEED) -> list[Article]:
    """Another archive on top of the module's; returns its articles."""
    latest = Article.objects.order_by("-id").values_list("id", flat=True).first() or 0
    Archive(count, seed=seed, now=NOW).generate(batch_size=25)
    return list(Article.objects.filter(id__gt=latest).order_by("id"))


def raw_row(article: Article) -> dict:
    """The article's row as stored, every column."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Article._meta.db_table} WHERE id = %s", [article.pk])
        columns = [column[0] for column in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def content(articles: list[Article]) -> list[tuple]:
    """What an archive is made of, article by article (their ids aside)."""
    texts = [localized(field, code) for code in LANGUAGE_CODES for field in ("title", "body")]
    return [
        (
            *(getattr(article, column) for column in texts),
            article.status,
            article.category_id,
            article.published_at_ru,
            article.created_at,
            tuple(article.bylines.values_list("author_id", flat=True)),
            tuple(article.tags.order_by("id").values_list("id", flat=True)),
        )
        for article in articles
    ]


def test_the_archive_has_the_articles_bylines_and_tags_it_reports(archive, articles):
    assert len(articles) == archive.articles == COUNT
    assert Byline.objects.count() == archive.bylines
    assert Article.tags.through.objects.count() == archive.tags
    assert Category.objects.count() == len(CATEGORIES)
    assert Author.objects.count() == AUTHORS
    assert Tag.objects.count() == TAGS
    for article in articles:
        assert 1 <= article.bylines.count() <= 2
        assert article.tags.count() <= 5
        assert article.category_id is not None


def test_every_language_is_written_and_some_articles_lack_one(articles):
    for code in LANGUAGE_CODES:
        written = [article for article in articles if article.has_language(code)]
        assert 0 < len(written) < len(articles), code
    assert any(len(article.languages) == 3 for article in articles)
    assert any(len(article.languages) == 1 for article in articles)
    for article in articles:
        assert article.original_language in article.languages


def test_articles_read_like_news_in_their_language(articles):
    for article in articles:
        for code in article.languages:
            body = article.body_in(code)
            assert body.startswith("<p>") and body.endswith("</p>")
            assert 1_500 <= len(body.encode()) <= 8_500
            assert 5 <= len(article.title_in(code).split()) <= 12
    kazakh = " ".join(article.body_kk for article in articles if article.body_kk)
    assert set("әғқңөұүі") <= set(kazakh)
    assert re.search(r"[а-я]", " ".join(a.body_ru for a in articles if a.body_ru))
    assert re.search(r"\b(the|of|and)\b", " ".join(a.body_en for a in articles if a.body_en))


def test_the_latin_edition_is_the_kazakh_text_transliterated(articles):
    for article in articles:
        for field in ("title", "lead", "body"):
            kazakh = getattr(article, localized(field, "kk"))
            latin = getattr(article, localized(field, "kk-latn"))
            assert latin == (to_latin(kazakh) if kazakh else kazakh)
        for field in ("slug", "published_at", "text_changed_at", "revised_at"):
            assert getattr(article, f"{field}_kk_latn") == getattr(article, f"{field}_kk")
    for tag in Tag.objects.all():
        assert tag.name_kk_latn == to_latin(tag.name_kk)
        assert tag.slug_kk_latn == tag.slug_kk


def test_slugs_are_made_from_titles_and_unique_per_language_also_after_a_second_run(articles):
    again = generate(COUNT)  # the same seed: the same titles again
    for code in LANGUAGE_CODES:
        field = localized("slug", code)
        written = [getattr(article, field) for article in articles + again]
        written = [slug for slug in written if slug]
        assert len(written) == len(set(written)), code
        for first, second in zip(articles, again, strict=True):
            assert first.title_in(code) == second.title_in(code)
            if first.has_language(code):
                made = make_slug(first.title_in(code), code)
                assert re.fullmatch(rf"{re.escape(made)}(-\d+)?", getattr(first, field))
                assert re.fullmatch(rf"{re.escape(made)}-\d+", getattr(second, field))


def test_saving_a_generated_article_changes_nothing_but_its_bookkeeping(articles):
    """Every field save() derives (and, on PostgreSQL, the search vectors) is already right."""
    for article in articles[:: len(articles) // 15]:
        before = raw_row(article)
        article.save()
        after = raw_row(article)
        changed = {column for column in before if before[column] != after[column]}
        assert changed <= SAVE_BOOKKEEPING, article.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="search vectors are PostgreSQL's")
def test_every_edition_has_a_search_vector(articles):
    for article in articles:
        for code in EDITIONS:
            assert getattr(article, localized("search", code)) is not None


def test_times_follow_the_story_over_the_years(articles):
    published = [article for article in articles if article.status == Article.Status.PUBLISHED]
    times = [article.go_live_times[article.original_language] for article in published]
    assert min(times) < NOW - timedelta(days=5 * 365)
    for article in articles:
        original = article.original_language
        assert article.created_at <= getattr(article, localized("text_changed_at", original))
        assert article.created_at <= article.updated_at <= NOW
        if article.go_live_times:
            first = min(article.go_live_times.values())
            assert article.go_live_times[original] == first
            assert article.created_at < first


def test_a_few_articles_are_hidden_from_readers_in_every_way(articles):
    states = {
        DRAFT: [a for a in articles if a.status == Article.Status.DRAFT],
        REVIEW: [a for a in articles if a.status == Article.Status.REVIEW],
        WITHDRAWN: [a for a in articles if a.status == Article.Status.WITHDRAWN],
        SCHEDULED: [
            a
            for a in articles
            if a.status == Article.Status.PUBLISHED and min(a.go_live_times.values()) > NOW
        ],
    }
    assert set(states) == set(HIDDEN_SHARES)
    hidden = {article.pk for group in states.values() for article in group}
    assert all(states.values())
    assert len(hidden) <= 0.06 * len(articles)
    assert all(article.withdrawal_reason for article in states[WITHDRAWN])
    for code in EDITIONS:
        public = set(Article.objects.public(code).values_list("pk", flat=True))
        assert public
        assert not public & hidden, code


def test_the_latest_news_and_an_article_page_show_generated_articles(client, archive):
    latest = Article.objects.public("ru").first()
    response = client.get("/ru/news/")
    assert response.status_code == 200
    assert escape(latest.title_ru) in response.content.decode()

    response = client.get(latest.get_absolute_url("ru"))
    assert response.status_code == 200
    assert escape(latest.title_ru) in response.content.decode()


def test_search_finds_a_generated_article_by_its_title(client, archive):
    article = Article.objects.public("en").first()
    response = client.get("/en/search/", {"q": article.title_en})
    assert response.status_code == 200
    assert article in response.context["articles"]


def test_the_same_seed_makes_the_same_archive(archive):
    made = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            made.append(content(generate(30, seed=seed)))
            transaction.set_rollback(True)
    assert made[0] == made[1]
    assert made[0] != made[2]


def test_the_command_reports_progress_and_a_summary(archive):
    output = StringIO()
    call_command("generate_archive", articles=40, seed=3, stdout=output)
    printed = output.getvalue()
    assert "40 / 40 articles" in printed
    assert re.search(r"Added 40 articles in [\d.]+ s \([\d,]+ articles/s\), seed 3\.", printed)
    assert Article.objects.count() == COUNT + 40


def test_the_command_needs_at_least_one_article():
    with pytest.raises(CommandError):
        call_command("generate_archive", articles=0)


def gin_indexes() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [Article._meta.db_table, "% USING gin %"],
        )
        return set(cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL's")
def test_a_large_archive_builds_the_gin_indexes_once_at_the_end(monkeypatch, archive):
    monkeypatch.setattr(archive_module, "DEFERRED_INDEXES_FROM", 10)
    before = gin_indexes()
    assert len(before) == 2 * len(EDITIONS)  # full text and title trigrams, per edition
    dropped = []
    real_insert = archive_module.insert

    def insert(drafts, complete_now=True):
        dropped.append(gin_indexes())
        real_insert(drafts, complete_now)

    monkeypatch.setattr(archive_module, "insert", insert)
    added = generate(30)

    assert dropped and all(found == set() for found in dropped)  # none while writing
    assert gin_indexes() == before  # the same indexes after
    assert all(article.search_kk is not None for article in added)
