"""Articles and their bylines; ArticleQuerySet.published() is the only door to public content.

Text that readers see is translated per language by modeltranslation
(see articles/translation.py): `title` reads and writes the active language's
`title_<lang>` column, and readers never get another language's text.
"""

import functools
import re
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Left
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from articles.editions.addresses import address
from articles.editions.languages import EDITIONS, LANGUAGE_CODES, WRITTEN_LANGUAGES, localized
from articles.media.sanitizer import IMG_TAG, first_paragraph_text, plain_text
from articles.models import gathered, lookups  # noqa: F401 (lookups registers __filled)
from articles.models.compiled import CompiledQuery
from articles.models.derivation import TEXT_FIELDS, derive
from articles.models.image import Image
from articles.models.pages import Author, Category, Tag, first_filled


class ArticleQuerySet(models.QuerySet):
    def published(self, language: str | None = None) -> "ArticleQuerySet":
        """The only door to public content: articles live in `language`.

        Live means: status published, that language's go-live time has come,
        and a title and a body in that language. Without a language: live
        in at least one. A future go-live time schedules a language; it
        appears by itself when its time comes.
        """
        now = timezone.now()
        if language is not None:
            return self.filter(live_in(language, now))
        live_anywhere = Q()
        for code in LANGUAGE_CODES:
            live_anywhere |= live_in(code, now)
        return self.filter(live_anywhere)

    def in_language(self, language: str | None = None) -> "ArticleQuerySet":
        """Articles that have a title and a body in the language (live or not)."""
        return self.filter(has_text_in(language or translation.get_language()))

    def public(self, language: str | None = None) -> "ArticleQuerySet":
        """What readers of `language` (the active one by default) see, newest first."""
        language = language or translation.get_language()
        return self.published(language).order_by(*newest_first(language))

    def page(self, pk: int, language: str) -> "Article | None":
        """Article `pk` as its page in `language` shows it, or None if it is live nowhere.

        One narrow query for `language`'s columns, its category and cover, and
        what tells where else it is live (each edition's slug and go-live
        time, `written_in`), with the names of its authors and tags gathered
        in the same query (models/gathered.py). `edition_urls`
        is its address in each edition where it is live. Asked of
        Article.objects: the query is built once per language (page_query()).
        """
        found = compiled_page(language, translation.get_language()).run(pk=pk)
        if not found:
            return None
        article = found[0]
        using = article._state.db
        bylines = sorted(article.byline_rows or [], key=lambda row: (row["position"], row["id"]))
        gathered.as_prefetched(
            article,
            "bylines",
            Byline,
            [
                Byline(
                    article=article,
                    author=gathered.named(Author, row, using),
                    position=row["position"],
                )
                for row in bylines
            ],
        )
        tags = sorted(article.tag_rows or [], key=lambda row: row["id"])  # Tag's own order
        gathered.as_prefetched(
            article, "tags", Tag, [gathered.named(Tag, row, using) for row in tags]
        )
        article.edition_urls = {
            code: article_address(pk, getattr(article, localized("slug", code)), code)
            for code in EDITIONS
            if article.is_live_in(code)
        }
        return article if article.edition_urls else None

    def related_to(self, article: "Article", language: str, limit: int) -> list["Article"]:
        """Up to `limit` live articles related to `article`: those sharing the most tags
        (worked out when tags change: articles/models/related.py), then, when they are
        too few, the newest of its category: one query, two for an article with few
        tag matches live in the language, whatever the archive's size.
        """
        ranked = [pk for pk in article.related_ids or [] if pk != article.pk]
        # Enough of the tag matches that a few not live in the language leave `limit`,
        # read by id (liveness told from their columns, as for the page itself).
        found = []
        if ranked:
            read = (ranked + [NO_ARTICLE] * RELATED_READ)[:RELATED_READ]
            rows = compiled_related(language, translation.get_language()).run(
                **dict(zip(RELATED_STAND_INS, read, strict=True))
            )
            found = [other for other in rows if other.is_live_in(language)]
        rank = {pk: position for position, pk in enumerate(ranked)}
        found.sort(key=lambda other: rank[other.pk])
        if len(found) < limit and article.category_id:
            public = public_listing(language).exclude(pk=article.pk)
            newest = public.filter(category_id=article.category_id).exclude(
                pk__in=[other.pk for other in found]
            )
            found += newest[: limit - len(found)]
        return found[:limit]

    def showing(self, image: Image) -> "ArticleQuerySet":
        """The articles that show the picture: as their cover, or inside their text."""
        shown = Q(cover_image=image)
        if image.file.name:
            address = settings.MEDIA_URL + image.file.name
            for column in [localized("body", code) for code in LANGUAGE_CODES] + ["latin_body"]:
                shown |= Q(**{f"{column}__contains": address})
        return self.filter(shown)

    def stale_in(self, language: str) -> "ArticleQuerySet":
        """Articles whose `language` text is older than the latest change to the original's."""
        return self.filter(**{localized("translation", language): TranslationState.STALE})

    def missing_in(self, language: str) -> "ArticleQuerySet":
        """Articles without a title and a body in `language`."""
        return self.filter(**{localized("translation", language): TranslationState.MISSING})

    def to_translate_into(self, language: str) -> "ArticleQuerySet":
        """Articles a translator into `language` has work on: missing there, or stale."""
        due = (TranslationState.MISSING, TranslationState.STALE)
        return self.filter(**{f"{localized('translation', language)}__in": due})

    def for_listing(self, language: str | None = None, also: tuple = ()) -> "ArticleQuerySet":
        """What lists of articles and article pages show, in one narrow query.

        Only the columns of `language` (the active language by default) that
        readers see are read, with the category's and the cover's: a row of
        every edition's text is several times wider, and slower to build.
        Bodies are long and stored apart: only the opening of those without a
        lead is read, for their summary. Anything else a page touches is
        fetched for the whole list at once. `also` names more columns to read.
        """
        language = language or translation.get_language()
        lead, body = localized("lead", language), localized("body", language)
        return (
            self.select_related("category", "cover_image")
            .annotate(
                # What a summary needs of a body: its opening, and only when there is no lead.
                body_opening=models.Case(
                    models.When(**{lead: ""}, then=Left(body, SUMMARY_SOURCE)),
                    default=models.Value(""),
                )
            )
            .only(
                *LISTED_COLUMNS,
                *(localized(field, language) for field in LISTED_TEXT + LISTED_TIMES),
                *(f"category__{localized(field, language)}" for field in ("name", "slug")),
                *(f"cover_image__{column}" for column in LISTED_IMAGE_COLUMNS),
                *(f"cover_image__{localized(field, language)}" for field in ("alt", "caption")),
                *also,
            )
            .fetch_mode(models.FETCH_PEERS)
        )

    def with_bylines(self) -> "ArticleQuerySet":
        """Whole articles, every language, with their authors in byline order (one more query)."""
        return (
            self.select_related("category", "cover_image")
            .defer(*SEARCH_COLUMNS)
            .prefetch_related(bylines_in_order())
        )


