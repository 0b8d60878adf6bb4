"""The desk's own records: who translates which language (articles/desk/roles.py), and the
unsaved changes kept for each editor (articles/desk/autosave.py)."""

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


class AutosavedForm(models.Model):
    """What an editor typed into a desk form and has not saved yet (articles/desk/autosave.py).

    The browser sends it every few seconds. It never touches the article: only
    its editor can put it back into the form, and saving the form deletes it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="autosaved_forms",
    )
    address = models.CharField(_("form's address"), max_length=300)
    fields = models.JSONField(_("fields"), default=dict)
    saved_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("unsaved changes")
        verbose_name_plural = _("unsaved changes")
        constraints = [
            models.UniqueConstraint(fields=["user", "address"], name="autosaved_form_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.address}"
