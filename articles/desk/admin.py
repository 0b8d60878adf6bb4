"""The editors' desk in Django's admin, registered as these modules are imported.

- translated_admin: what every translated model's admin shares (a tab per language);
- library_admin: categories, authors, tags and the media library;
- article_admin: articles, with their list, change form, history, dashboard and agenda.
"""

from articles.desk import article_admin, library_admin  # noqa: F401
