"""Kazakh Latin search vectors spell ı as i, so that letter case never matters (articles/search.py).

Kazakh Latin writes і as ı (capital I) and и as i (capital İ), but
PostgreSQL lowers I to i: `Ile` and `ıle` were two words to search. The
vectors are rewritten with ı as i, lexeme by lexeme (the same vector as
made from the text with ı as i: the parser splits words alike either way),
about a minute per 50,000 articles. Going back makes them from the text
again, without the body's markup.
"""

from django.db import migrations

FOLD = """
    UPDATE articles_article
    SET search_kk_latn = translate(search_kk_latn::text, 'ı', 'i')::tsvector
    WHERE strpos(search_kk_latn::text, 'ı') > 0
"""

UNFOLD = """
    UPDATE articles_article
    SET search_kk_latn =
        setweight(to_tsvector('simple', coalesce(title_kk_latn, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(lead_kk_latn, '')), 'B')
        || setweight(
            to_tsvector('simple', regexp_replace(coalesce(body_kk_latn, ''), '<[^>]*>', ' ', 'g')),
            'C'
        )
    WHERE search_kk_latn IS NOT NULL
"""


def fold(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FOLD)


def unfold(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNFOLD)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_image_uploader_and_clean_photos"),
    ]

    operations = [migrations.RunPython(fold, unfold, elidable=False)]
