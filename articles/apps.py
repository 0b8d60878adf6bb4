from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newsroom")

    def ready(self):
        # Keeps each edition's search vector up to date when an article is saved.
        from articles import edge, generation, search  # noqa: F401

        # Pages kept here are keyed by the content generation; those at the edge are purged.
        generation.connect_signals()
        edge.connect_signals()
