"""The audit log (README, "Security"): each event leaves one entry saying who, when and from
where; chief editors read it; nobody can change it, in the admin, the ORM or SQL."""

import getpass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import LanguageAssignment
from newsroom.accounts import audit, two_factor
from newsroom.accounts.audit import Action, AuditEntry
from newsroom.accounts.models import AppendOnlyError
from tests.desk import authenticator_of, make_user, next_code, signed_in
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
CHANGELIST = reverse("admin:accounts_auditentry_changelist")


def entries(action: Action) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


def the_one(action: Action) -> AuditEntry:
    [entry] = entries(action)
    return entry


def sign_in(client, user, password="pw", code=None):
    response = client.post(
        reverse("admin:login"),
        {"username": user.get_username(), "password": password},
        REMOTE_ADDR=ADDRESS,
    )
    if code is not None:
        response = client.post(reverse("admin:sign_in_code"), {"code": code}, REMOTE_ADDR=ADDRESS)
    return response


def assert_recent_from_the_address(entry: AuditEntry, user=None) -> None:
    assert timezone.now() - entry.at < timedelta(minutes=1)
    assert entry.address == ADDRESS
    if user is not None:
        assert (entry.user_id, entry.username) == (user.pk, user.username)


# Sign-ins, sign-outs, lock-outs -----------------------------------------------------


def test_a_sign_in_leaves_one_entry_saying_who_when_from_where_and_with_what(client):
    author = make_user("Authors")
    sign_in(client, author)
    entry = the_one(Action.SIGN_IN)
    assert_recent_from_the_address(entry, author)
    assert entry.detail == {"second_factor": None}

    editor = make_user("Editors")
    authenticator_of(editor)
    sign_in(Client(), editor, code=next_code(authenticator_of(editor)))
    assert AuditEntry.objects.filter(action=Action.SIGN_IN, user_id=editor.pk).get().detail == {
        "second_factor": "authenticator app"
    }


def test_a_failed_sign_in_leaves_one_entry_and_never_the_password(client):
    author = make_user("Authors")
    sign_in(client, author, password="my-secret-guess")
    entry = the_one(Action.SIGN_IN_FAILED)
    assert_recent_from_the_address(entry, author)
    assert "my-secret-guess" not in str(entry.__dict__)


def test_a_sign_in_failed_under_a_name_nobody_has_keeps_the_name(client):
    sign_in(client, make_user("Authors"), password="x")
    client.post(reverse("admin:login"), {"username": "nobody", "password": "x"})
    entry = AuditEntry.objects.get(username="nobody")
    assert entry.action == Action.SIGN_IN_FAILED and entry.user_id is None


def test_a_sign_out_leaves_one_entry(client):
    author = make_user("Authors")
    sign_in(client, author)
    client.post(reverse("admin:logout"), REMOTE_ADDR=ADDRESS)
    assert_recent_from_the_address(the_one(Action.SIGN_OUT), author)


def test_a_lock_out_leaves_one_entry_however_often_the_name_is_tried_after(client):
    author = make_user("Authors")
    for _ in range(7):
        sign_in(client, author, password="wrong")
    assert len(entries(Action.SIGN_IN_FAILED)) == 7
    assert_recent_from_the_address(the_one(Action.LOCKED_OUT), author)


def test_a_wrong_code_leaves_one_entry(client):
    author = make_user("Authors")
    authenticator_of(author)
    sign_in(client, author, code="000000")
    assert_recent_from_the_address(the_one(Action.SECOND_FACTOR_FAILED), author)
    assert entries(Action.SIGN_IN_FAILED) == []
    assert entries(Action.SIGN_IN) == []


def test_a_recovery_code_used_leaves_one_entry(client):
    author = make_user("Authors")
    authenticator_of(author)
    [code, *_] = two_factor.replace_recovery_codes(author)
    sign_in(client, author, code=code)
    entry = the_one(Action.RECOVERY_CODE_USED)
    assert_recent_from_the_address(entry, author)
    assert entry.detail == {"codes_left": 9}
    assert the_one(Action.SIGN_IN).detail == {"second_factor": "recovery code"}


def test_setting_up_an_app_leaves_one_entry(client):
    from django_otp.oath import TOTP

    editor = make_user("Editors")
    sign_in(client, editor)
    client.get(reverse("admin:account_authenticator"))
    device = editor.totpdevice_set.get()
    code = f"{TOTP(device.bin_key).token():06d}"
    client.post(reverse("admin:account_authenticator"), {"code": code}, REMOTE_ADDR=ADDRESS)
    entry = the_one(Action.SECOND_FACTOR_ENROLLED)
    assert_recent_from_the_address(entry, editor)
    assert (entry.target_type, entry.target_id) == ("auth.user", str(editor.pk))