def newest_first(language: str) -> tuple[str, str]:
    return (f"-{localized('published_at', language)}", "-id")


# An article page's queries, built once per process and language and copied for each
# request: building and compiling a query costs an article page more than running it.
# (`active`, the active language, because modeltranslation reads it as a query is built.)


@functools.cache
def listing_query(language: str, active: str) -> ArticleQuerySet:
    """Article.objects.for_listing(language)."""
    return Article.objects.for_listing(language)


def public_listing(language: str | None = None) -> ArticleQuerySet:
    """Article.objects.public(language).for_listing(language), from a query built once:
    what lists show, newest first."""
    language = language or translation.get_language()
    return (
        listing_query(language, translation.get_language())
        .published(language)
        .order_by(*newest_first(language))
    )


@functools.cache
def page_query(language: str, active: str) -> ArticleQuerySet:
    """What page() reads: the listing's columns, the page's, and its authors' and tags' names."""
    return Article.objects.for_listing(
        language, also=PAGE_COLUMNS + (localized("body", language),)
    ).annotate(
        byline_rows=gathered.named_rows(Byline, "author", position="position"),
        tag_rows=gathered.named_rows(Article.tags.through, "tag"),
    )


# Related articles are read by id, this many at most: twice what a page shows.
RELATED_READ = 8
RELATED_STAND_INS = {f"id{number}": -1 - number for number in range(RELATED_READ)}
NO_ARTICLE = 0  # fills the ids left over: no row has it


