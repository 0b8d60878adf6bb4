"""Sign-ins, failed sign-ins, sign-outs and lock-outs go to the audit log, never a password;
and so do the desk's actions on content, which articles.workflow announces."""

from axes.helpers import get_failure_limit
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from articles.workflow import desk_action
from newsroom.accounts import audit, sessions, two_factor

USERNAME_LENGTH = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD).max_length


def user_named(username) -> AbstractBaseUser:
    """The user of that name, or, for a name nobody has, an unsaved one that only names it."""
    User = get_user_model()
    username = str(username or "")[:USERNAME_LENGTH]
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first() or User(
        **{User.USERNAME_FIELD: username}
    )


@receiver(user_logged_in, dispatch_uid="accounts_signed_in")
def signed_in(sender, request, user, **kwargs):
    if request is None:
        return
    sessions.stamp_sign_in(request)
    device = getattr(user, "otp_device", None)
    if device is None:
        second_factor = None
    elif two_factor.is_recovery_code(device):
        second_factor = "recovery code"
    else:
        second_factor = "authenticator app"
    audit.record(
        audit.Action.SIGN_IN, request=request, user=user, detail={"second_factor": second_factor}
    )


@receiver(user_login_failed, dispatch_uid="accounts_sign_in_failed")
def sign_in_failed(sender, credentials, request=None, second_factor=False, **kwargs):
    # Django has already masked the password in `credentials`; only the name is kept.
    action = audit.Action.SECOND_FACTOR_FAILED if second_factor else audit.Action.SIGN_IN_FAILED
    audit.record(action, request=request, user=user_named(credentials.get("username")))


@receiver(user_logged_out, dispatch_uid="accounts_signed_out")
def signed_out(sender, request, user, **kwargs):
    if user is None:
        return
    ending = getattr(request, "accounts_session_ending", None)
    detail = {"reason": str(ending)} if ending else {}
    audit.record(audit.Action.SIGN_OUT, request=request, user=user, detail=detail)


@receiver(user_locked_out, dispatch_uid="accounts_locked_out")
def locked_out(sender, request, username, ip_address, **kwargs):
    # django-axes says so again at each refused try while locked; the log says it once.
    credentials = {"username": username}
    if getattr(request, "axes_failures_since_start", None) == get_failure_limit(
        request, credentials
    ):
        audit.record(audit.Action.LOCKED_OUT, request=request, user=user_named(username))


@receiver(desk_action, dispatch_uid="accounts_desk_action")
def desk_action_done(sender, action, target, request, user, detail, **kwargs):
    """Every action on content articles/workflow.py announces (DeskAction), one entry each."""
    audit.record(audit.Action(action), request=request, user=user, target=target, detail=detail)
