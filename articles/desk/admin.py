"""The editors' desk in Django's admin, registered as these modules are imported.

- translated_admin: what every translated model's admin shares (a tab per language);
- library_admin: categories, authors, tags and the media library;
- article_admin: articles, with their list, change form, history, dashboard and agenda;
- site_admin: the site's identity (name, logo, colour, links) and its static pages.
"""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

from articles.desk import article_admin, library_admin, site_admin  # noqa: F401

# The task queue (renditions being made) is the operators' to watch, with the worker's
# log; its admin pages speak English only and would be the desk's one English page.
admin.site.unregister(DBTaskResult)
