"""The site's identity and its static pages at the desk: the editors' to keep."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget

from articles.desk.article_admin import BODY_EDITOR
from articles.desk.translated_admin import WrittenLanguagesAdmin, script_variant_columns
from articles.editions.languages import EDITIONS, localized
from articles.media import images
from articles.models import SiteIdentity, SocialLink, StaticPage
from articles.models.site import IDENTITY_TEXT


class SocialLinkInline(admin.TabularInline):
    model = SocialLink
    extra = 1


@admin.register(SiteIdentity)
class SiteIdentityAdmin(WrittenLanguagesAdmin):
    """One identity: its list opens it, and it is neither added nor deleted."""

    exclude = script_variant_columns(*IDENTITY_TEXT)
    inlines = [SocialLinkInline]
    formfield_overrides = {models.ImageField: {"form_class": images.PictureField}}
    fieldsets = [
        (None, {"fields": list(IDENTITY_TEXT)}),
        (_("Look"), {"fields": ["logo", "accent_colour"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        identity = SiteIdentity.load()
        if identity._state.adding:  # its row was deleted outside the desk: made again
            identity.save()
        return HttpResponseRedirect(reverse("admin:articles_siteidentity_change", args=[1]))


@admin.register(StaticPage)
class StaticPageAdmin(WrittenLanguagesAdmin):
    list_display = ["__str__", "slug", "position", "updated_at"]
    list_editable = ["position"]
    search_fields = [localized("title", code) for code in EDITIONS]
    exclude = script_variant_columns("title", "slug", "body")
    change_form_template = "admin/articles/slugged_change_form.html"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            # The articles' editor and sanitiser (StaticPage.save()); modeltranslation
            # copies the widget to every language's field.
            kwargs["widget"] = AdminProseEditorWidget(config=BODY_EDITOR, preset="configurable")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def render_change_form(self, request, context, *args, **kwargs):
        context["slug_source"] = "title"  # the slug preview follows the title (slug-preview.js)
        return super().render_change_form(request, context, *args, **kwargs)
