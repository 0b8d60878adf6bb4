"""Related articles: same tags or category, same language, never itself, never unpublished."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, related
from tests.factories import make_article, make_category, make_tag

pytestmark = pytest.mark.django_db


def related_titles(client, article, language):
    response = client.get(article.get_absolute_url(language))
    return [other.title_in(language) for other in response.context["related"]]


@pytest.mark.parametrize("language", ["kk", "kk-latn", "ru", "en"])
def test_articles_sharing_more_tags_come_first_then_the_category(client, language):
    economy, sport = make_category(), make_category()
    budget, oil = make_tag(), make_tag()
    article = make_article(category=economy)
    article.tags.set([budget, oil])
    both_tags = make_article(category=sport, published_at=timezone.now() - timedelta(days=3))
    both_tags.tags.set([budget, oil])
    one_tag = make_article(category=sport)
    one_tag.tags.set([budget])
    same_category = make_article(category=economy)
    unrelated = make_article(category=sport)

    titles = related_titles(client, article, language)

    assert titles[:2] == [both_tags.title_in(language), one_tag.title_in(language)]
    assert same_category.title_in(language) in titles
    assert unrelated.title_in(language) not in titles
    assert article.title_in(language) not in titles


def test_related_articles_are_live_in_the_readers_language(client):
    tag = make_tag()
    article = make_article()
    article.tags.add(tag)
    hidden = [
        make_article(status=Article.Status.DRAFT, published_at=None),
        make_article(status=Article.Status.WITHDRAWN, withdrawal_reason="x"),
        make_article(published_at=timezone.now() + timedelta(hours=1)),
        make_article(languages=["kk"]),
    ]
    for other in hidden:
        other.tags.add(tag)
    assert related_titles(client, article, "en") == []


def test_an_article_without_tags_or_category_has_no_related_block(client):
    article = make_article()
    make_article()
    page = client.get(article.get_absolute_url("en")).content.decode()
    assert 'id="related-heading"' not in page


def test_a_new_article_joins_the_related_lists_of_the_articles_most_like_it(client):
    drought, harvest = make_tag(), make_tag()
    older = make_article()
    older.tags.set([drought, harvest])
    newer = make_article(title_en="Rain at last")
    newer.tags.set([drought, harvest])
    assert related_titles(client, older, "en")[0] == "Rain at last"


def test_tags_added_from_the_tag_side_relate_the_articles(client):
    tag = make_tag()
    first, second = make_article(), make_article(title_en="Tagged from the tag")
    tag.articles.add(first, second)
    assert related_titles(client, first, "en") == ["Tagged from the tag"]
    tag.articles.clear()
    assert related_titles(client, first, "en") == []


def test_a_removed_tag_takes_the_article_out_of_its_former_neighbours_lists(client):
    tag = make_tag()
    reading, other = make_article(), make_article(title_en="No longer related")
    reading.tags.set([tag])
    other.tags.set([tag])
    other.tags.clear()
    assert related_titles(client, reading, "en") == []


def test_stored_lists_are_the_newest_candidates_ranked_by_shared_tags(monkeypatch):
    """Every article's list equals the rule worked out by hand, with few candidates kept."""
    monkeypatch.setattr(related, "CANDIDATES", 4)
    monkeypatch.setattr(related, "KEPT", 3)
    rng = random.Random(7)
    tags = [make_tag() for _ in range(5)]
    articles = [Article.objects.create(title_en=f"Story {n}", body_en="Text.") for n in range(30)]
    through = Article.tags.through
    through.objects.bulk_create(
        through(article_id=article.pk, tag_id=tag.pk)
        for article in articles
        for tag in rng.sample(tags, rng.randint(0, 3))
    )
    related.relate(article.pk for article in articles)

    tags_of = {a.pk: {t.pk for t in a.tags.all()} for a in articles}
    for article in Article.objects.all():
        others = sorted((pk for pk in tags_of if pk != article.pk), reverse=True)
        candidates = [pk for pk in others if tags_of[pk] & tags_of[article.pk]][:4]
        expected = sorted(candidates, key=lambda pk: (-len(tags_of[pk] & tags_of[article.pk]), -pk))
        assert article.related_ids == expected[:3], article.pk
