"""What the site says about itself: its identity (name, logo, colour, links) and static pages.

Both are the editors' to write in the admin, each text in every language, and
every public page shows them (base.html): saving either starts a new content
generation and purges the whole edge (articles/caching).
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.editions.languages import EDITIONS, localized
from articles.editions.scripts import fill_variants
from articles.media import images, sanitizer
from articles.models.pages import NamedPage, first_filled, per_language_unique_slugs

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# WCAG 2's level AA for text: the accent is the colour of links on white and of the
# navigation bar under white words, so it must read against white at least this well.
READABLE_CONTRAST = 4.5
DEFAULT_ACCENT = "#0b5cad"
DARK_PAPER = "#121417"  # the page's background in dark mode: --paper in static/css/site.css


def luminance(colour: str) -> float:
    """The relative luminance of a #rrggbb colour (WCAG 2)."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two #rrggbb colours, from 1 to 21 (WCAG 2)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def lighter_shade(colour: str, background: str) -> str:
    """`colour` mixed with white, as little as needed to read on a dark `background`."""
    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    for step in range(21):
        share = step / 20
        mixed = "#" + "".join(
            f"{round(channel + (255 - channel) * share):02x}" for channel in (red, green, blue)
        )
        if contrast(mixed, background) >= READABLE_CONTRAST:
            return mixed
    return "#ffffff"


def validate_accent(colour: str) -> None:
    if not HEX_COLOUR.fullmatch(colour or ""):
        raise ValidationError(
            _("Write the colour as # and six hexadecimal digits, for example #1d4e89."),
            code="colour",
        )
    ratio = contrast(colour, "#ffffff")
    if ratio < READABLE_CONTRAST:
        raise ValidationError(
            _(
                "White text on this colour, and this colour on white, are too hard to read "
                "(contrast %(ratio).1f:1; at least 4.5:1 is needed). Choose a darker colour."
            ),
            code="contrast",
            params={"ratio": ratio},
        )


# The identity's words in every language (articles/translation.py).
IDENTITY_TEXT = ("name", "tagline", "contact_line", "copyright_holder")


class SiteIdentity(models.Model):
    """The site's name, logo, colour, contact line and social links: one row (load())."""

    name = models.CharField(
        _("site name"),
        max_length=80,
        help_text=_("Shown in the header, the browser's tab, feeds and search results."),
    )
    tagline = models.CharField(
        _("tagline"),
        max_length=200,
        blank=True,
        help_text=_("A line that says what the site is: the home page's description."),
    )
    contact_line = models.CharField(
        _("contact line"),
        max_length=300,
        blank=True,
        help_text=_("The address, telephone and e-mail shown at the foot of every page."),
    )
    copyright_holder = models.CharField(
        _("copyright holder"),
        max_length=150,
        blank=True,
        help_text=_("Whose the content is, shown after © at the foot of every page."),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="identity/",
        blank=True,
        width_field="logo_width",
        height_field="logo_height",
        validators=[images.validate_upload],
        help_text=_("Shown in the header at 40 pixels high; without one, the name is shown."),
    )
    logo_width = models.PositiveIntegerField(null=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, editable=False)
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default=DEFAULT_ACCENT,
        validators=[validate_accent],
        help_text=_(
            "The colour of links and of the navigation bar, as # and six hexadecimal digits "
            "(#1d4e89). It must be dark enough for white text; dark mode uses a lighter "
            "shade of it."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site identity")
        verbose_name_plural = _("site identity")

    def __str__(self) -> str:
        return str(_("Site identity"))

    def save(self, *args, **kwargs):
        self.pk = 1  # one row, whatever the form or a restore said
        stored = SiteIdentity.objects.filter(pk=1).values_list("logo", flat=True).first()
        images.clean_new_picture(self.logo, stored)
        # Its width and height as cleaned (or none), for the header's <img> (no layout shift).
        self._meta.get_field("logo").update_dimension_fields(self, force=True)
        fill_variants(self, converted=IDENTITY_TEXT)
        super().save(*args, **kwargs)

    def dark_accent(self) -> str:
        """The accent in dark mode: a shade that reads on the dark page (site.css)."""
        return lighter_shade(self.accent_colour, DARK_PAPER)

    @classmethod
    def load(cls) -> "SiteIdentity":
        """The identity; a migration made its row, and a missing one is made again."""
        identity = cls.objects.filter(pk=1).first()
        return identity if identity is not None else cls(pk=1, **default_names())


def default_names() -> dict[str, str]:
    """The site's name in every edition before an editor names it: the catalogue's."""
    from django.utils import translation

    names = {}
    for code in EDITIONS:
        with translation.override(code):
            names[localized("name", code)] = str(_("Newsroom"))
    return names


class SocialLink(models.Model):
    """One of the site's accounts elsewhere, listed at the foot of every page."""

    class Network(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        TELEGRAM = "telegram", "Telegram"
        X = "x", "X"
        YOUTUBE = "youtube", "YouTube"
        TIKTOK = "tiktok", "TikTok"
        VK = "vk", "VK"
        WHATSAPP = "whatsapp", "WhatsApp"
        THREADS = "threads", "Threads"

    identity = models.ForeignKey(
        SiteIdentity, on_delete=models.CASCADE, related_name="social_links"
    )
    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    url = models.URLField(
        _("address"),
        validators=[URLValidator(schemes=["https"], message=_("Give an https:// address."))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("social link")
        verbose_name_plural = _("social links")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.get_network_display()


class StaticPage(NamedPage, models.Model):
    """A page of the site's own (About, Contacts, Privacy…), written and translated like
    an article. It is live in each language it has a title and a text in."""

    url_name = "articles:static-page"
    name_field = "title"
    about_field = "body"
    slug_may_be_empty = True

    title = models.CharField(_("title"), max_length=150, blank=True)
    # NULL where the page is not written: two such pages must not clash on "".
    slug = models.SlugField(  # noqa: DJ001
        _("slug"),
        max_length=150,
        blank=True,
        null=True,
        help_text=_("The page's address. Left empty, it is made from the title."),
    )
    body = models.TextField(_("text"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=0,
        help_text=_("Pages are listed at the foot of every page in this order, lowest first."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("static page")
        verbose_name_plural = _("static pages")
        ordering = ["position", "id"]
        constraints = per_language_unique_slugs("staticpage")

    def __str__(self) -> str:
        return self.title or first_filled(self, "title")

    def save(self, *args, **kwargs):
        self.clean_bodies()
        super().save(*args, **kwargs)

    def clean(self):
        if not first_filled(self, "title").strip():
            raise ValidationError(_("Give the page a title in at least one language."))

    def clean_bodies(self) -> None:
        """The same sanitiser as an article's body, whatever writes the page (a save, an import)."""
        for code in EDITIONS:
            field = localized("body", code)
            setattr(self, field, sanitizer.clean_body(getattr(self, field) or ""))

    def is_live_in(self, language: str) -> bool:
        return all(
            (getattr(self, localized(field, language)) or "").strip() for field in ("title", "body")
        )

    @classmethod
    def live_in(cls, language: str) -> models.QuerySet:
        """The pages readers can open in `language`: with a title and a text there."""
        title, body = localized("title", language), localized("body", language)
        return (
            cls.objects.exclude(**{f"{title}__isnull": True})
            .exclude(**{title: ""})
            .exclude(**{f"{body}__isnull": True})
            .exclude(**{body: ""})
        )
