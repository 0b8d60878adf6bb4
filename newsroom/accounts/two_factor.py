"""Two-factor sign-in for staff: a code from an authenticator app (TOTP), or a recovery code.

Built on django-otp and its otp_totp and otp_static plugins, not on
django-two-factor-auth: that package declares support only up to Django 5.2
and brings django-phonenumber-field and django-formtools with it, while
django-otp is the maintained core it is built on, supports any Django from
4.2, and TOTP with recovery codes is all the newsroom needs. The QR code is
drawn by segno (pure Python) as inline SVG: no script, no style, nothing the
Content-Security-Policy refuses.

The rule: whoever may publish (Editors, and superusers: chief editors) must
have an authenticator; Authors and Translators may add one. Whoever has one
gives a code at every sign-in. The admin site enforces it for every admin
page (newsroom.accounts.sites.DeskAdminSite.has_permission).

Signing in takes two steps on the admin's sign-in page. The password step
signs in at once only someone without an authenticator; someone with one is
kept in the session as *pending* until the code step signs them in. So a
right password alone clears no failure from django-axes's count
(AXES_RESET_ON_SUCCESS acts on a whole sign-in), and wrong codes are counted
with wrong passwords. django-otp also slows down wrong codes per device
(1, 2, 4, 8... seconds), whatever address they come from.
"""

import time
from base64 import b32encode

import segno
from django.contrib.auth import get_user_model, login
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom.accounts import sessions

PUBLISH_PERMISSION = "articles.publish_article"
RECOVERY_CODES = 10
PENDING_SIGN_IN = "accounts:pending_sign_in"
# How long the code step waits after the password step before the password is asked again.
PENDING_SECONDS = 10 * 60


# The rule.


def is_required(user: AbstractBaseUser) -> bool:
    """Whether the user must have a second factor: whoever may publish."""
    return user.is_superuser or user.has_perm(PUBLISH_PERMISSION)


def has_authenticator(user: AbstractBaseUser) -> bool:
    """Whether the user has a second factor to give: a confirmed app, or recovery codes left."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()
    )


def is_verified(user: AbstractBaseUser) -> bool:
    """Whether this session gave a code (django-otp's OTPMiddleware says so)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def is_satisfied(user: AbstractBaseUser) -> bool:
    """Whether a user signed in with a password may use the desk in this session."""
    return is_verified(user) or not (is_required(user) or has_authenticator(user))


# The code step.


def begin(request: HttpRequest, user: AbstractBaseUser) -> None:
    """Remember who gave the right password, until they give a code too."""
    request.session[PENDING_SIGN_IN] = {
        "user": user._meta.pk.value_to_string(user),
        "backend": user.backend,
        "hash": user.get_session_auth_hash(),
        "since": time.time(),
    }


def pending_user(request: HttpRequest) -> AbstractBaseUser | None:
    pending = request.session.get(PENDING_SIGN_IN)
    if not pending:
        return None
    user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()
    if (
        user is None
        or time.time() - pending["since"] > PENDING_SECONDS
        # A password changed meanwhile ends the sign-in, as it ends sessions.
        or not constant_time_compare(pending["hash"], user.get_session_auth_hash())
    ):
        del request.session[PENDING_SIGN_IN]
        return None
    user.backend = pending["backend"]
    return user


def user_to_verify(request: HttpRequest) -> AbstractBaseUser | None:
    """Whom the code step asks for a code: whoever gave the password just now, or someone
    signed in without a code who has an authenticator."""
    user = request.user
    if user.is_authenticated:
        return user if not is_verified(user) and has_authenticator(user) else None
    return pending_user(request)


def normalized(code: str) -> str:
    """A code as typed, without the spaces and dashes people add, in lower case."""
    return "".join(code.split()).replace("-", "").lower()


def is_app_code(code: str) -> bool:
    return code.isdigit() and len(code) == 6


def devices_for_code(user: AbstractBaseUser, code: str):
    """The user's devices that could accept the code: an app's for six digits, else recovery codes.
    Only those are tried, so that a mistyped code slows down only that kind."""
    model = TOTPDevice if is_app_code(code) else StaticDevice
    return model.objects.devices_for_user(user, confirmed=True)


def is_slowed_down(user: AbstractBaseUser, code: str) -> bool:
    """Whether django-otp refuses to check a code of this kind yet, after wrong ones."""
    devices = devices_for_code(user, normalized(code))
    return any(not device.verify_is_allowed()[0] for device in devices)


def verify(user: AbstractBaseUser, code: str) -> Device | None:
    """The user's device that accepts the code, if one does. Each code works once."""
    code = normalized(code)
    with transaction.atomic():
        for device in devices_for_code(user, code).select_for_update():
            if device.verify_token(code):
                return device
    return None


def is_recovery_code(device: Device) -> bool:
    return isinstance(device, StaticDevice)


def complete(request: HttpRequest, user: AbstractBaseUser, device: Device) -> None:
    """Sign the user in as verified by `device` (the code step passed)."""
    request.session.pop(PENDING_SIGN_IN, None)
    if request.user.is_authenticated:
        request.session.cycle_key()  # login() keeps the key of a session already signed in
    # django-otp's user_logged_in receiver keeps the device in the session.
    user.otp_device = device
    login(request, user, backend=user.backend)


def abandon(request: HttpRequest) -> None:
    """End a sign-in whose code step failed for good (a lock-out)."""
    request.session.pop(PENDING_SIGN_IN, None)
    if request.user.is_authenticated:
        sessions.end(request, sessions.Ending.LOCKED_OUT)


# Setting up an authenticator, and recovery codes.


def authenticator_being_set_up(user: AbstractBaseUser) -> TOTPDevice:
    """The app being set up: the same secret until it is confirmed, however often it is shown."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def confirm(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new app with its first code: it replaces the user's former app, and new
    recovery codes replace theirs. The new recovery codes, or None if the code is wrong."""
    if not device.verify_token(normalized(code)):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return replace_recovery_codes(device.user)


def authenticator(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def replace_recovery_codes(user: AbstractBaseUser) -> list[str]:
    """RECOVERY_CODES new single-use codes for the user; the old ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def reset(user: AbstractBaseUser) -> None:
    """Forget the user's app and recovery codes: they set up a new app at their next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def secret(device: TOTPDevice) -> str:
    """The app's secret as people type it into an app, in groups of four letters."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[index : index + 4] for index in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The QR code an authenticator app scans, as an <svg> element for the page itself."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title=_("QR code for your authenticator app")
    )
