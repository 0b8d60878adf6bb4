"""The desk's workflow (articles/workflow.py): submit, publish, withdraw, correct, for each role."""

import io
from datetime import timedelta
from unittest import mock

import pytest
import reversion
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from reversion.models import Version

from articles import workflow
from articles.editions.languages import WRITTEN_LANGUAGES
from articles.models import Article
from articles.workflow import DeskAction, NotAllowed
from newsroom.accounts.models import Action, AuditEntry
from tests.desk import change_form_data, change_url, make_user, signed_in
from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_article_changelist"
NAMES = dict(WRITTEN_LANGUAGES)


@pytest.fixture(autouse=True)
def _in_english():
    """Messages and version comments read in English here (the desk's language in these tests)."""
    with translation.override("en"):
        yield


@pytest.fixture
def editor():
    return make_user("Editors")


@pytest.fixture
def author():
    return make_user("Authors")


@pytest.fixture
def translator():
    return make_user("Translators", languages=["ru"])


@pytest.fixture
def announced():
    """What the workflow announces, as (action, article id, user, detail)."""
    heard = []

    def listen(sender, action, target, request, user, detail, **kwargs):
        heard.append((action, getattr(target, "pk", None), user, detail))

    workflow.desk_action.connect(listen, weak=False, dispatch_uid="test_workflow")
    yield heard
    workflow.desk_action.disconnect(dispatch_uid="test_workflow")


def draft(**overrides) -> Article:
    return make_article(**{"status": Article.Status.DRAFT, "published_at": None, **overrides})


def last_revision(article: Article):
    return Version.objects.get_for_object(article).order_by("-pk").first().revision


def assert_unchanged(article: Article) -> None:
    stored = Article.objects.get(pk=article.pk)
    assert (stored.status, stored.go_live_times, stored.edit_version) == (
        article.status,
        article.go_live_times,
        article.edit_version,
    )
    assert not Version.objects.get_for_object(article).exists()


# Submit


def test_an_author_submits_their_own_draft_for_review(author, announced):
    article = draft(created_by=author)
    workflow.article_submit(article, author)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert announced == [(DeskAction.SUBMIT, article.pk, author, {})]
    revision = last_revision(article)
    assert (revision.user, revision.comment) == (author, "Submitted for review")


@pytest.mark.parametrize("who", ["another author", "translator"])
def test_only_its_author_or_an_editor_submits_a_draft(who, author, translator, announced):
    article = draft(created_by=author)
    user = translator if who == "translator" else make_user("Authors")
    with pytest.raises(NotAllowed):
        workflow.article_submit(article, user)
    assert_unchanged(article)
    assert announced == []


def test_only_a_draft_is_submitted(editor):
    article = draft(status=Article.Status.REVIEW)
    with pytest.raises(ValidationError, match="Only a draft"):
        workflow.article_submit(article, editor)


# Publish


def test_an_editor_publishes_every_written_language_now(editor, announced):
    article = draft(languages=["kk", "ru"])
    workflow.article_publish(article, editor)
    assert [code for code in ("kk", "ru", "en") if article.is_live_in(code)] == ["kk", "ru"]
    assert Article.objects.published("ru").filter(pk=article.pk).exists()
    assert announced == [(DeskAction.PUBLISH, article.pk, editor, {"languages": ["kk", "ru"]})]
    revision = last_revision(article)
    assert (revision.user, revision.comment) == (editor, "Published")


@pytest.mark.parametrize("role", ["author", "translator"])
def test_authors_and_translators_may_not_publish(role, author, translator, announced):
    user = {"author": author, "translator": translator}[role]
    article = draft(created_by=author)
    for languages in (None, ["ru"]):  # the translator's own language neither
        with pytest.raises(NotAllowed):
            workflow.article_publish(article, user, languages=languages)
    assert_unchanged(article)
    assert announced == []


def test_not_allowed_is_a_permission_denied_the_admin_answers_with_403():
    assert issubclass(NotAllowed, PermissionDenied)


def test_each_language_is_published_or_scheduled_on_its_own(editor, announced):
    article = draft()
    tomorrow = timezone.now() + timedelta(days=1)

    workflow.article_publish(article, editor, languages=["kk"])
    workflow.article_publish(article, editor, languages=["ru"], at=tomorrow)

    assert list(Article.objects.published("kk")) == [article]
    assert not Article.objects.published("ru").exists()
    assert not Article.objects.published("en").exists()
    assert announced == [
        (DeskAction.PUBLISH, article.pk, editor, {"languages": ["kk"]}),
        (DeskAction.SCHEDULE, article.pk, editor, {"languages": {"ru": tomorrow.isoformat()}}),
    ]
    with time_machine.travel(tomorrow + timedelta(minutes=1)):
        assert list(Article.objects.published("ru")) == [article]
        assert not Article.objects.published("en").exists()


