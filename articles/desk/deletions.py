"""What a delete confirmation lists: the objects an editor knows, not the rows that link them.

Django lists each row a delete takes along, among them the rows of the tables
that join two models (an article's tags, a user's groups), shown as
"Article-tag relationship: Article_tags object (12)": English whatever the
desk's language, and nothing an editor can act on. They go with their objects.
"""

from django.apps import apps
from django.utils.text import capfirst


def link_models() -> list:
    """The tables Django makes to join two models (auto-created many-to-many tables)."""
    return [
        model for model in apps.get_models(include_auto_created=True) if model._meta.auto_created
    ]


def without_links(listed: list, prefixes: tuple[str, ...]) -> list:
    """The nested list of a delete confirmation without the link rows (and what they hold)."""
    kept = []
    for item in listed:
        if isinstance(item, list):
            kept.append(without_links(item, prefixes))
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return kept


class DeleteListsObjectsNotLinks:
    """A ModelAdmin whose delete confirmations leave out the link rows."""

    def get_deleted_objects(self, objs, request):
        listed, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        prefixes = tuple(f"{capfirst(model._meta.verbose_name)}: " for model in link_models())
        # The counts need nothing left out: Django deletes link rows in bulk, uncounted.
        return without_links(listed, prefixes), counts, perms_needed, protected
