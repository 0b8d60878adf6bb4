"""One place for what a save derives: a restored article is stored as a save stores it."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from articles.models import Article
from tests.factories import make_article, make_tag
from tests.test_backup import empty_content_tables, import_content

pytestmark = pytest.mark.django_db

# What a save() changes whatever the article: its bookkeeping.
SAVE_BOOKKEEPING = {"edit_version", "updated_at"}


def raw_row(pk: int) -> dict:
    """The article's row as stored, every column (search vectors included on PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Article._meta.db_table} WHERE id = %s", [pk])
        columns = [column[0] for column in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def test_a_restored_article_is_stored_as_a_save_would_store_it(tmp_path):
    tag = make_tag()
    for article in (
        make_article(title_kk="Жаңа бюджет", body_ru="<p>Депутаты приняли бюджет.</p>"),
        make_article(latin_title="Overridden", body_ru="<p>Бюджет.</p>"),
    ):
        article.tags.add(tag)
    path = tmp_path / "backup.json"
    call_command("export_content", output=path, stdout=io.StringIO())
    # Damage what a save would derive: the restore must make it again, not trust it.
    document = json.loads(path.read_text())
    for item in document["articles"]:
        item["title"]["kk-latn"] = "Not the conversion"
        item["slug"]["en"] = ""
        item["body"]["ru"] += '<script>alert("x")</script>'
        item["lead"]["en"] = "   "
    path.write_text(json.dumps(document))
    empty_content_tables()

    import_content(path)

    for pk in Article.objects.values_list("pk", flat=True):
        restored = raw_row(pk)
        Article.objects.get(pk=pk).save()
        saved = raw_row(pk)
        changed = {column for column in restored if restored[column] != saved[column]}
        assert changed <= SAVE_BOOKKEEPING, pk
        assert "<script" not in restored["body_ru"]
        assert restored["written_in"]
        assert restored["related_ids"]  # each shares the tag with the other
