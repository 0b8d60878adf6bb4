"""Categories, authors and tags: named pages with a slug in every language, and retired slugs."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from articles.editions.addresses import address
from articles.editions.languages import EDITIONS, LANGUAGE_CODES, localized
from articles.editions.scripts import fill_variants
from articles.editions.slugs import make_slug, unique_slug
from articles.media import images


def per_language_unique_slugs(model_name: str) -> list[models.UniqueConstraint]:
    """A slug is unique within each written language (a script variant shares its source's)."""
    return [
        models.UniqueConstraint(
            fields=[localized("slug", code)],
            name=f"{model_name}_unique_slug_{code}",
        )
        for code in LANGUAGE_CODES
    ]


def regenerated_slug(instance, previous, code: str, source_field: str) -> str:
    """The slug to keep, or "" to make a new one from a changed title or name.

    A slug the editor wrote by hand stays; one that was made from the old
    title follows the new title.
    """
    slug = getattr(instance, localized("slug", code)) or ""
    if previous is None or not slug:
        return slug
    old_source = getattr(previous, localized(source_field, code)) or ""
    new_source = getattr(instance, localized(source_field, code)) or ""
    made_from_old = slug == make_slug(old_source, code) if old_source.strip() else False
    if new_source != old_source and made_from_old:
        return ""
    return slug


class NamedPage:
    """A model with a public page per language, addressed by its slug in that language.

    Each language's empty slug is filled on save from the name in that
    language, unique among the model's rows; an old slug keeps redirecting
    (RetiredSlug). Script variants are filled from their source language.
    """

    url_name: str
    name_field: str = "name"  # the translated name its slug is made from: name, title
    # A page not written in every language has no slug (NULL, not "", which is unique) there.
    slug_may_be_empty = False
    about_field: str = ""  # the translated text beside the name: description, bio

    def save(self, *args, **kwargs):
        previous = type(self).objects.filter(pk=self.pk).first() if self.pk else None
        for code in LANGUAGE_CODES:
            name = getattr(self, localized(self.name_field, code)) or ""
            slug = regenerated_slug(self, previous, code, self.name_field)
            if not slug and name.strip():
                others = type(self).objects.exclude(pk=self.pk)
                slug = unique_slug(make_slug(name, code), others, localized("slug", code))
            if self.slug_may_be_empty:
                slug = slug or None
            setattr(self, localized("slug", code), slug)
        converted = (self.name_field, self.about_field) if self.about_field else (self.name_field,)
        fill_variants(self, converted=converted, copied=("slug",))
        super().save(*args, **kwargs)
        if previous is not None:
            RetiredSlug.retire_changed(previous, self)

    def get_absolute_url(self, language: str | None = None) -> str:
        language = language or translation.get_language()
        return address(self.url_name, language, slug=getattr(self, localized("slug", language)))

    @classmethod
    def by_slug(cls, slug: str, language: str) -> tuple["NamedPage | None", bool]:
        """The object `slug` names, and whether it is its slug in `language` now.

        A slug from another language, or a former one, still names its object:
        its page and its feeds answer 301 to the language's address.
        """
        found = cls.objects.filter(**{localized("slug", language): slug}).first()
        if found is not None:
            return found, True
        in_any_language = models.Q()
        for code in EDITIONS:
            in_any_language |= models.Q(**{localized("slug", code): slug})
        found = cls.objects.filter(in_any_language).first()
        return found or RetiredSlug.owner(cls, slug), False


class Category(NamedPage, models.Model):
    url_name = "articles:category"
    about_field = "description"

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        blank=True,
        help_text=_("The category's address. Left empty, it is made from the name."),
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=0,
        help_text=_("Categories are shown in the navigation in this order, lowest first."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "id"]
        constraints = per_language_unique_slugs("category")

    def __str__(self) -> str:
        return self.name or first_filled(self, "name")


class Author(NamedPage, models.Model):
    url_name = "articles:author"
    about_field = "bio"

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("slug"),
        max_length=150,
        blank=True,
        help_text=_("The author's address. Left empty, it is made from the name."),
    )
    bio = models.TextField(_("short biography"), blank=True)
    photo = models.ImageField(
        _("photo"), upload_to="authors/", blank=True, validators=[images.validate_upload]
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive authors keep their bylines but are not offered for new articles."),
    )

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name", "id"]
        constraints = per_language_unique_slugs("author")

    def __str__(self) -> str:
        return self.name or first_filled(self, "name")

    def save(self, *args, **kwargs):
        stored = Author.objects.filter(pk=self.pk).values_list("photo", flat=True).first()
        # GPS positions and bytes hidden after the picture go, as from the media library.
        images.clean_new_picture(self.photo, stored if self.pk else None)
        super().save(*args, **kwargs)


class Tag(NamedPage, models.Model):
    url_name = "articles:tag"

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        blank=True,
        help_text=_("The tag's address. Left empty, it is made from the name."),
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["id"]
        constraints = per_language_unique_slugs("tag")

    def __str__(self) -> str:
        return self.name or first_filled(self, "name")


def first_filled(instance: models.Model, field: str) -> str:
    """The first non-empty translation of `field`, for labels in the admin."""
    for code in LANGUAGE_CODES:
        value = getattr(instance, localized(field, code), None)
        if value:
            return value
    return ""


class RetiredSlug(models.Model):
    """A category's or author's former slug, which keeps answering 301 to the current page."""

    model_name = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()
    language = models.CharField(max_length=10)
    slug = models.SlugField(max_length=150)
    retired_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["model_name", "language", "slug"], name="retired_slug_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_name} {self.object_id}: {self.slug} ({self.language})"

    @classmethod
    def retire_changed(cls, previous: NamedPage, current: NamedPage) -> None:
        model_name = current._meta.model_name
        for code in LANGUAGE_CODES:
            old = getattr(previous, localized("slug", code))
            new = getattr(current, localized("slug", code))
            if old and old != new:
                cls.objects.update_or_create(
                    model_name=model_name,
                    language=code,
                    slug=old,
                    defaults={"object_id": current.pk},
                )
            cls.objects.filter(model_name=model_name, language=code, slug=new).delete()

    @classmethod
    def owner(cls, model: type[NamedPage], slug: str) -> NamedPage | None:
        """The object that once had `slug` in some language, if it still exists."""
        retired = cls.objects.filter(model_name=model._meta.model_name, slug=slug).first()
        return model.objects.filter(pk=retired.object_id).first() if retired else None
