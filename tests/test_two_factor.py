"""Two-factor sign-in for staff (README, "Security"): who must give a code, the sign-in's two
steps on the admin's sign-in page, lock-outs, recovery codes, setting up an app, and a chief
editor's reset."""

import io
import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article
from newsroom.accounts import two_factor
from tests.desk import (
    authenticator_of,
    change_form_data,
    change_url,
    make_user,
    next_code,
    signed_in,
)
from tests.factories import make_article
from tests.test_security import InlineCode, policy

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
CODE_PAGE = reverse("admin:sign_in_code")
SET_UP_PAGE = reverse("admin:account_authenticator")
ACCOUNT_PAGE = reverse("admin:account")
WRONG_CODE = "That code was not accepted."


def with_next(url: str, next_url: str = INDEX) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def password_step(client, user, password="pw", address="127.0.0.1"):
    """The sign-in's first step, by an editor whose browser asks for English from then on."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client.post(
        reverse("admin:login"),
        {"username": user.get_username(), "password": password, "next": INDEX},
        REMOTE_ADDR=address,
        headers={"Accept-Language": "en"},
    )


def code_step(client, code: str, address="127.0.0.1"):
    return client.post(
        CODE_PAGE,
        {"code": code, "next": INDEX},
        REMOTE_ADDR=address,
        headers={"Accept-Language": "en"},
    )


def may_use_the_desk(client) -> bool:
    return client.get(INDEX).status_code == 200


def failures(user, address="127.0.0.1") -> int:
    attempt = AccessAttempt.objects.filter(username=user.username, ip_address=address).first()
    return attempt.failures_since_start if attempt else 0


def locked_out(response) -> bool:
    return response.status_code == 429 and "axes/lockout.html" in [
        template.name for template in response.templates
    ]


def current_code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


@pytest.fixture
def author_with_app():
    author = make_user("Authors")
    authenticator_of(author)
    return author


# Who must give a code --------------------------------------------------------------


@pytest.mark.parametrize("role", ["Editors", "chief"])
def test_who_may_publish_must_have_a_second_factor_and_others_may(role):
    must = make_user("Editors") if role == "Editors" else make_user(superuser=True)
    assert two_factor.is_required(must)
    assert not two_factor.is_required(make_user("Authors"))
    assert not two_factor.is_required(make_user("Translators", languages=["ru"]))


@pytest.mark.parametrize("role", ["Editors", "chief"])
def test_after_the_password_an_editor_without_an_app_is_sent_to_set_one_up(client, role):
    editor = make_user("Editors") if role == "Editors" else make_user(superuser=True)
    response = password_step(client, editor)
    assert response.status_code == 302
    assert response.url == with_next(SET_UP_PAGE)
    assert client.get(response.url).status_code == 200


def test_an_editor_without_a_second_factor_can_open_no_other_admin_page(client):
    article = make_article()
    password_step(client, make_user("Editors"))
    for path in (
        INDEX,
        reverse("admin:articles_article_changelist"),
        change_url(article),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_dashboard"),
        reverse("admin:articles_article_presence", args=[article.pk]),
        reverse("admin:articles_slug_preview") + "?language=kk&text=x",
        reverse("admin:password_change"),
        ACCOUNT_PAGE,
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("admin:login")), path
        # The sign-in page sends them on to set up their app, then back where they were.
        onwards = client.get(response.url)
        assert onwards.status_code == 302
        assert onwards.url == with_next(SET_UP_PAGE, path)


def test_an_editor_without_a_second_factor_cannot_publish(client):
    article = make_article(status=Article.Status.REVIEW, published_at=None)
    password_step(client, make_user("Editors"))
    response = client.post(
        change_url(article), change_form_data(article, status=Article.Status.PUBLISHED)
    )
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    bulk = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [article.pk]},
    )
    assert bulk.status_code == 302 and bulk.url.startswith(reverse("admin:login"))
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert not article.is_live_in("en")


def test_an_editor_signed_in_without_a_code_is_refused_even_with_a_session(client):
    # However the session came to be, the admin site checks each request itself.
    editor = make_user("Editors")
    authenticator_of(editor)
    client.force_login(editor)
    assert client.get(INDEX).status_code == 302
    assert client.get(CODE_PAGE).status_code == 200


def test_an_author_without_an_app_signs_in_with_the_password_alone(client):
    response = password_step(client, make_user("Authors"))
    assert response.status_code == 302 and response.url == INDEX
    assert may_use_the_desk(client)


def test_an_author_who_set_up_an_app_must_give_a_code(client, author_with_app):
    response = password_step(client, author_with_app)
    assert response.status_code == 302 and response.url == with_next(CODE_PAGE)
    assert not may_use_the_desk(client)
    assert "_auth_user_id" not in client.session  # not signed in before the code
    response = code_step(client, next_code(authenticator_of(author_with_app)))
    assert response.status_code == 302 and response.url == INDEX
    assert may_use_the_desk(client)


def test_the_code_page_without_a_password_first_asks_for_the_password(client):
    response = client.get(CODE_PAGE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_code_step_must_follow_the_password_within_ten_minutes(client, author_with_app):
    password_step(client, author_with_app)
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        response = code_step(client, next_code(authenticator_of(author_with_app)))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert not may_use_the_desk(client)


def test_someone_without_a_code_can_still_sign_out(client):
    password_step(client, make_user("Editors"))
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# Wrong codes and lock-outs ---------------------------------------------------------


def test_a_wrong_code_is_refused_with_a_clear_message_and_counted_as_a_failed_sign_in(
    client, author_with_app
):
    password_step(client, author_with_app)
    response = code_step(client, "000000")
    assert response.status_code == 200
    assert WRONG_CODE in response.content.decode()
    assert failures(author_with_app) == 1
    assert not may_use_the_desk(client)


def test_the_limit_of_wrong_codes_locks_the_name_out_from_that_address(client, author_with_app):
    password_step(client, author_with_app)
    for _ in range(4):
        assert code_step(client, "000000").status_code == 200
    response = code_step(client, "000000")
    assert locked_out(response)
    assert "Too many failed attempts to sign in as" in response.content.decode()
    # Signed out: the code step is over, and the password step is refused as well.
    assert code_step(client, next_code(authenticator_of(author_with_app))).status_code == 302
    assert not may_use_the_desk(client)
    assert locked_out(password_step(Client(), author_with_app))
    # From another address the name is not locked, once django-otp's own slowing down of
    # wrong codes for this app (16 seconds after five) has passed.
    elsewhere = Client()
    with time_machine.travel(timezone.now() + timedelta(seconds=20), tick=False):
        assert password_step(elsewhere, author_with_app, address="10.1.2.3").status_code == 302
        code_step(elsewhere, next_code(authenticator_of(author_with_app)), address="10.1.2.3")
        assert may_use_the_desk(elsewhere)


def test_once_locked_out_even_the_right_code_is_refused(client, author_with_app):
    password_step(client, author_with_app)  # then, meanwhile, someone fails five times
    for _ in range(5):
        password_step(Client(), author_with_app, password="wrong")
    response = code_step(client, next_code(authenticator_of(author_with_app)))
    assert locked_out(response)
    assert not may_use_the_desk(client)


def test_wrong_codes_and_wrong_passwords_count_together(client, author_with_app):
    for _ in range(3):
        password_step(Client(), author_with_app, password="wrong")
    password_step(client, author_with_app)
    code_step(client, "000000")
    assert locked_out(code_step(client, "000000"))


def test_after_the_cool_off_the_right_code_signs_in_again(client, author_with_app):
    password_step(client, author_with_app)
    for _ in range(5):
        code_step(client, "000000")
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        again = Client()
        password_step(again, author_with_app)
        code_step(again, next_code(authenticator_of(author_with_app)))
        assert may_use_the_desk(again)


def test_a_typed_code_is_not_kept_in_the_lock_out_records(client, author_with_app):
    password_step(client, author_with_app)
    code_step(client, "123456")
    assert "123456" not in AccessAttempt.objects.get().post_data


# Recovery codes --------------------------------------------------------------------


def test_a_recovery_code_signs_in_once(client, author_with_app):
    [code, *_others] = two_factor.replace_recovery_codes(author_with_app)
    password_step(client, author_with_app)
    response = code_step(client, code.upper()[:4] + " " + code.upper()[4:])  # as people type it
    assert response.status_code == 302 and response.url == ACCOUNT_PAGE
    assert "9 are left" in client.get(ACCOUNT_PAGE).content.decode()
    assert may_use_the_desk(client)

    again = Client()
    password_step(again, author_with_app)
    response = code_step(again, code)
    assert response.status_code == 200 and WRONG_CODE in response.content.decode()
    assert not may_use_the_desk(again)


# Setting up an app -----------------------------------------------------------------


def test_an_editor_sets_up_an_app_end_to_end(client):
    editor = make_user("Editors")
    response = password_step(client, editor)
    page = client.get(response.url)
    html = page.content.decode()
    assert "<svg" in html and "QR code for your authenticator app" in html
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert two_factor.secret(device) in html
    assert "otpauth://" not in html  # the QR code holds it, as modules, not as text

    confirmed = client.post(response.url, {"code": current_code(device)})
    assert confirmed.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", confirmed.content.decode())
    assert len(codes) == 10 == StaticToken.objects.filter(device__user=editor).count()
    assert INDEX in confirmed.content.decode()  # "go on" leads where they were going
    assert may_use_the_desk(client)
    device.refresh_from_db()
    assert device.confirmed

    # From now on: password, then a code.
    client.post(reverse("admin:logout"))
    assert password_step(client, editor).url == with_next(CODE_PAGE)
    with time_machine.travel(timezone.now() + timedelta(seconds=30), tick=False):
        assert code_step(client, current_code(device)).url == INDEX
    assert may_use_the_desk(client)


def test_the_set_up_page_keeps_its_secret_until_confirmed(client):
    password_step(client, make_user("Editors"))
    first = client.get(SET_UP_PAGE).context["secret"]
    assert client.get(SET_UP_PAGE).context["secret"] == first


def test_a_wrong_first_code_sets_up_nothing(client):
    editor = make_user("Editors")
    password_step(client, editor)
    client.get(SET_UP_PAGE)
    response = client.post(SET_UP_PAGE, {"code": "000000"})
    assert response.status_code == 200 and WRONG_CODE in response.content.decode()
    assert not two_factor.has_authenticator(editor)
    assert not may_use_the_desk(client)


def test_replacing_the_app_retires_the_old_one_and_the_old_recovery_codes(client):
    editor = make_user("Editors")
    old = authenticator_of(editor)
    [old_recovery_code, *_] = two_factor.replace_recovery_codes(editor)
    signed_in(client, editor)
    client.get(SET_UP_PAGE)
    new = TOTPDevice.objects.get(user=editor, confirmed=False)
    client.post(SET_UP_PAGE, {"code": current_code(new)})
    assert list(TOTPDevice.objects.filter(user=editor)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert not StaticToken.objects.filter(token=old_recovery_code).exists()


def test_replacing_the_app_needs_a_code_from_this_session_first(client, author_with_app):
    client.force_login(author_with_app)  # signed in, but without a code
    response = client.get(SET_UP_PAGE)
    assert response.status_code == 302 and response.url.startswith(CODE_PAGE)


def test_new_recovery_codes_replace_the_old_ones(client):
    editor = make_user("Editors")
    [old, *_] = two_factor.replace_recovery_codes(editor)
    signed_in(client, editor)
    response = client.post(reverse("admin:account_recovery_codes"))
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10
    assert old not in codes
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)
    )


# Your account ----------------------------------------------------------------------


def test_every_admin_page_links_your_account_beside_change_password(client):
    signed_in(client, make_user("Editors"))
    html = client.get(INDEX).content.decode()
    tools = html[html.index('id="user-tools"') :]
    assert tools.index(ACCOUNT_PAGE) < tools.index(reverse("admin:password_change"))
    page = client.get(ACCOUNT_PAGE)
    assert page.status_code == 200
    assert "Sign out everywhere" in page.content.decode()


def test_the_account_and_set_up_pages_run_no_inline_code_without_the_answers_nonce(client):
    signed_in(client, make_user(superuser=True))
    for path in (ACCOUNT_PAGE, SET_UP_PAGE):
        response = client.get(path)
        [nonce] = re.findall(r"'nonce-([^']+)'", " ".join(policy(response)["script-src"]))
        inline = InlineCode(response.content.decode())
        assert all(tag.get("nonce") == nonce for tag in inline.scripts + inline.styles), path
        assert inline.style_attributes == [], path


# A lost phone ----------------------------------------------------------------------


@pytest.mark.parametrize("where", ["list", "page"])
def test_a_chief_editor_resets_a_users_two_factor_sign_in(client, where):
    editor = make_user("Editors")
    authenticator_of(editor)
    two_factor.replace_recovery_codes(editor)
    editors_desk = signed_in(Client(), editor)
    chief = signed_in(client, make_user(superuser=True))
    if where == "list":
        url = reverse("admin:auth_user_changelist")
        data = {"action": "reset_two_factor", "_selected_action": [editor.pk]}
    else:
        url = reverse("admin:auth_user_change", args=[editor.pk])
        data = {"CHANGE_FORM-action": "reset_two_factor", "_selected_action": [editor.pk]}
    response = chief.post(url, data)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()
    assert not may_use_the_desk(editors_desk)  # signed out everywhere
    # At the next sign-in they set up an app again.
    assert password_step(Client(), editor).url == with_next(SET_UP_PAGE)


def test_only_a_chief_editor_may_reset_two_factor_sign_in(client):
    from django.contrib.auth.models import Permission

    manager = make_user("Editors")
    manager.user_permissions.add(Permission.objects.get(codename="change_user"))
    target = make_user("Editors")
    authenticator_of(target)
    signed_in(client, manager)
    page = client.get(reverse("admin:auth_user_changelist"))
    assert "reset_two_factor" not in page.content.decode()
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [target.pk]},
    )
    assert two_factor.has_authenticator(target)


def test_the_last_resort_command_resets_a_chief_editors_two_factor_sign_in():
    chief = make_user(superuser=True)
    authenticator_of(chief)
    output = io.StringIO()
    call_command("reset_two_factor", chief.username, stdout=output)
    assert not two_factor.has_authenticator(chief)
    assert chief.username in output.getvalue()
