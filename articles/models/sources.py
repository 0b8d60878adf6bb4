"""News sources: the credit an article carries ("Kazinform"), as each edition writes it.

An article keeps its credit as the desk typed it or an import brought it. A
source written here names that credit in every language, so that a Russian
reader reads "Казинформ" and a Kazakh one "Қазинформ"; a credit no source
names is shown as it was typed.
"""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from articles.editions.languages import EDITIONS, localized
from articles.editions.scripts import fill_variants
from articles.models.pages import first_filled


class Source(models.Model):
    credit = models.CharField(
        _("credit"),
        max_length=100,
        help_text=_(
            "The credit as articles carry it, e.g. Kazinform: every article with this "
            "credit (in any letter case) shows the name below in each language."
        ),
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["credit"]
        constraints = [
            models.UniqueConstraint(Lower("credit"), name="source_unique_credit"),
        ]

    def __str__(self) -> str:
        return self.credit or first_filled(self, "name")

    def save(self, *args, **kwargs):
        self.credit = self.credit.strip()
        fill_variants(self, converted=("name",))
        super().save(*args, **kwargs)

    @classmethod
    def names_by_credit(cls) -> dict[str, dict[str, str]]:
        """{credit in lower case: {language: name}}, for every source."""
        return {
            source.credit.casefold(): {
                code: getattr(source, localized("name", code)) or "" for code in EDITIONS
            }
            for source in cls.objects.all()
        }
