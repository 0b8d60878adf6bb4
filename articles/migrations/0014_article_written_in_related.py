"""What article pages read instead of working out: `written_in` and `related_ids`.

`written_in` (the editions with a title and a body) and `related_ids` (the
articles sharing the most tags) are made on save from now on
(articles/models/derivation.py, articles/models/related.py); this fills
them for the articles already there, a batch at a time: `written_in`
with the rule as of this migration, `related_ids` with related.relate(),
which reads nothing but the article–tag table.
"""

import itertools

from django.db import migrations, models

from articles.models import related

EDITIONS = ("kk", "kk_latn", "ru", "en")
BATCH_SIZE = 500


def fill(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    columns = [f"{field}_{code}" for code in EDITIONS for field in ("title", "body")]
    rows = Article.objects.order_by("pk").values_list("pk", *columns).iterator(BATCH_SIZE)
    for batch in itertools.batched(rows, BATCH_SIZE, strict=False):
        articles = []
        for pk, *texts in batch:
            written = [
                code.replace("_", "-")
                for code, title, body in zip(EDITIONS, texts[::2], texts[1::2], strict=True)
                if (title or "").strip() and (body or "").strip()
            ]
            articles.append(Article(pk=pk, written_in=written))
        Article.objects.bulk_update(articles, ["written_in"])
    # The ranking reads only the article–tag table, through this migration's model.
    ids = Article.objects.order_by("pk").values_list("pk", flat=True).iterator(BATCH_SIZE)
    related.relate(ids, ranking=related.Ranking(Article.tags.through))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_search_kazakh_latin_i"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="related_ids",
            field=models.JSONField(
                default=list,
                editable=False,
                help_text="The articles sharing the most tags with this one, most first (made when tags change).",
                verbose_name="related articles",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="written_in",
            field=models.JSONField(
                default=list,
                editable=False,
                help_text="The editions with a title and a body, in settings order (made on save).",
                verbose_name="written in",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
