"""Articles at the desk: the list, the story-first form, history, the dashboard, the agenda."""

import json

import reversion
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
)
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst, format_lazy
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_prose_editor.widgets import AdminProseEditorWidget
from reversion.admin import VersionAdmin
from reversion.models import Version

from articles import workflow
from articles.desk import (
    autosave,
    dashboard,
    presence,
    restore,
    revisions,
    roles,
    side_by_side,
    story,
)
from articles.desk.article_list import DeskFilter, ListColumns, NeedsTranslationFilter, listed
from articles.desk.forms import (
    ArticleAdminForm,
    IdsChoiceField,
    RestoreForm,
    WithdrawForm,
    is_valid_key,
)
from articles.desk.translated_admin import WrittenLanguagesAdmin, script_variant_columns
from articles.editions.languages import (
    EDITIONS,
    LANGUAGE_CODES,
    WRITTEN_LANGUAGES,
    localized,
    translated_fields,
)
from articles.editions.slugs import make_slug
from articles.editions.transliteration import to_latin
from articles.media.sanitizer import plain_text
from articles.models import LATIN_OVERRIDABLE, Article, Author, Byline, Category, Tag
from articles.public.preview import preview_url

# The titles' trigram indexes answer `ilike` (articles/models/lookups.py).
TITLE_SEARCH_FIELDS = [f"{localized('title', code)}__ilike" for code in EDITIONS]
MAX_SLUG_SOURCE = 1000
# Each written language's go-live time, shown side by side rather than under the tabs.
GO_LIVE_FIELDS = {localized("published_at", code): name for code, name in WRITTEN_LANGUAGES}
GO_LIVE = Article._meta.get_field("published_at")
ARTICLE_FIELDS = {field.name for field in Article._meta.get_fields()}
# The rich-text editor offers what articles/media/sanitizer.py keeps; its assets are
# bundled with django-prose-editor (works offline, no CDN).
BODY_EDITOR = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Heading": {"levels": [2, 3, 4]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "Link": {"enableTarget": False},
        # "Browse..." in the figure dialog picks a picture from the media library.
        "Figure": {"pickerUrl": reverse_lazy("admin:articles_image_pick")},
        "Caption": True,
        "Image": True,
        "Table": True,
        "TableRow": True,
        "TableHeader": True,
        "TableCell": True,
        "HardBreak": True,
    }
}


class LanguageFilter(admin.SimpleListFilter):
    """Articles by the state of one language: written, missing, live or stale."""

    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        choices = []
        for code, name in WRITTEN_LANGUAGES:
            choices += [
                (code, name),
                (f"-{code}", _("Missing: %(language)s") % {"language": name}),
                (f"live:{code}", _("Live: %(language)s") % {"language": name}),
                (f"stale:{code}", _("Stale: %(language)s") % {"language": name}),
            ]
        return choices

    def queryset(self, request, queryset):
        value = self.value() or ""
        kind, _sep, code = value.rpartition(":") if ":" in value else ("", "", value)
        missing = code.startswith("-")
        code = code.removeprefix("-")
        if code not in dict(WRITTEN_LANGUAGES):
            return queryset
        if kind == "live":
            return queryset.published(code)
        if kind == "stale":
            return queryset.stale_in(code)
        return queryset.missing_in(code) if missing else queryset.in_language(code)


class ValidIdsOnly:
    """An autocomplete that shows again only the submitted values that can be ids.

    Django's looks every submitted value up to show its label beside the form's
    errors: text, or a number past 64 bits, made that a server error. The field
    itself refuses such a value.
    """

    def optgroups(self, name, value, attr=None):
        opts = self.field.remote_field.model._meta
        key = opts.get_field(getattr(self.field.remote_field, "field_name", None) or opts.pk.name)
        return super().optgroups(name, [item for item in value if is_valid_key(key, item)], attr)


class ValidIdsAutocompleteSelect(ValidIdsOnly, AutocompleteSelect):
    pass


class ValidIdsAutocompleteSelectMultiple(ValidIdsOnly, AutocompleteSelectMultiple):
    pass


