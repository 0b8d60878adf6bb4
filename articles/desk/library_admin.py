"""The newsroom's library at the desk: categories, authors, sources, tags, the media library."""

import json

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpResponseNotAllowed, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from articles.desk import roles
from articles.desk.icons import yes_no_icon
from articles.desk.translated_admin import WrittenLanguagesAdmin, script_variant_columns
from articles.editions.languages import EDITIONS, LANGUAGE_CODES, localized
from articles.media import crops, images
from articles.models import Article, Author, Category, Image, Source, Tag

# How many of the articles showing a picture its page lists.
USED_IN_LIMIT = 20
# How many pictures the rich-text editor's picker shows at once (the newest, or found).
PICK_LIMIT = 48


def picked(image: Image) -> dict:
    """What the picker needs of a picture: its address, a thumbnail, its words per language."""
    return {
        "id": image.pk,
        "src": image.file.url,
        "thumbnail": images.picture(image).src,
        "label": str(image),
        "words": json.dumps(
            {
                code: {
                    "alt": getattr(image, localized("alt", code)) or "",
                    "caption": getattr(image, localized("caption", code)) or "",
                }
                for code in LANGUAGE_CODES
            },
            ensure_ascii=False,
        ),
    }


@admin.register(Category)
class CategoryAdmin(WrittenLanguagesAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = [localized("name", code) for code in EDITIONS]
    exclude = script_variant_columns("name", "slug", "description")
    change_form_template = "admin/articles/slugged_change_form.html"


@admin.register(Source)
class SourceAdmin(WrittenLanguagesAdmin):
    list_display = ["credit", "name"]
    search_fields = ["credit", *(localized("name", code) for code in EDITIONS)]
    exclude = script_variant_columns("name")


@admin.register(Author)
class AuthorAdmin(WrittenLanguagesAdmin):
    list_display = ["name", "slug", "active"]
    list_filter = ["is_active"]
    search_fields = [localized("name", code) for code in EDITIONS]
    exclude = script_variant_columns("name", "slug", "bio")
    change_form_template = "admin/articles/slugged_change_form.html"
    # A photo is a picture like the media library's: the same size, pixel and format limits.
    formfield_overrides = {models.ImageField: {"form_class": images.PictureField}}

    @admin.display(description=_("active"), ordering="is_active")
    def active(self, author: Author) -> str:
        return yes_no_icon(author.is_active)

    def get_search_results(self, request, queryset, search_term):
        # The byline autocomplete offers only active authors; existing bylines stay.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            queryset = queryset.filter(is_active=True)
        return queryset, may_have_duplicates


@admin.register(Tag)
class TagAdmin(WrittenLanguagesAdmin):
    list_display = ["name", "slug"]
    search_fields = [localized("name", code) for code in EDITIONS]
    exclude = script_variant_columns("name", "slug")
    change_form_template = "admin/articles/slugged_change_form.html"


@admin.register(Image)
class ImageAdmin(WrittenLanguagesAdmin):
    list_display = ["thumbnail", "__str__", "credit", "width", "height", "created_at"]
    search_fields = [
        *(localized("caption", code) for code in EDITIONS),
        *(localized("alt", code) for code in EDITIONS),
        "credit",
        "file",
    ]
    exclude = script_variant_columns("alt", "caption")
    readonly_fields = ["uploaded_by", "used_in"]
    # Our checks (size, pixels, format) speak before Django's generic image check.
    formfield_overrides = {models.ImageField: {"form_class": images.PictureField}}

    # Authors and translators upload; they change only their own pictures that no one
    # else's story shows (articles/desk/roles.py). Otherwise the page is read-only for them.

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or roles.may_change_image(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or roles.may_change_image(request.user, obj))

    change_form_template = "admin/articles/image/change_form.html"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, *args, **kwargs):
        image = kwargs.get("obj")
        if image is not None and image.file:
            # The picture itself, first, and its address to paste into a text.
            context["picture"] = images.picture_html(
                image, sizes="(min-width: 1000px) 640px, 100vw", alt=image.alt
            )
            context["address"] = request.build_absolute_uri(image.file.url)
            context["renditions_pending"] = images.is_pending(image.renditions)
            # The crop previews show the picture at a width a page would use, cut with CSS.
            context["crop_source"] = images.picture(image).src
            context["shapes"] = crops.SHAPES
        return super().render_change_form(request, context, *args, **kwargs)

    def get_urls(self):
        upload = path(
            "upload/", self.admin_site.admin_view(self.upload_view), name="articles_image_upload"
        )
        pick = path("pick/", self.admin_site.admin_view(self.pick_view), name="articles_image_pick")
        return [upload, pick, *super().get_urls()]

    def pick_view(self, request):
        """The rich-text editor's "Browse..." (static/articles/desk-pick.js): the newest
        pictures, or those whose words match a search, to put one in the text."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").replace("\x00", "").strip()
        pictures = Image.objects.exclude(file="")
        if query:
            pictures, _duplicates = self.get_search_results(request, pictures, query)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Choose a picture"),
            "pictures": [
                picked(image) for image in pictures.order_by("-created_at", "-id")[:PICK_LIMIT]
            ],
            "query": query,
            "is_popup": True,
        }
        return TemplateResponse(request, "admin/articles/image/pick.html", context)

    def upload_view(self, request):
        """A picture dropped or pasted into an article (static/articles/desk-drop.js).

        The add form's own form, checks and save, answered in JSON: the new
        picture's id, address and name, or each field's errors.
        """
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.get_form(request)(request.POST, request.FILES)
        if not form.is_valid():
            errors = {name: [str(error) for error in found] for name, found in form.errors.items()}
            return JsonResponse({"errors": errors}, status=400)
        with transaction.atomic():
            image = self.save_form(request, form, change=False)
            self.save_model(request, image, form, change=False)
            self.log_addition(request, image, self.construct_change_message(request, form, None))
        return JsonResponse({"id": image.pk, "src": image.file.url, "name": str(image)}, status=201)

    @admin.display(description=_("used in"))
    def used_in(self, image: Image) -> str:
        if not image.pk:
            return "—"
        articles = Article.objects.showing(image).order_by("-pk")[:USED_IN_LIMIT]
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a>',
            (
                (reverse("admin:articles_article_change", args=[article.pk]), article)
                for article in articles
            ),
        ) or _("No article shows this picture.")

    @admin.display(description=_("image"))
    def thumbnail(self, image: Image) -> str:
        if not image.file:
            return "—"
        # The height as an attribute, not a style: the Content-Security-Policy allows no
        # inline style, and the browser keeps the row's space before the picture loads.
        # A small rendition, not the original, which may be twelve megapixels.
        picture = images.picture(image)
        height = round(80 * image.height / image.width) if image.width and image.height else 80
        return format_html(
            '<img src="{}"{} alt="" width="80" height="{}" loading="lazy">',
            picture.src,
            format_html(' srcset="{}" sizes="80px"', picture.srcset) if picture.srcset else "",
            height,
        )
