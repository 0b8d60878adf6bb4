"""Data written before the editorial workflow keeps its meaning after the migration."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0001_initial")]
AFTER = [("articles", "0003_roles")]


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    """The tests that run after these find the whole schema again."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_published_articles_go_live_in_each_written_language_and_roles_exist():
    old_apps = migrate(BEFORE)
    Article = old_apps.get_model("articles", "Article")
    when = timezone.now() - timedelta(days=2)
    both = Article.objects.create(
        title_kk="Тақырып",
        body_kk="Мәтін.",
        title_en="Title",
        body_en="Text.",
        status="published",
        published_at=when,
    )
    title_only = Article.objects.create(
        title_ru="Только заголовок", status="published", published_at=when
    )

    new_apps = migrate(AFTER)
    Article = new_apps.get_model("articles", "Article")
    both = Article.objects.get(pk=both.pk)
    assert both.published_at_kk == when and both.published_at_en == when
    assert both.published_at_ru is None
    assert both.original_language == "kk"
    assert Article.objects.get(pk=title_only.pk).published_at_ru is None  # no body: not live
    Group = new_apps.get_model("auth", "Group")
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Authors",
        "Translators",
        "Editors",
    }
    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(codename="publish_article").exists()
    assert (
        not Group.objects.get(name="Authors")
        .permissions.filter(codename="publish_article")
        .exists()
    )
