"""Near-spellings of names in titles (articles/search.py) found through an index.

A trigram GIN index per edition's title on PostgreSQL, so that the `%>`
operator finds the titles with a word spelled like the query without
comparing every title of the archive.
"""

from django.db import migrations

# The editions' column suffixes when this migration was written.
SUFFIXES = ("kk", "kk_latn", "ru", "en")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("articles", "Article")._meta.db_table)
    for suffix in SUFFIXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS article_title_trigram_{suffix}"
            f" ON {table} USING gin (title_{suffix} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for suffix in SUFFIXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS article_title_trigram_{suffix}")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_tag_article_index"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