def test_publishing_now_keeps_a_language_scheduled_for_later(editor, announced):
    tomorrow = timezone.now() + timedelta(days=1)
    article = draft(published_at_en=tomorrow)
    workflow.article_publish(article, editor)
    assert article.published_at_en == tomorrow
    assert [action for action, *_rest in announced] == [DeskAction.PUBLISH, DeskAction.SCHEDULE]
    assert announced[0][3] == {"languages": ["kk", "ru"]}


def test_a_language_without_its_text_cannot_be_published(editor, announced):
    article = draft(languages=["kk"])
    with pytest.raises(ValidationError, match=f"no title and body in: {NAMES['ru']}"):
        workflow.article_publish(article, editor, languages=["kk", "ru"])
    assert article.status == Article.Status.DRAFT  # the instance too is as it was
    assert_unchanged(article)
    assert announced == []


def test_publishing_checks_what_the_change_form_checks(editor, tiny_png):
    cover = make_image(tiny_png, alt_en="")
    article = draft(cover_image=cover)
    with pytest.raises(ValidationError) as refused:
        workflow.article_publish(article, editor)
    assert "cover_image" in refused.value.message_dict
    assert article.status == Article.Status.DRAFT
    assert_unchanged(article)


def test_a_management_command_acts_without_a_user(announced):
    article = draft()
    workflow.article_publish(article, None)
    assert article.status == Article.Status.PUBLISHED
    assert announced[0][2] is None
    assert last_revision(article).user is None


def test_inside_a_larger_revision_an_action_is_part_of_it_under_its_comment(editor):
    article = draft()
    with reversion.create_revision():
        reversion.set_comment("Imported from story.txt")
        workflow.article_publish(article, None)
    [version] = Version.objects.get_for_object(article)
    assert version.revision.comment == "Imported from story.txt"
    assert version.field_dict["status"] == Article.Status.PUBLISHED


def test_a_quiet_publication_is_not_announced(announced):
    article = draft()
    workflow.article_publish(article, None, quiet=True)
    assert article.is_live_in("kk")
    assert announced == []


# Withdraw


@pytest.mark.parametrize("reason", ["", "   "])
def test_withdrawing_needs_a_reason(editor, announced, reason):
    article = make_article()
    with pytest.raises(ValidationError, match="Say why"):
        workflow.article_withdraw(article, editor, reason=reason)
    assert_unchanged(article)
    assert announced == []


def test_an_editor_withdraws_with_a_reason(editor, announced):
    article = make_article()
    workflow.article_withdraw(article, editor, reason="  Wrong figures ")
    article.refresh_from_db()
    assert (article.status, article.withdrawal_reason) == (
        Article.Status.WITHDRAWN,
        "Wrong figures",
    )
    assert not Article.objects.published().exists()
    assert announced == [(DeskAction.WITHDRAW, article.pk, editor, {"reason": "Wrong figures"})]
    revision = last_revision(article)
    assert (revision.user, revision.comment) == (editor, "Withdrawn: Wrong figures")


@pytest.mark.parametrize("role", ["author", "translator"])
def test_authors_and_translators_may_not_withdraw(role, author, translator, announced):
    user = {"author": author, "translator": translator}[role]
    article = make_article(created_by=author)
    with pytest.raises(NotAllowed):
        workflow.article_withdraw(article, user, reason="Mine to take back")
    assert_unchanged(article)
    assert announced == []


def test_republishing_a_withdrawn_article_brings_back_the_languages_due(editor):
    article = make_article()
    workflow.article_withdraw(article, editor, reason="Checking the figures")
    workflow.article_publish(article, editor)
    assert list(Article.objects.published("en")) == [article]


# Correct


def test_an_editor_corrects_a_live_language(client, editor, announced):
    article = make_article()
    note = "An earlier version gave the wrong date."
    workflow.article_correct(article, editor, language="en", note=note)
    article.refresh_from_db()
    assert (article.correction_en, article.correction_ru or "") == (note, "")
    assert announced == [(DeskAction.CORRECT, article.pk, editor, {"language": "en", "note": note})]
    assert last_revision(article).user == editor
    assert note in client.get(article.get_absolute_url("en")).content.decode()
    assert note not in client.get(article.get_absolute_url("ru")).content.decode()
    [entry] = AuditEntry.objects.filter(action=Action.CORRECT)
    assert entry.detail == {"language": "en", "note": note}


def test_a_correction_is_for_a_language_readers_see(editor, announced):
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    for article in (draft(), scheduled, make_article(languages=["kk"])):
        with pytest.raises(ValidationError, match=f"not live in {NAMES['en']}"):
            workflow.article_correct(article, editor, language="en", note="Wrong date.")
        assert_unchanged(article)
    with pytest.raises(ValidationError, match="Write the correction"):
        workflow.article_correct(make_article(), editor, language="en", note=" ")
    assert announced == []


@pytest.mark.parametrize("role", ["author", "translator"])
def test_only_editors_correct_even_in_a_translators_language(role, author, translator):
    user = {"author": author, "translator": translator}[role]
    article = make_article(created_by=author)
    with pytest.raises(NotAllowed):
        workflow.article_correct(article, user, language="ru", note="Неверная дата.")
    assert_unchanged(article)


