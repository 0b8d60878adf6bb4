"""Staff sessions end (README, "Security"): after STAFF_IDLE_MINUTES without use, and when a
user, or a chief editor for them, signs them out everywhere. The change form's heartbeat
keeps a session only when the editor used the page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP

from newsroom.accounts import two_factor
from tests.desk import authenticator_of, make_user, signed_in
from tests.factories import make_article

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


def may_use_the_desk(client) -> bool:
    return client.get(INDEX).status_code == 200


def heartbeat(client, article, used: bool):
    url = reverse("admin:articles_article_presence", args=[article.pk])
    return client.get(url, {"active": "1"} if used else {})


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


@pytest.fixture
def editor():
    return make_user("Editors")


# Idle sessions ---------------------------------------------------------------------


def test_the_idle_time_is_an_hour_unless_configured(settings):
    assert settings.STAFF_IDLE_MINUTES == 60


def test_a_session_left_unused_for_the_idle_time_ends(client, clock, editor):
    signed_in(client, editor)
    clock.shift(timedelta(minutes=61))
    response = client.get(INDEX)
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    page = client.get(response.url, headers={"Accept-Language": "en"})
    assert "You were signed out after 60 minutes without using the desk." in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_using_the_desk_keeps_the_session(client, clock, editor):
    signed_in(client, editor)
    for _ in range(3):
        clock.shift(timedelta(minutes=50))
        assert may_use_the_desk(client)


def test_the_idle_time_comes_from_the_settings(client, clock, editor, settings):
    settings.STAFF_IDLE_MINUTES = 5
    signed_in(client, editor)
    clock.shift(timedelta(minutes=4))
    assert may_use_the_desk(client)
    clock.shift(timedelta(minutes=6))
    assert not may_use_the_desk(client)


def test_an_open_tab_alone_does_not_keep_the_session(client, clock, editor):
    article = make_article()
    signed_in(client, editor)
    for _ in range(4):  # the tab's heartbeat, every half hour here, with nobody at the page
        clock.shift(timedelta(minutes=30))
        heartbeat(client, article, used=False)
    assert not may_use_the_desk(client)


def test_typing_reported_by_the_heartbeat_keeps_the_session(client, clock, editor):
    article = make_article()
    signed_in(client, editor)
    for _ in range(4):  # an editor writing a long story, never saving
        clock.shift(timedelta(minutes=30))
        assert heartbeat(client, article, used=True).status_code == 200
    assert may_use_the_desk(client)


def test_typing_just_before_the_idle_time_counts_though_its_heartbeat_comes_just_after(
    client, clock, editor
):
    article = make_article()
    signed_in(client, editor)
    clock.shift(timedelta(minutes=60, seconds=20))
    assert heartbeat(client, article, used=True).status_code == 200
    clock.shift(timedelta(minutes=30))
    assert may_use_the_desk(client)


def test_readers_pages_never_touch_the_session(client):
    make_article()
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/")
    assert not any("django_session" in query["sql"] for query in queries)
    assert not any("accounts_" in query["sql"] for query in queries)


# Signing out everywhere ------------------------------------------------------------


def test_signing_out_everywhere_ends_every_session_of_the_user_and_only_theirs(client, editor):
    laptop, phone = signed_in(client, editor), signed_in(Client(), editor)
    colleague = signed_in(Client(), make_user("Editors"))
    response = laptop.post(reverse("admin:account_sign_out_everywhere"))
    assert response.status_code == 302 and response.url == reverse("admin:login")
    assert not may_use_the_desk(laptop)
    assert not may_use_the_desk(phone)
    assert may_use_the_desk(colleague)
    # Signing in again afterwards works as ever.
    assert may_use_the_desk(signed_in(Client(), editor))


def test_signing_out_everywhere_takes_a_post(client, editor):
    signed_in(client, editor)
    assert client.get(reverse("admin:account_sign_out_everywhere")).status_code == 405
    assert may_use_the_desk(client)


@pytest.mark.parametrize("where", ["list", "page"])
def test_a_chief_editor_signs_a_user_out_everywhere(client, editor, where):
    editors_desk = signed_in(Client(), editor)
    chief = signed_in(client, make_user(superuser=True))
    if where == "list":
        url = reverse("admin:auth_user_changelist")
        data = {"action": "sign_out_everywhere", "_selected_action": [editor.pk]}
    else:
        url = reverse("admin:auth_user_change", args=[editor.pk])
        data = {"CHANGE_FORM-action": "sign_out_everywhere", "_selected_action": [editor.pk]}
    assert chief.post(url, data).status_code == 302
    assert not may_use_the_desk(editors_desk)
    assert may_use_the_desk(chief)
    assert two_factor.has_authenticator(editor)  # only the sessions ended


def test_setting_up_an_app_ends_the_users_other_sessions_but_not_this_one(client):
    author = make_user("Authors")
    elsewhere = signed_in(Client(), author)
    signed_in(client, author)
    client.get(reverse("admin:account_authenticator"))
    device = author.totpdevice_set.get(confirmed=False)
    code = f"{TOTP(device.bin_key).token():06d}"
    client.post(reverse("admin:account_authenticator"), {"code": code})
    assert may_use_the_desk(client)
    assert not may_use_the_desk(elsewhere)


def test_a_new_password_ends_the_users_other_sessions(client, editor):
    elsewhere = signed_in(Client(), editor)
    authenticator_of(editor)
    signed_in(client, editor)
    client.post(
        reverse("admin:password_change"),
        {
            "old_password": "pw",
            "new_password1": "steppe-falcon-teapot-1987",
            "new_password2": "steppe-falcon-teapot-1987",
        },
    )
    assert may_use_the_desk(client)
    assert not may_use_the_desk(elsewhere)
