"""The edge cache in front (Varnish with xkey): surrogate keys on public answers, purged on change.

Every public answer names what it shows in its `xkey` header: the articles
on it, the lists it is (latest news of an edition, a category, an author, a
tag), and `edition-<lang>` and `site` for what every page of an edition, or
every page, shows (the breaking-news banner; the navigation). When content
changes, the keys of everything that shows it are purged at every edge in
settings.EDGE_CACHE_URLS (deploy/varnish/newsroom.vcl) once the transaction
commits: the next reader gets the page made anew. Scheduled go-lives need
no purge: the edge keeps no page past the next scheduled change
(http_cache.edge_max_age), and `manage.py purge_due` purges them too.

Without EDGE_CACHE_URLS nothing is sent.
"""

import contextvars
import logging
import threading
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from articles.editions.languages import EDITIONS

logger = logging.getLogger(__name__)

HEADER = "xkey"
AUTHORS = "authors"  # the authors' index
PURGE_HEADER = "xkey-purge"
PURGE_TIMEOUT = 2  # seconds, per edge
SITE = "site"

# The keys of what the answer being made shows, collected while the view runs.
_keys: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("edge_keys", default=None)


def edition(language: str) -> str:
    return f"edition-{language}"


def latest(language: str) -> str:
    return f"latest-{language}"


def article(pk: int) -> str:
    return f"article-{pk}"


def of(instance) -> str:
    """The key of a category, author, tag or image: category-3."""
    return f"{instance._meta.model_name}-{instance.pk}"


class Collecting:
    """Collects the keys a view names (tag()) for its answer."""

    def __enter__(self) -> set[str]:
        self.keys: set[str] = set()
        self._reset = _keys.set(self.keys)
        return self.keys

    def __exit__(self, *exc) -> None:
        _keys.reset(self._reset)


def tag(*keys: str) -> None:
    """Name what the answer being made shows (outside a public view, this does nothing)."""
    collected = _keys.get()
    if collected is not None:
        collected.update(keys)


def tag_articles(articles) -> None:
    tag(*(article(item.pk) for item in articles))


def header_value(keys: set[str], language: str) -> str:
    return " ".join(sorted({*keys, edition(language), SITE}))


# Purging


# The keys to purge when the transaction commits: one request per edge for a whole save.
_pending = threading.local()


def purge(*keys: str) -> None:
    """Drop every page showing any of `keys` from the edge, once the transaction commits."""
    if not settings.EDGE_CACHE_URLS or not keys:
        return
    if getattr(_pending, "keys", None) is None:
        _pending.keys = set()
    _pending.keys.update(keys)
    transaction.on_commit(send_pending)


def purge_everything() -> None:
    purge(SITE)


def send_pending() -> None:
    keys, _pending.keys = getattr(_pending, "keys", None), None
    if keys:
        send(" ".join(sorted(keys)))


def send(keys: str) -> None:
    for url in settings.EDGE_CACHE_URLS:
        request = urllib.request.Request(url, method="PURGE", headers={PURGE_HEADER: keys})
        try:
            with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT):  # noqa: S310 - ours
                pass
        except (urllib.error.URLError, OSError) as error:
            # The page stays at that edge until its time runs out (EDGE_MAX_AGE).
            logger.warning("Could not purge %s at %s: %s", keys, url, error)


def article_keys(instance) -> set[str]:
    """Everything that shows article `instance`: itself, and the lists it is on or may be on."""
    keys = {article(instance.pk), *(latest(code) for code in EDITIONS)}
    if instance.category_id:
        keys.add(f"category-{instance.category_id}")
    if instance.cover_image_id:
        keys.add(f"image-{instance.cover_image_id}")
    if instance.pk:
        keys.update(f"author-{pk}" for pk in instance.bylines.values_list("author_id", flat=True))
        keys.update(f"tag-{pk}" for pk in instance.tags.values_list("pk", flat=True))
    if instance.breaking_until:  # its banner is on every page of its editions
        keys.update(edition(code) for code in EDITIONS)
    return keys


def page_keys(instance) -> set[str]:
    """What an article's page shows of it and names, from what the page loaded (no query)."""
    keys = {article(instance.pk)}
    if instance.category_id:
        keys.add(f"category-{instance.category_id}")
    if instance.cover_image_id:
        keys.add(f"image-{instance.cover_image_id}")
    keys.update(f"author-{byline.author_id}" for byline in instance.bylines.all())
    keys.update(f"tag-{tag.pk}" for tag in instance.tags.all())
    return keys


def connect_signals() -> None:
    from articles.models import SHOWN_EVERYWHERE, Article, Author, Byline, Image, Tag

    def article_saving(sender, instance, **kwargs):
        # Where it was before the save: a category it leaves, a banner it drops.
        previous = Article.objects.filter(pk=instance.pk).first() if instance.pk else None
        instance._edge_keys_before = article_keys(previous) if previous else set()

    def article_changed(sender, instance, **kwargs):
        purge(*getattr(instance, "_edge_keys_before", set()), *article_keys(instance))

    def byline_changed(sender, instance, **kwargs):
        purge(article(instance.article_id), f"author-{instance.author_id}")

    def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
        # Before and after: the tags (or articles) left, and those added.
        if reverse:  # a tag's articles changed
            articles = pk_set or instance.articles.values_list("pk", flat=True)
            purge(of(instance), *(article(pk) for pk in articles))
        else:
            tags = pk_set or instance.tags.values_list("pk", flat=True)
            purge(article(instance.pk), *(f"tag-{pk}" for pk in tags))

    def shown_everywhere(sender, instance, **kwargs):
        # An embed's card too: it gets its title once fetched, which is rare, and the
        # articles that show it would take a search through every body to find.
        purge(of(instance), SITE)

    def shown_where_named(sender, instance, **kwargs):
        purge(of(instance), *([AUTHORS] if sender is Author else []))

    pre_save.connect(article_saving, sender=Article, weak=False, dispatch_uid="edge-article-pre")
    for signal in (post_save, post_delete):
        connect = signal.connect
        connect(article_changed, sender=Article, weak=False, dispatch_uid=f"edge-article-{signal}")
        connect(byline_changed, sender=Byline, weak=False, dispatch_uid=f"edge-byline-{signal}")
        for model in SHOWN_EVERYWHERE:
            connect(
                shown_everywhere, sender=model, weak=False, dispatch_uid=f"edge-{model}-{signal}"
            )
        for model in (Author, Tag, Image):
            connect(
                shown_where_named, sender=model, weak=False, dispatch_uid=f"edge-{model}-{signal}"
            )
    m2m_changed.connect(
        tags_changed, sender=Article.tags.through, weak=False, dispatch_uid="edge-tags"
    )
