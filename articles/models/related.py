"""Related articles, worked out when tags change rather than each time a page is read.

An article's `related_ids` holds up to KEPT articles that share the most
tags with it, most shared first, then the newest, whatever their state or
language: the page shows those live in its reader's language
(Article.objects.related_to()). The matches are looked for among the
CANDIDATES newest articles carrying any of its tags, so a tag on thousands
of articles costs no more.

When an article's tags change, it is related again, and so is each article
it was or is now related to: a new story enters the lists of the stories
most like it. Bulk writers (the archive generator, backup restore) call
relate() for what they insert.
"""

import itertools
from collections.abc import Iterable

from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from articles.models.article import Article

KEPT = 12
CANDIDATES = 200
BATCH_SIZE = 500

ArticleTag = Article.tags.through


def ranked_by_shared_tags(article_id: int) -> list[int]:
    """The KEPT articles sharing the most tags with this one, most first, then the newest."""
    tag_ids = ArticleTag.objects.filter(article_id=article_id).values("tag_id")
    candidates = (
        ArticleTag.objects.filter(tag_id__in=tag_ids)
        .exclude(article_id=article_id)
        .order_by("-article_id")
        .values("article_id")[:CANDIDATES]
    )
    return list(
        ArticleTag.objects.filter(article_id__in=candidates, tag_id__in=tag_ids)
        .values("article_id")
        .annotate(shared=models.Count("tag_id"))
        .order_by("-shared", "-article_id")
        .values_list("article_id", flat=True)[:KEPT]
    )


def relate(article_ids: Iterable[int]) -> None:
    """Work out and store each article's related articles (a query each, one per batch to store)."""
    for batch in itertools.batched(article_ids, BATCH_SIZE, strict=False):
        articles = [
            Article(pk=article_id, related_ids=ranked_by_shared_tags(article_id))
            for article_id in batch
        ]
        Article.objects.bulk_update(articles, ["related_ids"])


def relate_with_neighbours(article_id: int) -> None:
    """Relate the article again, and the articles it was and now is related to."""
    before = Article.objects.filter(pk=article_id).values_list("related_ids", flat=True).first()
    if before is None:
        return
    now = ranked_by_shared_tags(article_id)
    Article.objects.filter(pk=article_id).update(related_ids=now)
    relate(dict.fromkeys([*before, *now]))


@receiver(m2m_changed, sender=ArticleTag, dispatch_uid="articles.related.tags_changed")
def tags_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            relate_with_neighbours(instance.pk)
        return
    # tag.articles.add(...) names the articles; a clear does not, so they are noted before.
    if action == "pre_clear":
        instance._articles_before_clear = list(instance.articles.values_list("pk", flat=True))
    elif action in ("post_add", "post_remove", "post_clear"):
        cleared = getattr(instance, "_articles_before_clear", [])
        for article_id in pk_set or cleared:
            relate_with_neighbours(article_id)
