from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newsroom")

    def ready(self):
        # Keeps each edition's search vector up to date when an article is saved.
        from articles import content_version, search  # noqa: F401

        # Cached pages and fragments are keyed by the content version.
        content_version.connect_signals()