class ValidIdsAutocompleteAdmin:
    """Autocomplete fields that answer junk ids with a form error (ValidIdsOnly, IdsChoiceField)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                ValidIdsAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                ValidIdsAutocompleteSelectMultiple(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
            kwargs.setdefault("form_class", IdsChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class BylineInline(ValidIdsAutocompleteAdmin, admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]


LANGUAGE_STATE_LABELS = {
    "missing": _("missing"),
    "written": _("not live"),
    "scheduled": _("scheduled"),
    "live": _("live"),
}


@admin.register(Article)
class ArticleAdmin(ListColumns, ValidIdsAutocompleteAdmin, VersionAdmin, WrittenLanguagesAdmin):
    form = ArticleAdminForm
    list_display = [
        "desk_title",
        "cover_thumbnail",
        "byline_names",
        "language_badges",
        "go_live",
        "status",
        "category",
    ]
    list_display_links = ["desk_title"]
    list_filter = [
        DeskFilter,
        "status",
        NeedsTranslationFilter,
        "category",
        LanguageFilter,
        "featured",
    ]
    search_fields = TITLE_SEARCH_FIELDS
    # No date hierarchy: its drill-down read every matching row's creation time on each
    # list (60-220 ms at 100,000 articles); the agenda and the filters find by go-live.
    # Nor the count of every article beside the filtered count: "Show all" instead.
    show_full_result_count = False
    # Fifty rows fill two screens; Django's hundred cost twice the rendering (about 1 ms a row).
    list_per_page = 50
    autocomplete_fields = ["category", "tags", "cover_image"]
    inlines = [BylineInline]
    # Headlines are long: give the one-line fields room (modeltranslation copies the widget).
    formfield_overrides = {models.CharField: {"widget": forms.TextInput(attrs={"size": 90})}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body" or db_field.name == "latin_body":
            # modeltranslation copies this widget to body_kk, body_ru, ...
            kwargs["widget"] = AdminProseEditorWidget(config=BODY_EDITOR, preset="configurable")
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in GO_LIVE_FIELDS:
            # modeltranslation gives a translated field's widget its classes ("mt", which
            # puts it under the tabs), and they replace the inputs' vDateField and
            # vTimeField, which give the admin's calendar, clock, Today and Now. The go-live
            # times stand side by side instead, each named by its language.
            field.widget.attrs.pop("class", None)
            dates_and_times = zip(field.widget.widgets, ("vDateField", "vTimeField"), strict=True)
            for part, admin_class in dates_and_times:
                part.attrs["class"] = admin_class
            field.label = format_lazy(
                "{} ({})", capfirst(GO_LIVE.verbose_name), GO_LIVE_FIELDS[db_field.name]
            )
            field.help_text = ""  # the fieldset's description says it once for all three
        return field

    actions = ["publish", "withdraw"]
    exclude = script_variant_columns(*translated_fields(Article))
    readonly_fields = [
        "latin_edition",
        "preview_links",
        "translation_status",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body"]}),
        (_("Cover image"), {"fields": ["cover_image", "cover_caption"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    tuple(GO_LIVE_FIELDS),
                    "withdrawal_reason",
                    "category",
                    "tags",
                    "featured",
                    "breaking_until",
                    "source",
                    "original_language",
                ],
                "description": GO_LIVE.help_text,
            },
        ),
        (_("Correction"), {"fields": ["correction"], "classes": ["collapse"]}),
        (
            _("Kazakh in Latin script"),
            {
                "fields": ["latin_edition", *(f"latin_{field}" for field in LATIN_OVERRIDABLE)],
                "classes": ["collapse"],
                "description": _(
                    "The Latin edition is converted from the Kazakh text when you save. "
                    "Fill a field here only to correct the conversion by hand; "
                    "a correction stays until you empty it."
                ),
            },
        ),
        (
            _("Preview and record"),
            {
                "fields": [
                    "preview_links",
                    "translation_status",
                    "created_by",
                    "created_at",
                    "updated_at",
                    "based_on_version",
                ]
            },
        ),
    ]
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"

    # Who may do what (articles/desk/roles.py), enforced here on the server.

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or roles.may_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and roles.is_editor(request.user)

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("articles.publish_article")

    def get_readonly_fields(self, request, obj=None):
        locked = roles.locked_fields(request.user)
        return [*super().get_readonly_fields(request, obj), *map(as_read, locked)]

    def get_fieldsets(self, request, obj=None):
        # A body the user may not change is shown as its text reads, not as HTML source.
        locked = set(roles.locked_fields(request.user))
        return [
            (name, {**options, "fields": [as_read(f) if f in locked else f for f in fields]})
            for name, options in super().get_fieldsets(request, obj)
            for fields in [options["fields"]]
        ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "status" in form.base_fields:
            allowed = roles.allowed_statuses(request.user)
            field = form.base_fields["status"]
            field.choices = [choice for choice in field.choices if choice[0] in allowed]
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        # Translations the translator says match the original ("Translation side by side").
        marked = request.POST.getlist("mark_current") if change else []
        marked = [
            code for code in obj.languages if code in marked and code != obj.original_language
        ]
        workflow.mark_current(obj, request.user, marked)
        if go_live := getattr(form, "go_live", None):  # the story header's Publish or Schedule
            workflow.article_publish(
                obj, request.user, languages=go_live.languages, at=go_live.at, commit=False
            )
        # The one save: held to the workflow's rules, and what it did announced.
        workflow.article_save(obj, request.user, request=request)
        if marked:
            workflow.announce(
                workflow.DeskAction.MARK_CURRENT, obj, request=request, languages=marked
            )

    def get_changelist(self, request, **kwargs):
        return DeskChangeList

    def lookup_allowed(self, lookup, value, request=None):
        # A field is filtered by only as the list's filters offer: any other lookup in the
        # address (`?created_at__year=99999999`) is refused with a 400 rather than run.
        field = lookup.split(LOOKUP_SEP, 1)[0]
        offered = {name for name in self.list_filter if isinstance(name, str)}
        if field in ARTICLE_FIELDS and field not in offered:
            return False
        return super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        # django-reversion links "Recover deleted articles" by this: only editors recover.
        may_recover = self.has_change_permission(request) and roles.is_editor(request.user)
        extra_context = {**(extra_context or {}), "has_change_permission": may_recover}
        return super().changelist_view(request, extra_context)

    # The change form: who else is editing, and previews.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "slug_source": "title"}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def open_language(self, request, article: Article | None) -> str:
        """A translator's language they have to do; else the article's original language."""
        own = roles.translator_languages(request.user)
        if article is None:
            return next(iter(own), "")
        original = article.original_language or next(iter(article.languages), "")
        todo = [code for code in own if code != original]
        return (
            next(iter(todo or own), "")
            if roles.role_of(request.user) is roles.Role.TRANSLATOR
            else original
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if object_id and object_id.isdigit():
            extra_context["others_editing"] = presence.mark_present(int(object_id), request.user)
            extra_context["presence_url"] = reverse(
                "admin:articles_article_presence", args=[object_id]
            )
            extra_context["heartbeat_seconds"] = presence.HEARTBEAT_SECONDS
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, *args, **kwargs):
        form = context.get("adminform") and context["adminform"].form
        context["conflict_changes"] = getattr(form, "conflict_changes", [])
        if (article := kwargs.get("obj")) is not None:
            context["story"] = story.story_header(article)
            context["may_publish"] = roles.may_publish(request.user, article, [])
            context["translation_panels"] = side_by_side.panels(article, request.user)
        if request.user.has_perm("articles.add_image"):
            # Pictures dropped into the text or on the cover (static/articles/desk-drop.js).
            context["drop_languages"] = json.dumps(
                [[code, name] for code, name in settings.LANGUAGES if code in LANGUAGE_CODES],
                ensure_ascii=False,
            )
        return super().render_change_form(request, context, *args, **kwargs)

    def view_on_site(self, article: Article) -> str | None:
        return story.page_to_view(article)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        story.announce_live_pages(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        story.announce_live_pages(request, obj)
        return response

    def get_urls(self):
        urls = [
            path(
                "<int:object_id>/presence/",
                self.admin_site.admin_view(self.presence_view),
                name="articles_article_presence",
            ),
            path(
                "<int:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "slug-preview/",
                self.admin_site.admin_view(self.slug_preview_view),
                name="articles_slug_preview",
            ),
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="articles_article_dashboard",
            ),
            path(
                "autosave/",
                self.admin_site.admin_view(autosave.autosave_view),
                name="articles_autosave",
            ),
            path(
                "agenda/",
                self.admin_site.admin_view(self.agenda_view),
                name="articles_article_agenda",
            ),
        ]
        return urls + super().get_urls()

    def slug_preview_view(self, request):
        """The slug the server would make, for the change forms' live preview."""
        if not any(
            model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
            for model, model_admin in self.admin_site._registry.items()
            if model in (Article, Category, Author, Tag)
        ):
            raise PermissionDenied
        language = request.GET.get("language", "")
        if language not in dict(WRITTEN_LANGUAGES):
            return JsonResponse({"error": "unknown language"}, status=400)
        text = request.GET.get("text", "")[:MAX_SLUG_SOURCE]
        return JsonResponse({"slug": make_slug(text, language) if text.strip() else ""})

    def presence_view(self, request, object_id: int):
        """The change form's heartbeat: mark the editor present, list the others."""
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        others = presence.mark_present(article.pk, request.user)
        return JsonResponse({"others": [entry.name for entry in others]})

    @admin.display(description=_("Latin edition"))
    def latin_edition(self, article: Article) -> str:
        stale = article.stale_latin_overrides
        warning = (
            format_html(
                '<p class="errornote">{}</p>',
                _("The Kazakh text changed after these corrections were written: %(fields)s.")
                % {
                    "fields": ", ".join(
                        str(Article._meta.get_field(f"latin_{f}").verbose_name) for f in stale
                    )
                },
            )
            if stale
            else ""
        )
        title = getattr(article, localized("title", "kk-latn")) or to_latin(article.title_kk or "")
        return format_html("{}<p>{}</p>", warning, title or "—")

    @admin.display(description=_("preview"))
    def preview_links(self, article: Article) -> str:
        if not article.pk:
            return "—"
        return format_html_join(
            " · ",
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            (
                (preview_url(article, code), name)
                for code, name in settings.LANGUAGES  # the Latin edition too
                if article.has_language(code)
            ),
        ) or _("Write a title and a body in a language to preview it.")

    @admin.display(description=_("languages"))
    def translation_status(self, article: Article) -> str:
        return format_html_join(
            " ",
            '<span class="language-state {}" title="{}">{}: {}{}</span>',
            (
                (
                    article.language_state(code),
                    name,
                    code,
                    LANGUAGE_STATE_LABELS[article.language_state(code)],
                    " ({})".format(_("stale")) if article.is_stale(code) else "",
                )
                for code, name in WRITTEN_LANGUAGES
            ),
        )

    # History: compare two versions field by field, per language.

    def history_view(self, request, object_id, extra_context=None):
        # get_object(): an id that cannot be one ("abc") is not found, not a server error.
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        extra_context = {**(extra_context or {}), "versions": revisions.versions_of(article)}
        return super().history_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """What restoring an old version would change, per language; the fields picked come back.

        Replaces django-reversion's view, which put the whole old row back:
        fields the user may not change, translations added since, the status.
        """
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        version = (
            version_id.isdigit()
            and len(version_id) < 19
            and (revisions.versions_of(article).filter(pk=int(version_id)).first())
        )
        if not version:
            raise Http404
        may_restore = self.has_change_permission(request, article) and roles.may_restore(
            request.user, article
        )
        if request.method == "POST" and not may_restore:
            raise PermissionDenied
        with transaction.atomic():
            if request.method == "POST":
                article = Article.objects.select_for_update().get(pk=article.pk)
            groups = restore.differences(
                article, version, lambda name: may_restore and self.may_restore_field(request, name)
            )
            restorable = [d.name for group in groups for d in group.differences if d.restorable]
            if request.method == "POST":
                form = RestoreForm(request.POST, restorable=restorable)
                if form.is_valid() and self.restore_picked(request, article, version, form):
                    self.message_user(request, _("The fields you picked were restored."))
                    return HttpResponseRedirect(
                        reverse("admin:articles_article_change", args=[article.pk])
                    )
            else:
                picked = [
                    d.name for g in groups for d in g.differences if d.restorable and not d.removes
                ]
                form = RestoreForm(
                    initial={"restore": picked, "based_on_version": article.edit_version},
                    restorable=restorable,
                )
        picked = set(form.data.getlist("restore") if form.is_bound else form.initial["restore"])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Restore from the version of %(date)s") % {"date": saved_on(version)},
            "article": article,
            "version": version,
            "groups": groups,
            "form": form,
            "picked": picked,
            "may_restore": may_restore,
        }
        return TemplateResponse(request, "admin/articles/article/restore.html", context)

    def may_restore_field(self, request, name: str) -> bool:
        if name == "bylines":
            return request.user.has_perm("articles.change_byline") and request.user.has_perm(
                "articles.add_byline"
            )
        return roles.may_change_field(request.user, name)

    def restore_picked(self, request, article: Article, version, form: RestoreForm) -> bool:
        """Bring back the picked fields as a new version; False (with the form's errors) if not."""
        if form.cleaned_data["based_on_version"] != article.edit_version:
            form.add_error(
                None,
                _(
                    "Someone saved this article since you opened this page. Nothing was "
                    "restored: look at the differences again."
                ),
            )
            data = form.data.copy()
            data["based_on_version"] = article.edit_version
            form.data = data
            return False
        names = form.cleaned_data["restore"]
        relations = restore.bring_back(article, version, names)
        try:
            article.clean()
        except ValidationError as error:
            form.add_error(None, error.messages)
            return False
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(
                _("Restored from the version of %(date)s: %(fields)s")
                % {"date": saved_on(version), "fields": ", ".join(map(restore.label_of, names))}
            )
            article.save()
            restore.set_relations(article, relations)
            reversion.add_to_revision(article)
        workflow.announce(
            workflow.DeskAction.RESTORE,
            article,
            request=request,
            version=version.pk,
            saved_on=version.revision.date_created.isoformat(),
            fields=names,
        )
        return True

    # Recovering a deleted article: editors only, and only a deleted article's last version.

    def recoverlist_view(self, request, extra_context=None):
        if not roles.is_editor(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not roles.is_editor(request.user) or not self.has_add_permission(request):
            raise PermissionDenied
        deleted = Version.objects.get_deleted(Article)
        if (
            not (version_id.isdigit() and len(version_id) < 19)
            or not deleted.filter(pk=int(version_id)).exists()
        ):
            raise Http404
        response = super().recover_view(request, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302:
            recovered = Version.objects.get(pk=int(version_id)).object_id
            workflow.announce(
                workflow.DeskAction.RECOVER,
                Article.objects.get(pk=recovered),
                request=request,
                version=int(version_id),
            )
        return response

    def compare_view(self, request, object_id: int):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        picked = [request.GET.get("from", ""), request.GET.get("to", "")]
        if not all(pk.isdigit() and len(pk) < 19 for pk in picked):
            raise Http404
        versions = revisions.versions_of(article)
        older, newer = (versions.filter(pk=int(pk)).first() for pk in picked)
        if older is None or newer is None:
            raise Http404
        if older.revision.date_created > newer.revision.date_created:
            older, newer = newer, older
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Compare versions of “%(article)s”") % {"article": article},
            "article": article,
            "older": older,
            "newer": newer,
            "changes": revisions.changes_between(older.field_dict, newer.field_dict),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    # The desk's dashboard.

    def dashboard_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Desk"),
            **dashboard.desk_overview(),
        }
        return TemplateResponse(request, "admin/articles/article/dashboard.html", context)

    def agenda_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Agenda: the next %(days)s days") % {"days": dashboard.AGENDA_DAYS},
            "days": dashboard.agenda(),
        }
        return TemplateResponse(request, "admin/articles/article/agenda.html", context)

    # Bulk actions: only for those who may publish (has_publish_permission).

    @admin.action(description=_("Publish the selected articles now"), permissions=["publish"])
    def publish(self, request, queryset):
        published = 0
        for article in queryset:
            try:
                workflow.article_publish(article, request.user, request=request)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("“%(article)s” was not published: %(errors)s")
                    % {"article": article, "errors": " ".join(error.messages)},
                    messages.ERROR,
                )
                continue
            published += 1
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", published) % published,
            messages.SUCCESS,
        )

    @admin.action(description=_("Withdraw the selected articles"), permissions=["publish"])
    def withdraw(self, request, queryset):
        form = WithdrawForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            for article in queryset:
                workflow.article_withdraw(article, request.user, reason=reason, request=request)
            count = len(queryset)
            self.message_user(
                request,
                ngettext("%d article withdrawn.", "%d articles withdrawn.", count) % count,
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Withdraw articles"),
            "articles": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/article/withdraw.html", context)


# Locked bodies, shown as their text reads: the column's name -> the admin's method for it.
BODIES_AS_READ = {localized("body", code): f"body_as_read_{code}" for code in LANGUAGE_CODES}


def as_read(field: str) -> str:
    return BODIES_AS_READ.get(field, field)


def body_as_read(code: str):
    @admin.display(description=format_lazy("{} [{}]", _("body"), code))
    def shown(self, article: Article) -> str:
        paragraphs = [part for part in plain_text(article.body_in(code)).split("\n") if part]
        return format_html_join("", "<p>{}</p>", ((part,) for part in paragraphs)) or "—"

    return shown


for code in LANGUAGE_CODES:
    setattr(ArticleAdmin, BODIES_AS_READ[localized("body", code)], body_as_read(code))


class DeskChangeList(ChangeList):
    """The article list's rows, read as article_list.listed() reads them."""

    def get_queryset(self, request, exclude_parameters=None):
        return listed(super().get_queryset(request, exclude_parameters))


def saved_on(version) -> str:
    return formats.date_format(localtime(version.revision.date_created), "DATETIME_FORMAT")
