"""`manage.py flush_article_views`: write the view counts waiting in the cache to the database.

Reads flush themselves every minute (articles/public/popularity.py); this is for
a deploy or a quiet night. It sees the counts only through a shared cache
(Redis): a local-memory cache belongs to the process that counted.
"""

from django.core.management.base import BaseCommand

from articles.public.popularity import flush_views


class Command(BaseCommand):
    help = "Write the article view counts waiting in the cache to the database."

    def handle(self, *args, **options):
        flushed = flush_views()
        self.stdout.write(f"Flushed {flushed} view counters.")
