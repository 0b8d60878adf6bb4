"""Articles, their authors and categories.

Text that readers see is translated per language by modeltranslation
(see translation.py): `title` reads and writes the active language's
`title_<lang>` column, and readers never get another language's text.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from articles.slugs import make_slug, unique_slug

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def localized(field: str, language: str) -> str:
    """The column that holds `field` in `language`, e.g. title_kk."""
    return f"{field}_{language}"


def per_language_unique_slugs(model_name: str) -> list[models.UniqueConstraint]:
    """A slug is unique within each language; empty slugs are filled on save."""
    return [
        models.UniqueConstraint(
            fields=[localized("slug", code)],
            name=f"{model_name}_unique_slug_{code}",
        )
        for code in LANGUAGE_CODES
    ]


class NamedPage:
    """A model with a public page per language, addressed by its slug in that language.

    Each language's empty slug is filled on save from the name in that
    language, unique among the model's rows.
    """

    url_name: str

    def save(self, *args, **kwargs):
        for code in LANGUAGE_CODES:
            name = getattr(self, localized("name", code)) or ""
            if not getattr(self, localized("slug", code)) and name.strip():
                others = type(self).objects.exclude(pk=self.pk)
                slug = unique_slug(make_slug(name, code), others, localized("slug", code))
                setattr(self, localized("slug", code), slug)
        super().save(*args, **kwargs)

    def get_absolute_url(self, language: str | None = None) -> str:
        language = language or translation.get_language()
        slug = getattr(self, localized("slug", language))
        with translation.override(language):
            return reverse(self.url_name, kwargs={"slug": slug})


class Category(NamedPage, models.Model):
    url_name = "articles:category"

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

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("slug"),
        max_length=150,
        blank=True,
        help_text=_("The author's address. Left empty, it is made from the name."),
    )
    bio = models.TextField(_("short biography"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="authors/", blank=True)
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


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        """The only door to public content: published, and its time has come.

        A future published_at is a scheduled article; it appears by itself.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_language(self, language: str | None = None) -> "ArticleQuerySet":
        """Articles that have a title and a body in the language."""
        language = language or translation.get_language()
        query = Q()
        for field in ("title", "body"):
            column = localized(field, language)
            query &= Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""})
        return self.filter(query)

    def public(self, language: str | None = None) -> "ArticleQuerySet":
        """Published articles that readers of `language` can read, newest first."""
        return self.published().in_language(language).order_by("-published_at", "-id")

    def for_listing(self) -> "ArticleQuerySet":
        """Fetch what a list of articles shows (their category) in the same query."""
        return self.select_related("category")

    def with_bylines(self) -> "ArticleQuerySet":
        """Fetch every article's authors, in byline order, in one more query."""
        return self.for_listing().prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("author"))
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    title = models.CharField(_("title"), max_length=300, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=300,
        blank=True,
        help_text=_(
            "The readable part of the address. Left empty, it is made from the title. "
            "Changing it never breaks a link: old addresses redirect."
        ),
    )
    lead = models.TextField(
        _("lead"), blank=True, help_text=_("One or two sentences that sum up the story.")
    )
    body = models.TextField(_("body"), blank=True)
    cover = models.ImageField(
        _("cover image"),
        upload_to="covers/%Y/%m/",
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_caption = models.CharField(_("cover caption"), max_length=300, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="articles",
        null=True,
        blank=True,
    )
    authors = models.ManyToManyField(
        Author,
        verbose_name=_("authors"),
        through="Byline",
        related_name="articles",
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_(
            "Readers see a published article from this time on. "
            "A time in the future schedules it. Left empty, publishing sets it to now."
        ),
    )
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Featured articles lead the home page.")
    )
    source = models.CharField(
        _("source credit"),
        max_length=100,
        blank=True,
        help_text=_("Who the story comes from, e.g. the agency."),
    )
    legacy_key = models.CharField(
        _("legacy key"),
        max_length=80,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Identifies an article imported from the old site, so re-imports update it."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_published"),
            models.Index(
                fields=["category", "status", "-published_at"], name="article_category_published"
            ),
            models.Index(fields=["featured", "status", "-published_at"], name="article_featured"),
        ]

    def __str__(self) -> str:
        return self.title or first_filled(self, "title") or str(_("(untitled)"))

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        for code in self.languages:
            if not getattr(self, localized("slug", code)):
                setattr(self, localized("slug", code), make_slug(self.title_in(code), code))
        super().save(*args, **kwargs)

    def get_absolute_url(self, language: str | None = None) -> str:
        """The article's address in `language` (the active one by default).

        In the admin, whose language may be one the article lacks, this
        falls back to the first language the article has.
        """
        language = language or translation.get_language()
        if language not in LANGUAGE_CODES or not self.has_language(language):
            language = (self.languages or [LANGUAGE_CODES[0]])[0]
        slug = getattr(self, localized("slug", language)) or ""
        with translation.override(language):
            if slug:
                return reverse("articles:article", kwargs={"pk": self.pk, "slug": slug})
            return reverse("articles:article-short", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if not any(self.title_in(code).strip() for code in LANGUAGE_CODES):
            raise ValidationError(_("Write a title in at least one language."))
        if self.status == self.Status.PUBLISHED and not self.languages:
            raise ValidationError(
                _("A published article needs a title and a body in at least one language.")
            )

    def title_in(self, language: str) -> str:
        return getattr(self, localized("title", language)) or ""

    def has_language(self, language: str) -> bool:
        return all(
            (getattr(self, localized(field, language)) or "").strip() for field in ("title", "body")
        )

    @property
    def languages(self) -> list[str]:
        """The languages in which this article can be read, in settings order."""
        return [code for code in LANGUAGE_CODES if self.has_language(code)]

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def byline_authors(self) -> list[Author]:
        """The authors in byline order (uses the prefetch of with_bylines())."""
        return [byline.author for byline in self.bylines.all()]

    @property
    def summary(self) -> str:
        """The lead, or the body's first paragraph when there is no lead."""
        if self.lead:
            return self.lead
        first_paragraph = (self.body or "").strip().split("\n\n", 1)[0]
        return " ".join(first_paragraph.split())


class Byline(models.Model):
    """An author's credit on an article; `position` orders the bylines."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.PROTECT, related_name="bylines"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_unique_author"),
        ]
        indexes = [models.Index(fields=["author", "article"], name="byline_author_article")]

    def __str__(self) -> str:
        return str(self.author)


def first_filled(instance: models.Model, field: str) -> str:
    """The first non-empty translation of `field`, for labels in the admin."""
    for code in LANGUAGE_CODES:
        value = getattr(instance, localized(field, code), None)
        if value:
            return value
    return ""