# The desk goes through the workflow


def test_the_bulk_publish_action_goes_through_the_workflow(client, editor, announced):
    first, second = draft(), draft()
    desk = signed_in(client, editor)
    with mock.patch.object(
        workflow, "article_publish", wraps=workflow.article_publish
    ) as article_publish:
        response = desk.post(
            reverse(CHANGELIST),
            {"action": "publish", "_selected_action": [first.pk, second.pk]},
            follow=True,
        )
    assert sorted(call.args[0].pk for call in article_publish.call_args_list) == sorted(
        [first.pk, second.pk]
    )
    assert {call.args[1] for call in article_publish.call_args_list} == {editor}
    assert "2 articles published." in response.content.decode()
    assert sorted(pk for _action, pk, *_rest in announced) == sorted([first.pk, second.pk])
    assert last_revision(first).comment == "Published"


def test_the_bulk_publish_action_names_what_it_could_not_publish(client, editor, tiny_png):
    fine, lacking = draft(), draft(cover_image=make_image(tiny_png, alt_ru=""))
    response = signed_in(client, editor).post(
        reverse(CHANGELIST),
        {"action": "publish", "_selected_action": [fine.pk, lacking.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 article published." in page
    refused = f"“{lacking.title_en}” was not published: Give the cover image alt text in: "
    assert refused + NAMES["ru"] in page
    assert Article.objects.get(pk=lacking.pk).status == Article.Status.DRAFT
    assert Article.objects.get(pk=fine.pk).status == Article.Status.PUBLISHED


def test_the_bulk_withdraw_action_goes_through_the_workflow(client, editor, announced):
    article = make_article()
    with mock.patch.object(
        workflow, "article_withdraw", wraps=workflow.article_withdraw
    ) as article_withdraw:
        signed_in(client, editor).post(
            reverse(CHANGELIST),
            {
                "action": "withdraw",
                "_selected_action": [article.pk],
                "apply": "1",
                "reason": "Wrong figures",
            },
        )
    [call] = article_withdraw.call_args_list
    assert (call.args[0].pk, call.args[1], call.kwargs["reason"]) == (
        article.pk,
        editor,
        "Wrong figures",
    )
    assert announced == [(DeskAction.WITHDRAW, article.pk, editor, {"reason": "Wrong figures"})]


def test_the_change_form_saves_once_and_announces_once(client, editor, announced):
    article = draft()
    data = change_form_data(article, status=Article.Status.PUBLISHED)
    with mock.patch.object(workflow, "article_save", wraps=workflow.article_save) as saved:
        assert signed_in(client, editor).post(change_url(article), data).status_code == 302
    assert saved.call_count == 1
    assert announced == [
        (DeskAction.PUBLISH, article.pk, editor, {"languages": ["kk", "ru", "en"]})
    ]
    assert Article.objects.get(pk=article.pk).edit_version == article.edit_version + 1
    [version] = Version.objects.get_for_object(article)  # the form's own version, no other
    assert version.revision.user == editor


def test_the_change_form_announces_a_submission_and_a_correction(client, author, editor, announced):
    mine = draft(created_by=author)
    signed_in(client, author).post(
        change_url(mine), change_form_data(mine, status=Article.Status.REVIEW)
    )
    live = make_article()
    note = "An earlier version misspelt the minister's name."
    signed_in(client, editor).post(change_url(live), change_form_data(live, correction_en=note))
    assert announced == [
        (DeskAction.SUBMIT, mine.pk, author, {}),
        (DeskAction.CORRECT, live.pk, editor, {"language": "en", "note": note}),
    ]


def test_a_save_is_held_to_the_rules_of_what_it_decides(author, announced):
    article = draft(created_by=author)
    article.status = Article.Status.PUBLISHED
    with pytest.raises(NotAllowed):
        workflow.article_save(article, author)
    article = Article.objects.get(pk=article.pk)
    article.published_at_en = timezone.now()
    with pytest.raises(NotAllowed):
        workflow.article_save(article, author)
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
    assert announced == []


def test_the_legacy_import_publishes_through_the_workflow_and_announces_only_itself(
    tmp_path, announced
):
    legacy = tmp_path / "story.txt"
    legacy.write_text("Заголовок\n\n12.05.2019 10:00\nNone\nТекст статьи.\n", encoding="utf-8")
    with mock.patch.object(
        workflow, "article_publish", wraps=workflow.article_publish
    ) as article_publish:
        call_command("import_legacy", str(legacy), stdout=io.StringIO())
    article = Article.objects.get()
    assert article.is_live_in("ru")
    [call] = article_publish.call_args_list
    assert (call.args[1], call.kwargs["languages"]) == (None, ["ru"])
    assert [action for action, *_rest in announced] == [DeskAction.IMPORT]
    [version] = Version.objects.get_for_object(article)
    assert version.revision.comment == "Imported from story.txt"
