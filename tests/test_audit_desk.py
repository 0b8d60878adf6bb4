"""Each of the desk's actions on content leaves exactly one entry in the audit log."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from newsroom.accounts.models import Action, AuditEntry
from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
CONTENT_ACTIONS = {
    Action.PUBLISH,
    Action.SCHEDULE,
    Action.WITHDRAW,
    Action.RESTORE,
    Action.RECOVER,
    Action.DELETE,
    Action.IMPORT,
}


@pytest.fixture
def editor():
    return make_user("Editors")


@pytest.fixture
def desk(client, editor):
    client = signed_in(client, editor)
    client.defaults["REMOTE_ADDR"] = ADDRESS
    return client


def entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action__in=CONTENT_ACTIONS).order_by("id"))


def go_live(moment, *languages) -> dict:
    local = timezone.localtime(moment)
    return {
        f"published_at_{code}_{part}": local.strftime(form)
        for code in languages
        for part, form in (("0", "%Y-%m-%d"), ("1", "%H:%M:%S"))
    }


def draft() -> Article:
    return make_article(status=Article.Status.DRAFT, published_at=None)


def test_publishing_in_the_change_form_leaves_one_entry_with_who_when_and_where(desk, editor):
    article = draft()
    data = change_form_data(article, status=Article.Status.PUBLISHED)
    assert desk.post(change_url(article), data).status_code == 302
    [entry] = entries()
    assert entry.action == Action.PUBLISH
    assert (entry.user_id, entry.username, entry.address) == (editor.pk, editor.username, ADDRESS)
    assert (entry.target_type, entry.target_id) == ("articles.article", str(article.pk))
    assert entry.detail == {"languages": ["kk", "ru", "en"]}
    assert timezone.now() - entry.at < timedelta(minutes=1)


def test_scheduling_leaves_one_entry(desk):
    article = draft()
    tomorrow = timezone.now() + timedelta(days=1)
    data = change_form_data(
        article, status=Article.Status.PUBLISHED, **go_live(tomorrow, "kk", "ru", "en")
    )
    assert desk.post(change_url(article), data).status_code == 302
    [entry] = entries()
    assert entry.action == Action.SCHEDULE
    assert sorted(entry.detail["languages"]) == ["en", "kk", "ru"]


def test_publishing_now_and_scheduling_in_one_save_leaves_one_entry_of_each(desk):
    article = draft()
    now, tomorrow = timezone.now() - timedelta(minutes=1), timezone.now() + timedelta(days=1)
    data = change_form_data(
        article,
        status=Article.Status.PUBLISHED,
        **go_live(now, "kk", "ru"),
        **go_live(tomorrow, "en"),
    )
    assert desk.post(change_url(article), data).status_code == 302
    assert [(entry.action, entry.detail["languages"]) for entry in entries()] == [
        (Action.PUBLISH, ["kk", "ru"]),
        (Action.SCHEDULE, {"en": timezone.localtime(tomorrow).replace(microsecond=0).isoformat()}),
    ]


def test_editing_a_live_article_publishes_nothing_new(desk):
    article = make_article()
    data = change_form_data(article, title_en="A sharper headline")
    assert desk.post(change_url(article), data).status_code == 302
    assert entries() == []


def test_withdrawing_in_the_form_and_in_bulk_leaves_one_entry_per_article(desk):
    first, second, third = make_article(), make_article(), make_article()
    data = change_form_data(first, status=Article.Status.WITHDRAWN, withdrawal_reason="Legal")
    assert desk.post(change_url(first), data).status_code == 302
    desk.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "withdraw",
            "_selected_action": [second.pk, third.pk],
            "apply": "1",
            "reason": "Wrong figures",
        },
    )
    withdrawn = sorted((int(entry.target_id), entry.action, entry.detail) for entry in entries())
    assert withdrawn == [
        (first.pk, Action.WITHDRAW, {"reason": "Legal"}),
        (second.pk, Action.WITHDRAW, {"reason": "Wrong figures"}),
        (third.pk, Action.WITHDRAW, {"reason": "Wrong figures"}),
    ]


def test_the_bulk_publish_action_leaves_one_entry_per_article_it_published(desk):
    waiting, live = draft(), make_article()
    desk.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [waiting.pk, live.pk]},
    )
    [entry] = entries()
    assert (entry.action, entry.target_id) == (Action.PUBLISH, str(waiting.pk))


def test_a_restore_leaves_one_entry_naming_the_version_and_fields(desk):
    article = make_article(title_en="Original")
    desk.post(change_url(article), change_form_data(article))
    article.refresh_from_db()
    desk.post(change_url(article), change_form_data(article, title_en="Changed"))
    article.refresh_from_db()
    version = Version.objects.get_for_object(article).order_by("pk").first()
    url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    response = desk.post(url, {"restore": ["title_en"], "based_on_version": article.edit_version})
    assert response.status_code == 302
    [entry] = entries()
    assert entry.action == Action.RESTORE
    assert (entry.detail["version"], entry.detail["fields"]) == (version.pk, ["title_en"])


def test_deleting_and_recovering_leave_one_entry_each(desk):
    article, other = make_article(), make_article()
    desk.post(change_url(article), change_form_data(article))
    article.refresh_from_db()
    delete = reverse("admin:articles_article_delete", args=[article.pk])
    assert desk.post(delete, {"post": "yes"}).status_code == 302
    desk.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    [deleted] = Version.objects.get_deleted(Article)
    recover = reverse("admin:articles_article_recover", args=[deleted.pk])
    assert desk.post(recover, change_form_data(article)).status_code == 302
    assert [(entry.action, entry.target_id) for entry in entries()] == [
        (Action.DELETE, str(article.pk)),
        (Action.DELETE, str(other.pk)),
        (Action.RECOVER, str(article.pk)),
    ]


def test_imports_leave_one_entry_each_by_the_operating_system_user(tmp_path, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "deploy")
    legacy = tmp_path / "story.txt"
    legacy.write_text("Заголовок\n\n12.05.2019 10:00\nNone\nТекст статьи.\n", encoding="utf-8")
    call_command("import_legacy", str(legacy), stdout=io.StringIO())
    backup = tmp_path / "backup.json"
    call_command("export_content", "--output", str(backup), stdout=io.StringIO())
    call_command("import_content", str(backup), "--replace", stdout=io.StringIO())

    first, second = entries()
    assert (first.action, first.username, first.address) == (Action.IMPORT, "deploy", None)
    assert (first.detail["command"], first.detail["imported"]) == ("import_legacy", 1)
    assert (second.action, second.detail["command"]) == (Action.IMPORT, "import_content")
    assert second.detail["counts"]["articles"] == 1
    json.dumps(second.detail)  # a JSON-able record


def test_nothing_the_desk_does_can_be_undone_in_the_log_by_a_chief_editor(client):
    draft_article = draft()
    chief = signed_in(client, make_user(superuser=True))
    chief.post(
        change_url(draft_article),
        change_form_data(draft_article, status=Article.Status.PUBLISHED),
    )
    [entry] = entries()
    assert (
        chief.get(reverse("admin:accounts_auditentry_change", args=[entry.pk])).status_code == 200
    )
    assert chief.post(
        reverse("admin:accounts_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    ).status_code in (403, 302)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
