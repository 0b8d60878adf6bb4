"""What the site knows of a video or post an article embeds (articles/media/embeds.py).

One row per address pasted into any article, filled once from the
provider's oEmbed answer where it has one: the title readers see on the
click-to-load card, and its thumbnail, kept in our media storage so that
nothing is fetched from the provider before a reader clicks. The rows are
made again from the bodies (they are not content, and not in backups).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Embed(models.Model):
    url = models.URLField(_("address"), max_length=500, unique=True)
    provider = models.CharField(_("provider"), max_length=20)
    title = models.CharField(_("title"), max_length=300, blank=True)
    author_name = models.CharField(_("author"), max_length=200, blank=True)
    thumbnail = models.ImageField(
        _("thumbnail"),
        upload_to="embeds/",
        blank=True,
        width_field="thumbnail_width",
        height_field="thumbnail_height",
    )
    thumbnail_width = models.PositiveIntegerField(null=True, editable=False)
    thumbnail_height = models.PositiveIntegerField(null=True, editable=False)
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)
    # Why the provider's answer could not be used, for the operators' eyes.
    problem = models.CharField(_("problem"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("embedded post")
        verbose_name_plural = _("embedded posts")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title or self.url
