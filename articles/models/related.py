"""Related articles, worked out when tags change rather than each time a page is read.

An article's `related_ids` holds up to KEPT articles that share the most
tags with it, most shared first, then the newest, whatever their state or
language: the page shows those live in its reader's language
(Article.objects.related_to()). The matches are looked for among the
CANDIDATES newest articles carrying any of its tags, so a tag on thousands
of articles costs no more.

Those candidates are always among the CANDIDATES newest of each of its
tags, which an index on (tag, article) reads at once; so relate() reads
each tag's newest once for however many articles it relates, and a whole
archive is related in a few statements per batch, not in one per article.

When an article's tags change, it is related again, and so is each article
it was or is now related to: a new story enters the lists of the stories
most like it. Bulk writers (the archive generator, backup restore) call
relate() once everything is in.
"""

import heapq
import itertools
import json
from collections import defaultdict
from collections.abc import Iterable

from django.db import models
from django.db.models.functions import RowNumber
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from articles.models.article import Article
from articles.models.bulk import update_from_values

KEPT = 12
CANDIDATES = 200
BATCH_SIZE = 1000

ArticleTag = Article.tags.through


class Ranking:
    """Ranks articles by shared tags, remembering what it read: one per relate() call.

    Nothing may change the tags while it is used, as within one call.
    """

    def __init__(self, through: type[models.Model] = ArticleTag) -> None:
        self.through = through
        self.newest_of_tag: dict[int, list[int]] = {}  # newest first, one more than kept
        self.tags_of: dict[int, frozenset[int]] = {}

    def rank(self, article_ids: list[int]) -> dict[int, list[int]]:
        """Each article's KEPT related articles, most shared tags first, then the newest."""
        self.read_tags(article_ids)
        self.read_newest({tag for pk in article_ids for tag in self.tags_of[pk]})
        candidates = {pk: self.candidates(pk) for pk in article_ids}
        self.read_tags({other for found in candidates.values() for other in found})
        return {
            pk: sorted(
                found, key=lambda other: (-len(self.tags_of[other] & self.tags_of[pk]), -other)
            )[:KEPT]
            for pk, found in candidates.items()
        }

    def candidates(self, article_id: int) -> list[int]:
        """The CANDIDATES newest articles sharing a tag with this one."""
        lists = [self.newest_of_tag[tag] for tag in self.tags_of[article_id]]
        merged = (other for other, _group in itertools.groupby(heapq.merge(*lists, reverse=True)))
        return list(itertools.islice((o for o in merged if o != article_id), CANDIDATES))

    def read_tags(self, article_ids: Iterable[int]) -> None:
        missing = [pk for pk in article_ids if pk not in self.tags_of]
        for batch in itertools.batched(missing, BATCH_SIZE, strict=False):
            found = defaultdict(set)
            rows = self.through.objects.filter(article_id__in=batch)
            for article_id, tag_id in rows.values_list("article_id", "tag_id"):
                found[article_id].add(tag_id)
            self.tags_of.update({pk: frozenset(found[pk]) for pk in batch})

    def read_newest(self, tag_ids: set[int]) -> None:
        missing = sorted(tag for tag in tag_ids if tag not in self.newest_of_tag)
        for batch in itertools.batched(missing, BATCH_SIZE, strict=False):
            newest = (
                self.through.objects.filter(tag_id__in=batch)
                .annotate(
                    place=models.Window(
                        RowNumber(),
                        partition_by=models.F("tag_id"),
                        order_by=models.F("article_id").desc(),
                    )
                )
                # One more than kept: the article being related may be among them.
                .filter(place__lte=CANDIDATES + 1)
                .order_by("tag_id", "-article_id")
                .values_list("tag_id", "article_id")
            )
            self.newest_of_tag.update({tag: [] for tag in batch})
            for tag_id, article_id in newest:
                self.newest_of_tag[tag_id].append(article_id)


def relate(article_ids: Iterable[int], *, ranking: Ranking | None = None) -> None:
    """Work out and store each article's related articles, a batch at a time.

    `ranking`: one that has already read some of what is needed, or one over a
    migration's own article–tag model.
    """
    ranking = ranking or Ranking()
    table = ranking.through._meta.get_field("article").related_model._meta.db_table
    for batch in itertools.batched(article_ids, BATCH_SIZE, strict=False):
        store(table, ranking.rank(list(batch)))


def store(table: str, related: dict[int, list[int]]) -> None:
    rows = [(pk, json.dumps(ids)) for pk, ids in related.items()]
    update_from_values(table, {"related_ids": "incoming.column2"}, rows, types=["jsonb"])


def relate_with_neighbours(article_id: int) -> None:
    """Relate the article again, and the articles it was and now is related to."""
    before = Article.objects.filter(pk=article_id).values_list("related_ids", flat=True).first()
    if before is None:
        return
    ranking = Ranking()
    now = ranking.rank([article_id])[article_id]
    relate(dict.fromkeys([article_id, *before, *now]), ranking=ranking)


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
