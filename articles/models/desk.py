"""Who translates which language at the desk (articles/desk/roles.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.editions.languages import WRITTEN_LANGUAGES


class LanguageAssignment(models.Model):
    """A language a translator may edit (see articles/desk/roles.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="language_assignments",
    )
    language = models.CharField(_("language"), max_length=10, choices=WRITTEN_LANGUAGES)

    class Meta:
        verbose_name = _("translation language")
        verbose_name_plural = _("translation languages")
        constraints = [
            models.UniqueConstraint(fields=["user", "language"], name="language_assignment_unique"),
        ]

    def __str__(self) -> str:
        return self.get_language_display()
