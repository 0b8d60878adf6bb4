"""The editors' desk: one tab per language for every translated field."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from articles.models import Article, Author, Byline, Category, localized

TITLE_SEARCH_FIELDS = [localized("title", code) for code, _name in settings.LANGUAGES]


@admin.register(Category)
class CategoryAdmin(TabbedDjangoJqueryTranslationAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = [localized("name", code) for code, _name in settings.LANGUAGES]


@admin.register(Author)
class AuthorAdmin(TabbedDjangoJqueryTranslationAdmin):
    list_display = ["name", "slug", "is_active"]
    list_filter = ["is_active"]
    search_fields = [localized("name", code) for code, _name in settings.LANGUAGES]

    def get_search_results(self, request, queryset, search_term):
        # The byline autocomplete offers only active authors; existing bylines stay.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            queryset = queryset.filter(is_active=True)
        return queryset, may_have_duplicates


class LanguagePresentFilter(admin.SimpleListFilter):
    """Articles that can (or cannot yet) be read in a language."""

    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        choices = []
        for code, name in settings.LANGUAGES:
            choices.append((code, name))
            choices.append((f"-{code}", _("Missing: %(language)s") % {"language": name}))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        code = value.removeprefix("-")
        if code not in dict(settings.LANGUAGES):
            return queryset
        present = queryset.in_language(code)
        if value.startswith("-"):
            return queryset.exclude(pk__in=present.values("pk"))
        return present


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]


@admin.register(Article)
class ArticleAdmin(TabbedDjangoJqueryTranslationAdmin):
    list_display = ["__str__", "status", "category", "published_at", "languages_present"]
    list_filter = ["status", "category", LanguagePresentFilter, "featured"]
    list_select_related = ["category"]
    search_fields = TITLE_SEARCH_FIELDS
    date_hierarchy = "published_at"
    autocomplete_fields = ["category"]
    inlines = [BylineInline]
    # Headlines are long: give the one-line fields room (modeltranslation copies the widget).
    formfield_overrides = {models.CharField: {"widget": forms.TextInput(attrs={"size": 90})}}
    actions = ["publish", "withdraw"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body"]}),
        (_("Cover image"), {"fields": ["cover", "cover_caption"]}),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "category", "featured", "source"]},
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    @admin.display(description=_("languages"))
    def languages_present(self, article: Article) -> str:
        return format_html_join(
            " ",
            '<span title="{}">{}</span>',
            ((name, code) for code, name in settings.LANGUAGES if article.has_language(code)),
        )

    @admin.action(description=_("Publish the selected articles"), permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        # Keep a scheduled time; articles without one go out now.
        queryset.filter(published_at__isnull=True).update(published_at=now)
        updated = queryset.exclude(status=Article.Status.PUBLISHED).update(
            status=Article.Status.PUBLISHED, updated_at=now
        )
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", updated) % updated,
            messages.SUCCESS,
        )

    @admin.action(description=_("Withdraw the selected articles"), permissions=["change"])
    def withdraw(self, request, queryset):
        updated = queryset.filter(~Q(status=Article.Status.WITHDRAWN)).update(
            status=Article.Status.WITHDRAWN, updated_at=timezone.now()
        )
        self.message_user(
            request,
            ngettext("%d article withdrawn.", "%d articles withdrawn.", updated) % updated,
            messages.SUCCESS,
        )
