"""How often each article is read, per language and day (articles/public/popularity.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models.article import Article


class ArticleViews(models.Model):
    """How often an article was read in a language on a day (flushed from the cache)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="views")
    language = models.CharField(max_length=10)
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("article views")
        verbose_name_plural = _("article views")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language", "day"], name="article_views_unique_day"
            ),
        ]
        indexes = [models.Index(fields=["language", "day", "-views"], name="article_views_top")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.language} {self.day}: {self.views}"
