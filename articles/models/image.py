"""The media library: pictures for covers and for the text, with their renditions."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.editions.scripts import fill_variants
from articles.media import images
from articles.models.pages import first_filled


class Image(models.Model):
    """A picture in the media library, for covers and for images inside the text."""

    # width and height are set by images.prepare(): no storage read on every save.
    file = models.ImageField(
        _("image"), upload_to="images/%Y/%m/", validators=[images.validate_upload]
    )
    width = models.PositiveIntegerField(_("width"), null=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, editable=False)
    alt = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_(
            "What the picture shows, for readers who cannot see it. Needed in every "
            "language an article using it is published in."
        ),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_("Who took or owns the picture.")
    )
    # Where the picture's subject is, in percent of its width and height from the top left:
    # crops to other shapes (media/crops.py) keep it in view.
    focal_x = models.PositiveSmallIntegerField(
        _("focal point, across"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("Percent of the width from the left edge. Click the picture to set it."),
    )
    focal_y = models.PositiveSmallIntegerField(
        _("focal point, down"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("Percent of the height from the top edge."),
    )
    renditions = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text=_("The resized copies served to readers (articles/media/images.py)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.caption or first_filled(self, "caption") or self.file.name.rsplit("/", 1)[-1]

    def save(self, *args, **kwargs):
        fill_variants(self, converted=("alt", "caption"))
        later = images.prepare(self)
        super().save(*args, **kwargs)
        if later:
            images.make_renditions_on_commit(self)
