"""What every translated model's admin shares: a tab per written language; deletes announced."""

from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from articles import workflow
from articles.desk import autosave, roles
from articles.desk.deletions import DeleteListsObjectsNotLinks
from articles.desk.forms import EditorInputForm
from articles.editions.languages import SCRIPT_VARIANTS, localized


def script_variant_columns(*fields: str) -> list[str]:
    """The columns of script variants, which are filled on save and never typed."""
    return [localized(field, variant) for field in fields for variant in SCRIPT_VARIANTS]


class AnnouncedDeletes:
    """Deletes, one by one or in bulk, announced to the audit log (articles/workflow.py)."""

    def delete_model(self, request, obj):
        workflow.announce(workflow.DeskAction.DELETE, obj, request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            workflow.announce(workflow.DeskAction.DELETE, obj, request=request)
        super().delete_queryset(request, queryset)


class WrittenLanguagesAdmin(
    DeleteListsObjectsNotLinks, AnnouncedDeletes, TabbedDjangoJqueryTranslationAdmin
):
    """A tab per language editors write; script variants (`exclude`d) are filled on save."""

    form = EditorInputForm
    change_form_template = "admin/articles/translated_change_form.html"

    def render_change_form(self, request, context, *args, **kwargs):
        context.setdefault("open_language", self.open_language(request, kwargs.get("obj")))
        return super().render_change_form(request, context, *args, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        autosave.forget(request.user, request.path)  # saved: nothing left to restore
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        autosave.forget(request.user, request.path)
        return super().response_change(request, obj)

    def open_language(self, request, obj) -> str:
        """The tab a form opens on (static/articles/desk-language.js): a translator's own
        language; else the editor's last choice, which the browser remembers."""
        return next(iter(roles.translator_languages(request.user)), "")

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete passes its term unchecked, and PostgreSQL refuses NUL in a query.
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def get_fieldsets(self, request, obj=None):
        hidden = set(self.exclude or ())
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in super().get_fieldsets(request, obj)
        ]
