"""Full-text search: a vector column per edition, GIN-indexed and backfilled on PostgreSQL.

On other databases the columns exist but stay empty (search falls back to
plain matching, see articles/search.py).
"""

import django.contrib.postgres.search
from django.db import migrations

# Frozen copy of articles.search.CONFIGS at the time of this migration.
CONFIGS = {"kk": "simple", "kk_latn": "simple", "ru": "russian", "en": "english"}


def vector_sql(suffix: str, config: str) -> str:
    return (
        f"search_{suffix} = setweight(to_tsvector('{config}', %s), 'A')"
        f" || setweight(to_tsvector('{config}', %s), 'B')"
        f" || setweight(to_tsvector('{config}', %s), 'C')"
    )


def create_indexes_and_backfill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from articles.media.sanitizer import plain_text

    Article = apps.get_model("articles", "Article")
    table = schema_editor.quote_name(Article._meta.db_table)
    # Near-spellings of names (articles/search.py); trusted: a database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for suffix in CONFIGS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS article_search_{suffix}"
            f" ON {table} USING gin (search_{suffix})"
        )
    assignments = ", ".join(vector_sql(suffix, config) for suffix, config in CONFIGS.items())
    columns = [f"{field}_{suffix}" for suffix in CONFIGS for field in ("title", "lead", "body")]
    for pk, *texts in Article.objects.values_list("pk", *columns).iterator():
        params = []
        for number, text in enumerate(texts):
            text = text or ""
            params.append(plain_text(text) if number % 3 == 2 else text)
        schema_editor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*params, pk])


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for suffix in CONFIGS:
        schema_editor.execute(f"DROP INDEX IF EXISTS article_search_{suffix}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_image_size_from_processing"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name=f"search_{suffix}",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        )
        for suffix in CONFIGS
    ] + [
        migrations.RunPython(create_indexes_and_backfill, drop_indexes, elidable=False),
    ]