@functools.cache
def compiled_page(language: str, active: str) -> CompiledQuery:
    """page_query() for one article, compiled once (models/compiled.py)."""
    return CompiledQuery(
        lambda pk: page_query(language, active).filter(pk=pk).order_by()[:1], pk=-1
    )


@functools.cache
def compiled_related(language: str, active: str) -> CompiledQuery:
    """The listing's columns of RELATED_READ articles by id, live or not, compiled once."""
    return CompiledQuery(
        lambda **ids: listing_query(language, active).filter(pk__in=ids.values()).order_by(),
        **RELATED_STAND_INS,
    )


def bylines_in_order() -> models.Prefetch:
    """Each article's bylines with their authors, in one query (Article.byline_authors)."""
    return models.Prefetch("bylines", queryset=Byline.objects.select_related("author"))


def article_address(pk: int, slug: str, language: str) -> str:
    """An article's address in `language` from its slug there (no other column read)."""
    if slug:
        return address("articles:article", language, pk=pk, slug=slug)
    return address("articles:article-short", language, pk=pk)


class TranslationState(models.TextChoices):
    """Where a written language's text stands against the article's original."""

    ORIGINAL = "original", _("original")
    CURRENT = "current", _("up to date")
    STALE = "stale", _("stale")
    MISSING = "missing", _("missing")


def translation_state_sql(language: str) -> models.Case:
    """Article.translation_state(language) in SQL, for rows written before the column."""
    stale = Q(pk__in=[])
    for original in LANGUAGE_CODES:
        if original != language:
            older = {
                f"{localized('text_changed_at', language)}__lt": models.F(
                    localized("text_changed_at", original)
                )
            }
            stale |= Q(original_language=original) & Q(**older)
    return models.Case(
        models.When(~has_text_in(language), then=models.Value(TranslationState.MISSING)),
        models.When(original_language=language, then=models.Value(TranslationState.ORIGINAL)),
        models.When(stale, then=models.Value(TranslationState.STALE)),
        default=models.Value(TranslationState.CURRENT),
    )


def has_text_in(language: str) -> Q:
    """A title and a body in the language (told by their stored size: models/lookups.py)."""
    query = Q()
    for field in ("title", "body"):
        query &= Q(**{f"{localized(field, language)}__filled": True})
    return query


def live_in(language: str, now) -> Q:
    return (
        Q(status=Article.Status.PUBLISHED)
        & Q(**{f"{localized('published_at', language)}__lte": now})
        & has_text_in(language)
    )


def per_language_indexes() -> list[models.Index]:
    """The hot queries: the latest live articles in a language, overall and per category."""
    indexes = []
    for code in EDITIONS:
        published_at = f"-{localized('published_at', code)}"
        suffix = code.replace("-", "_")
        indexes += [
            models.Index(fields=["status", published_at], name=f"article_live_{suffix}"),
            models.Index(
                fields=["category", "status", published_at], name=f"article_category_{suffix}"
            ),
        ]
    for code in LANGUAGE_CODES:
        # The desk's work per language (to translate, stale, missing), the latest changed first;
        # with the status, so that the list's count is read from the index alone.
        indexes.append(
            models.Index(
                fields=[localized("translation", code), "-updated_at"],
                include=["status"],
                name=f"article_translation_{code.replace('-', '_')}",
            )
        )
    return indexes


