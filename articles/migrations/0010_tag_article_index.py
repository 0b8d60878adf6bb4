# The newest articles carrying a tag, read by Article.objects.related_to():
# an index on the tags table by tag, then article, so that no tag's every row is read.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_breaking_until_index")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX article_tags_tag_article ON articles_article_tags (tag_id, article_id)",
            "DROP INDEX article_tags_tag_article",
        )
    ]