def test_a_reset_and_a_sign_out_everywhere_by_a_chief_editor_leave_one_entry_each(client):
    editor, chief = make_user("Editors"), make_user(superuser=True)
    authenticator_of(editor)
    signed_in(client, chief)
    for action in ("reset_two_factor", "sign_out_everywhere"):
        client.post(
            reverse("admin:auth_user_changelist"),
            {"action": action, "_selected_action": [editor.pk]},
            REMOTE_ADDR=ADDRESS,
        )
    for action in (Action.SECOND_FACTOR_RESET, Action.SIGNED_OUT_EVERYWHERE):
        entry = the_one(action)
        assert_recent_from_the_address(entry, chief)
        assert entry.target_repr == editor.username


def test_signing_oneself_out_everywhere_leaves_one_entry(client):
    editor = make_user("Editors")
    signed_in(client, editor)
    client.post(reverse("admin:account_sign_out_everywhere"), REMOTE_ADDR=ADDRESS)
    assert_recent_from_the_address(the_one(Action.SIGNED_OUT_EVERYWHERE), editor)


# Roles and permissions -------------------------------------------------------------


def user_form(user, groups=None, languages=None, **fields) -> dict:
    """The user's change form as a browser posts it, with changes."""
    joined = timezone.localtime(user.date_joined)
    values = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "groups": [group.pk for group in (groups if groups is not None else user.groups.all())],
        "user_permissions": [permission.pk for permission in user.user_permissions.all()],
        **fields,
    }
    data = {name: ("on" if value is True else value) for name, value in values.items()}
    data = {name: value for name, value in data.items() if value is not False}
    assigned = list(user.language_assignments.all())
    wanted = languages if languages is not None else [a.language for a in assigned]
    prefix = "language_assignments"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(len(assigned) + len(wanted)),
            f"{prefix}-INITIAL_FORMS": str(len(assigned)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    )
    for index, assignment in enumerate(assigned):
        data[f"{prefix}-{index}-id"] = assignment.pk
        data[f"{prefix}-{index}-user"] = user.pk
        data[f"{prefix}-{index}-language"] = assignment.language
        if assignment.language not in wanted:
            data[f"{prefix}-{index}-DELETE"] = "on"
    new = [code for code in wanted if code not in {a.language for a in assigned}]
    for offset, code in enumerate(new):
        index = len(assigned) + offset
        data[f"{prefix}-{index}-user"] = user.pk
        data[f"{prefix}-{index}-language"] = code
    data[f"{prefix}-TOTAL_FORMS"] = str(len(assigned) + len(new))
    data["_save"] = "Save"
    return data


@pytest.fixture
def chief(client):
    signed_in(client, make_user(superuser=True))
    return client


