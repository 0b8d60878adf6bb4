"""The newsroom's domain, one Django app under the label `articles`, in packages by concern.

- models/: articles, bylines, categories, authors, tags, the media library
- editions/: languages, the Latin edition, slugs, alphabetical order
- public/: readers' pages, feeds, sitemaps, previews, most read
- search.py: readers' search
- desk/: the editors' admin, roles, versions, restore, presence
- workflow.py: submit, publish, withdraw, correct: checked, saved, versioned, announced
- media/: pictures and their renditions, safe rich text
- interchange/: the legacy importer, backups
- demo/: the demo content and generated archives
- caching/: the content generation, HTTP caching, the edge
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    label = "articles"
    verbose_name = _("Newsroom")

    def ready(self):
        # The desk's admin lives in desk/, where Django's autodiscovery does not look.
        # Keeps each edition's search vector up to date when an article is saved.
        from articles import search  # noqa: F401
        from articles.caching import edge, generation
        from articles.desk import admin  # noqa: F401
        from articles.media import embeds  # noqa: F401  (its receiver notes embeds on save)

        # Counts the readers of pages served whole from the cache.
        from articles.public import popularity  # noqa: F401

        # Pages kept here are keyed by the content generation; those at the edge are purged.
        generation.connect_signals()
        edge.connect_signals()