# Ids are 64-bit integers (BigAutoField): a larger number in an address names nothing.
LARGEST_ID = 2**63 - 1
# What a list or an article page shows of an article: columns, then translated fields.
LISTED_COLUMNS = ("status", "source", "featured", "category", "cover_image", "written_in")
LISTED_TEXT = ("title", "slug", "lead", "cover_caption", "correction")
LISTED_TIMES = ("published_at", "revised_at")
LISTED_IMAGE_COLUMNS = ("file", "width", "height", "credit", "renditions")
SEARCH_COLUMNS = [localized("search", code) for code in EDITIONS]
# An article page links its other editions, and its related articles.
PAGE_COLUMNS = (
    *(localized(field, code) for field in ("slug", "published_at") for code in EDITIONS),
    "written_in",
    "related_ids",
    # Its share pictures are cut around the cover's focal point (public/metadata.py).
    "cover_image__focal_x",
    "cover_image__focal_y",
)
# A summary is made from the first paragraph of this many characters of a body.
SUMMARY_SOURCE = 1500
CUT_OFF_TAG = re.compile(r"<[^>]*$")
ALT_TEXT = re.compile(r'\balt="[^"]*\S[^"]*"', re.I)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
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
    cover_image = models.ForeignKey(
        Image,
        verbose_name=_("cover image"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cover_caption = models.CharField(
        _("cover caption"),
        max_length=300,
        blank=True,
        help_text=_("Left empty, the image's own caption is shown."),
    )
    correction = models.TextField(
        _("correction"),
        blank=True,
        help_text=_("A public correction note, shown at the end of the article and in its feed."),
    )
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
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="articles", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("go-live time"),
        null=True,
        blank=True,
        help_text=_(
            "Readers of this language see the article from this time on, once it is "
            "published; a future time schedules it, an empty one keeps this language "
            "off the site. Publishing an article that has no go-live time in any "
            "language sets every written language live now."
        ),
    )
    withdrawal_reason = models.TextField(
        _("reason for withdrawal"),
        blank=True,
        help_text=_("Internal: why the article was withdrawn. Readers never see it."),
    )
    original_language = models.CharField(
        _("original language"),
        max_length=10,
        choices=WRITTEN_LANGUAGES,
        blank=True,
        help_text=_(
            "The language the story was written in; the others are translations of it. "
            "Left empty, it is the first language with a title."
        ),
    )
    text_changed_at = models.DateTimeField(
        _("text changed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When this language's title, lead or body last changed."),
    )
    revised_at = models.DateTimeField(
        _("revised"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When this language's text last changed while readers could see it."),
    )
    latin_title = models.CharField(_("title in Latin script"), max_length=300, blank=True)
    latin_lead = models.TextField(_("lead in Latin script"), blank=True)
    latin_body = models.TextField(_("body in Latin script"), blank=True)
    latin_cover_caption = models.CharField(
        _("cover caption in Latin script"), max_length=300, blank=True
    )
    latin_correction = models.TextField(_("correction in Latin script"), blank=True)
    latin_sources = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text=_("The Kazakh text each Latin override was written for."),
    )
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Featured articles lead the home page.")
    )
    breaking_until = models.DateTimeField(
        _("breaking news until"),
        null=True,
        blank=True,
        help_text=_(
            "Shows a breaking-news banner on every page of each language the article "
            "is live in, until this time."
        ),
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    written_in = models.JSONField(
        _("written in"),
        default=list,
        editable=False,
        help_text=_("The editions with a title and a body, in settings order (made on save)."),
    )
    related_ids = models.JSONField(
        _("related articles"),
        default=list,
        editable=False,
        help_text=_(
            "The articles sharing the most tags with this one, most first (made when tags change)."
        ),
    )
    edit_version = models.PositiveIntegerField(
        _("edit version"),
        default=0,
        editable=False,
        help_text=_("Counts saves, so that a save based on an older version is refused."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        indexes = [
            *per_language_indexes(),
            # The breaking-news banner, and the content version's next banner expiry.
            models.Index(fields=["breaking_until"], name="article_breaking_until"),
            # The desk's list, newest first, and its date hierarchy's first and last.
            models.Index(fields=["-created_at", "-id"], name="article_newest_created"),
            # The dashboard's backlogs, the latest changed first.
            models.Index(fields=["-updated_at"], name="article_latest_updated"),
        ]
        permissions = [
            ("publish_article", _("Can publish, schedule and withdraw articles")),
        ]

    def __str__(self) -> str:
        """The title in the active language, else in the original language, else in any."""
        original = self.title_in(self.original_language) if self.original_language else ""
        return self.title or original or first_filled(self, "title") or str(_("(untitled)"))

    def save(self, *args, **kwargs):
        previous = Article.objects.filter(pk=self.pk).first() if self.pk else None
        derive(self, previous)
        super().save(*args, **kwargs)

    def get_absolute_url(self, language: str | None = None) -> str:
        """The article's address in `language` (the active one by default).

        In the admin, whose language may be one the article lacks, this
        falls back to the first language the article has.
        """
        language = language or translation.get_language()
        if language not in EDITIONS or not self.has_language(language):
            language = (self.languages or [LANGUAGE_CODES[0]])[0]
        return article_address(self.pk, getattr(self, localized("slug", language)), language)

    def clean(self) -> None:
        if not any(self.title_in(code).strip() for code in LANGUAGE_CODES):
            raise ValidationError(_("Write a title in at least one language."))
        if self.status == self.Status.PUBLISHED and not self.languages:
            raise ValidationError(
                _("A published article needs a title and a body in at least one language.")
            )
        if self.status == self.Status.PUBLISHED:
            self.check_alt_texts()
        if self.status == self.Status.WITHDRAWN and not self.withdrawal_reason.strip():
            raise ValidationError({"withdrawal_reason": _("Say why the article is withdrawn.")})

    @property
    def stale_latin_overrides(self) -> list[str]:
        """The overridden fields whose Kazakh text changed after the override was written."""
        return [
            field
            for field, source in (self.latin_sources or {}).items()
            if getattr(self, f"latin_{field}")
            and source != (getattr(self, localized(field, "kk")) or "")
        ]

    def check_alt_texts(self) -> None:
        """A published article describes its pictures in every language it is written in."""
        errors = {}
        names = dict(WRITTEN_LANGUAGES)
        cover = self.cover_image
        missing = [
            code for code in self.languages if cover and not getattr(cover, localized("alt", code))
        ]
        if missing:
            errors["cover_image"] = _(
                "Give the cover image alt text in: %(languages)s (in the media library)."
            ) % {"languages": ", ".join(str(names[code]) for code in missing)}
        for code in self.languages:
            for tag in IMG_TAG.findall(self.body_in(code)):
                if not ALT_TEXT.search(tag):
                    errors.setdefault(
                        localized("body", code),
                        _(
                            "Every picture in the text needs alt text: describe it for readers who "
                            "cannot see it."
                        ),
                    )
        if errors:
            raise ValidationError(errors)

    def title_in(self, language: str) -> str:
        return getattr(self, localized("title", language)) or ""

    def body_in(self, language: str) -> str:
        return getattr(self, localized("body", language)) or ""

    def text_in(self, language: str) -> tuple[str, ...]:
        """The language's title, lead and body: what a translation translates."""
        return tuple(getattr(self, localized(field, language)) or "" for field in TEXT_FIELDS)

    def wording_in(self, language: str) -> tuple[str, ...]:
        """The language's text as readers read it: markup and spacing aside.

        Turning a plain-text body into the editor's paragraphs is no change
        of wording, so it neither shows "Updated" nor makes translations stale.
        """
        return tuple(" ".join(plain_text(part).split()) for part in self.text_in(language))

    def has_language(self, language: str) -> bool:
        """A title and a body in the language (white space is no text).

        An article read without that text (a page, a list) answers from
        `written_in`, which a save derives from the same rule.
        """
        columns = {localized(field, language) for field in ("title", "body")}
        if columns & self.get_deferred_fields():
            return language in self.written_in
        return all((getattr(self, column) or "").strip() for column in columns)

    @property
    def languages(self) -> list[str]:
        """The languages in which this article is written, in settings order."""
        return [code for code in LANGUAGE_CODES if self.has_language(code)]

    @property
    def go_live_times(self) -> dict[str, datetime]:
        """Each language's go-live time, where one is set."""
        times = {code: getattr(self, localized("published_at", code)) for code in LANGUAGE_CODES}
        return {code: time for code, time in times.items() if time is not None}

    def is_live_in(self, language: str) -> bool:
        """The same rule as ArticleQuerySet.published(language), for one stored article."""
        go_live = getattr(self, localized("published_at", language), None)
        return (
            self.status == self.Status.PUBLISHED
            and go_live is not None
            and go_live <= timezone.now()
            and self.has_language(language)
        )

    def language_state(self, language: str) -> str:
        """missing, written (not live), scheduled or live: the desk's view of a language."""
        if not any(self.text_in(language)):
            return "missing"
        go_live = getattr(self, localized("published_at", language))
        if self.status != self.Status.PUBLISHED or go_live is None:
            return "written"
        return "live" if self.is_live_in(language) else "scheduled"

    def translation_state(self, language: str) -> str:
        """Missing, the original, stale or up to date (a TranslationState)."""
        if not self.has_language(language):
            return TranslationState.MISSING
        if language == self.original_language:
            return TranslationState.ORIGINAL
        return TranslationState.STALE if self.is_stale(language) else TranslationState.CURRENT

    def is_stale(self, language: str) -> bool:
        """A translation older than the latest change to the original's text."""
        original = self.original_language
        if not original or language == original or not any(self.text_in(language)):
            return False
        translated = getattr(self, localized("text_changed_at", language))
        source_changed = getattr(self, localized("text_changed_at", original))
        return bool(translated and source_changed and translated < source_changed)

    def updated_in(self, language: str) -> datetime | None:
        """When the text readers see in `language` last changed, if it changed after going live."""
        go_live = getattr(self, localized("published_at", language))
        revised = getattr(self, localized("revised_at", language))
        return revised if go_live and revised and revised > go_live else None

    @property
    def cover_caption_shown(self) -> str:
        """The article's own caption for its cover, or else the image's."""
        if self.cover_caption:
            return self.cover_caption
        return self.cover_image.caption if self.cover_image else ""

    @property
    def byline_authors(self) -> list[Author]:
        """The authors in byline order (uses the prefetch of with_bylines())."""
        return [byline.author for byline in self.bylines.all()]

    @property
    def summary(self) -> str:
        """The lead, or the body's first paragraph when there is no lead.

        An article from for_listing() has only its body's opening (`body_opening`).
        """
        if self.lead:
            return self.lead
        opening = getattr(self, "body_opening", None)
        if opening is None:
            return first_paragraph_text(self.body or "")
        return first_paragraph_text(CUT_OFF_TAG.sub("", opening))


# Full-text search vectors, one per edition (search_kk...), written by articles/search.py.
for code in EDITIONS:
    Article.add_to_class(localized("search", code), SearchVectorField(null=True, editable=False))

# Where each written language's text stands (translation_kk...), derived on save: the desk's
# "needs translation" filter and backlogs read it through an index, not by comparing times.
for code in LANGUAGE_CODES:
    Article.add_to_class(
        localized("translation", code),
        models.CharField(
            max_length=8,
            choices=TranslationState.choices,
            default=TranslationState.MISSING,
            editable=False,
        ),
    )


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
