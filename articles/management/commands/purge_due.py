"""`manage.py purge_due`: purge from the edge what scheduled changes changed since the last run.

A scheduled go-live or the end of a breaking-news banner changes pages with
no save to purge them. The edge already keeps no page past the next
scheduled change (articles.caching.http_cache.edge_max_age); this purges the pages
of the articles concerned as well, for a change scheduled after a page was
kept. A timer runs it every minute (deploy/systemd/newsroom-purge-due.timer).
Without EDGE_CACHE_URLS it does nothing.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from articles.caching import edge
from articles.editions.languages import EDITIONS, LANGUAGE_CODES, localized
from articles.models import Article

SEEN_UNTIL = "edge:due-purged-until"
# A first run, or one after the cache lost when the last one ran, looks this far back.
FIRST_LOOK_BACK = timedelta(hours=1)


class Command(BaseCommand):
    help = "Purge from the edge the pages of articles that went live or lost their banner."

    def handle(self, *args, **options):
        if not settings.EDGE_CACHE_URLS:
            self.stdout.write("No EDGE_CACHE_URLS: nothing to purge.")
            return
        now = timezone.now()
        seen = cache.get(SEEN_UNTIL)
        since = datetime.fromtimestamp(seen, tz=UTC) if seen else now - FIRST_LOOK_BACK
        keys = due_keys(since, now)
        edge.purge(*keys)
        cache.set(SEEN_UNTIL, now.timestamp(), None)
        self.stdout.write(f"Purged {len(keys)} keys for changes due since {since:%Y-%m-%d %H:%M}.")


def due_keys(since: datetime, until: datetime) -> set[str]:
    """The keys of every page a go-live or banner expiry in (since, until] changed."""
    went_live = Q(pk__in=[])
    for code in LANGUAGE_CODES:
        column = localized("published_at", code)
        went_live |= Q(**{f"{column}__gt": since, f"{column}__lte": until})
    banner_ended = Q(breaking_until__gt=since, breaking_until__lte=until)
    keys = set()
    due = Article.objects.filter(status=Article.Status.PUBLISHED).filter(went_live | banner_ended)
    for article in due.prefetch_related("tags", "bylines"):
        keys |= edge.article_keys(article)
        if article.breaking_until and since < article.breaking_until <= until:
            keys |= {edge.edition(code) for code in EDITIONS}
    return keys