def test_a_users_role_change_in_the_admin_leaves_exactly_one_entry_with_before_and_after(chief):
    translator = make_user("Translators", languages=["ru"])
    publish = Permission.objects.get(codename="publish_article")
    response = chief.post(
        reverse("admin:auth_user_change", args=[translator.pk]),
        user_form(
            translator,
            groups=[Group.objects.get(name="Editors")],
            languages=["ru", "en"],
            is_superuser=True,
            user_permissions=[publish.pk],
        ),
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = the_one(Action.ROLE_CHANGED)
    assert_recent_from_the_address(entry)
    assert (entry.target_type, entry.target_repr) == ("auth.user", translator.username)
    assert entry.detail == {
        "created": False,
        "changes": {
            "groups": {"before": ["Translators"], "after": ["Editors"]},
            "is_superuser": {"before": False, "after": True},
            "languages": {"before": ["ru"], "after": ["en", "ru"]},
            "user_permissions": {"before": [], "after": ["articles.publish_article"]},
        },
    }
    page = chief.get(CHANGELIST).content.decode()
    assert "groups: Translators → Editors" in page


def test_a_save_that_changes_no_role_leaves_no_role_entry(chief):
    author = make_user("Authors")
    chief.post(
        reverse("admin:auth_user_change", args=[author.pk]),
        user_form(author, email="new@example.com"),
    )
    assert get_user_model().objects.get(pk=author.pk).email == "new@example.com"
    assert entries(Action.ROLE_CHANGED) == []


def test_taking_away_staff_status_leaves_one_entry(chief):
    author = make_user("Authors")
    chief.post(
        reverse("admin:auth_user_change", args=[author.pk]), user_form(author, is_staff=False)
    )
    assert the_one(Action.ROLE_CHANGED).detail["changes"] == {
        "is_staff": {"before": True, "after": False}
    }


def test_a_groups_permission_change_leaves_exactly_one_entry(chief):
    authors = Group.objects.get(name="Authors")
    before = list(authors.permissions.values_list("pk", flat=True))
    publish = Permission.objects.get(codename="publish_article")
    chief.post(
        reverse("admin:auth_group_change", args=[authors.pk]),
        {"name": "Authors", "permissions": [*before, publish.pk]},
    )
    entry = the_one(Action.ROLE_CHANGED)
    assert entry.target_repr == "Authors"
    change = entry.detail["changes"]["permissions"]
    assert sorted(set(change["after"]) - set(change["before"])) == ["articles.publish_article"]


def test_deleting_a_user_changes_no_entry_and_leaves_one(client, chief):
    author = make_user("Authors")
    sign_in(Client(), author)
    chief.post(reverse("admin:auth_user_delete", args=[author.pk]), {"post": "yes"})
    assert not get_user_model().objects.filter(pk=author.pk).exists()
    entry = AuditEntry.objects.get(action=Action.SIGN_IN, username=author.username)
    assert entry.user_id == author.pk
    assert the_one(Action.DELETE).target_repr == author.username
    assert not LanguageAssignment.objects.exists()


# One call for everyone -------------------------------------------------------------


def test_record_names_the_request_user_the_target_and_the_detail(rf):
    editor = make_user("Editors")
    article = make_article()
    request = rf.post("/admin/", REMOTE_ADDR=ADDRESS)
    request.user = editor
    entry = audit.record(
        Action.PUBLISH, request=request, target=article, detail={"at": timezone.now()}
    )
    entry.refresh_from_db()
    assert (entry.username, entry.address, entry.target_type) == (
        editor.username,
        ADDRESS,
        "articles.article",
    )
    assert (entry.target_id, entry.target_repr) == (str(article.pk), str(article))
    assert isinstance(entry.detail["at"], str)


def test_record_from_a_management_command_names_the_operating_system_user():
    entry = audit.record(Action.IMPORT, detail={"files": 3})
    assert (entry.username, entry.user_id, entry.address) == (getpass.getuser(), None, None)
    editor = make_user("Editors")
    assert audit.record(Action.IMPORT, user=editor).username == editor.username


def test_record_takes_the_address_as_django_axes_does_behind_a_proxy(rf, settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_REAL_IP", "REMOTE_ADDR")
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REAL_IP=ADDRESS)
    request.user = make_user("Editors")
    assert audit.record(Action.PUBLISH, request=request).address == ADDRESS


# Nobody can change it ----------------------------------------------------------------


@pytest.fixture
def entry():
    return audit.record(Action.PUBLISH, user=make_user("Editors"), detail={"languages": ["kk"]})


def test_chief_editors_read_the_log_with_filters_and_search(chief, entry):
    assert chief.get(CHANGELIST).status_code == 200
    for query in (
        {"action": Action.PUBLISH},
        {"username": entry.username},
        {"at__year": timezone.localdate().year, "at__month": timezone.localdate().month},
        {"q": entry.username},
        {"q": ADDRESS},
    ):
        assert chief.get(CHANGELIST, query).status_code == 200, query
    shown = chief.get(CHANGELIST, {"action": Action.PUBLISH}).context["cl"].result_list
    assert list(shown) == [entry]
    view = chief.get(reverse("admin:accounts_auditentry_change", args=[entry.pk]))
    assert view.status_code == 200 and "languages" in view.content.decode()


def test_the_log_cannot_be_changed_from_the_admin_even_by_a_chief_editor(chief, entry):
    assert chief.get(reverse("admin:accounts_auditentry_add")).status_code == 403
    assert chief.post(reverse("admin:accounts_auditentry_add"), {"action": "x"}).status_code == 403
    changed = chief.post(
        reverse("admin:accounts_auditentry_change", args=[entry.pk]), {"username": "someone"}
    )
    assert changed.status_code == 403
    deleted = chief.post(
        reverse("admin:accounts_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403
    chief.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [entry.pk]})
    assert AuditEntry.objects.filter(pk=entry.pk, username=entry.username).exists()


def test_an_editor_cannot_even_read_the_log(client, entry):
    signed_in(client, make_user("Editors"))
    assert client.get(CHANGELIST).status_code == 403
    assert (
        client.get(reverse("admin:accounts_auditentry_change", args=[entry.pk])).status_code == 403
    )
    assert CHANGELIST not in client.get(reverse("admin:index")).content.decode()


def test_the_orm_refuses_to_change_or_delete_an_entry(entry):
    entry.username = "someone"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(username="someone")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["username"])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry(pk=entry.pk, action=Action.DELETE).save()  # a new entry with its id
    assert AuditEntry.objects.get(pk=entry.pk).action == Action.PUBLISH


def test_the_database_refuses_an_sql_update(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditentry SET username = 'someone'")
    assert AuditEntry.objects.get(pk=entry.pk).username == entry.username


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite keeps DELETE for the test runner's flush"
)
def test_postgresql_refuses_an_sql_delete(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
