"""The sign-in's two steps, and "Your account" in the admin (served by DeskAdminSite)."""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as remember_device

from newsroom.accounts import audit, sessions, two_factor
from newsroom.accounts.forms import CodeForm

# What "Your account" lists of the user's own entries in the audit log.
SIGN_IN_HISTORY = (
    audit.Action.SIGN_IN,
    audit.Action.SIGN_IN_FAILED,
    audit.Action.SECOND_FACTOR_FAILED,
    audit.Action.LOCKED_OUT,
    audit.Action.RECOVERY_CODE_USED,
    audit.Action.SIGNED_OUT_EVERYWHERE,
)
WRONG_CODE = gettext_lazy(
    "That code was not accepted. Type the code your authenticator app shows now, "
    "or one of your recovery codes."
)


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def where_next(request: HttpRequest, default: str) -> str:
    """Where to go after this page: the `next` the request names, if it is on this site."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def code_step_url(request: HttpRequest, next_url: str) -> str:
    return with_next(reverse("admin:sign_in_code", current_app=request.current_app), next_url)


def set_up_url(request: HttpRequest, next_url: str) -> str:
    url = reverse("admin:account_authenticator", current_app=request.current_app)
    return with_next(url, next_url)


def second_step_url(request: HttpRequest, user, next_url: str) -> str:
    """After the password: the code, or setting up an app for someone who must have one."""
    if two_factor.has_authenticator(user):
        return code_step_url(request, next_url)
    return set_up_url(request, next_url)


class PasswordStep(LoginView):
    """The sign-in page's first step: name and password, counted by django-axes as ever.
    Only someone without an authenticator app is signed in by it."""

    def form_valid(self, form):
        user = form.get_user()
        next_url = self.get_success_url()
        if two_factor.has_authenticator(user):
            two_factor.begin(self.request, user)
            return HttpResponseRedirect(code_step_url(self.request, next_url))
        login(self.request, user)
        if two_factor.is_required(user):
            return HttpResponseRedirect(set_up_url(self.request, next_url))
        return HttpResponseRedirect(next_url)


@sensitive_post_parameters("code")
def sign_in_code(request: HttpRequest, site) -> HttpResponse:
    """The sign-in page's second step: a code from the app, or a recovery code."""
    request.current_app = site.name
    going_to = where_next(request, reverse("admin:index", current_app=site.name))
    user = two_factor.user_to_verify(request)
    if user is None:
        return redirect_to_login(going_to, reverse("admin:login", current_app=site.name))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        code = form.cleaned_data["code"]
        credentials = {"username": user.get_username()}
        allowed = AxesProxyHandler.is_allowed(request, credentials)
        slowed_down = allowed and two_factor.is_slowed_down(user, code)
        device = two_factor.verify(user, code) if allowed and not slowed_down else None
        if device is not None:
            two_factor.complete(request, user, device)
            if two_factor.is_recovery_code(device):
                return recovery_code_used(request, user)
            return HttpResponseRedirect(going_to)
        # django-axes counts it as a failed sign-in of this name from this address.
        user_login_failed.send(
            sender=__name__, credentials=credentials, request=request, second_factor=True
        )
        if getattr(request, "axes_locked_out", False):
            # Signed out; AxesMiddleware answers with the lock-out page.
            two_factor.abandon(request)
        form.add_error(
            "code",
            _("Too many wrong codes in a row: wait a few seconds, then type the code again.")
            if slowed_down
            else WRONG_CODE,
        )
    context = {
        **site.each_context(request),
        "title": _("Sign-in code"),
        "form": form,
        "next": going_to,
        "username": user.get_username(),
    }
    return TemplateResponse(request, "accounts/sign_in_code.html", context)


def recovery_code_used(request: HttpRequest, user) -> HttpResponse:
    left = two_factor.recovery_codes_left(user)
    audit.record(
        audit.Action.RECOVERY_CODE_USED, request=request, user=user, detail={"codes_left": left}
    )
    messages.warning(
        request,
        ngettext(
            "You signed in with a recovery code; %(left)d is left. If you lost your phone, "
            "set up your authenticator app again here.",
            "You signed in with a recovery code; %(left)d are left. If you lost your phone, "
            "set up your authenticator app again here.",
            left,
        )
        % {"left": left},
    )
    return HttpResponseRedirect(reverse("admin:account", current_app=request.current_app))


def account(request: HttpRequest, site) -> HttpResponse:
    """Your account: the second factor, recovery codes, sign-ins, and signing out everywhere."""
    request.current_app = site.name
    user = request.user
    sign_ins = audit.AuditEntry.objects.filter(user_id=user.pk, action__in=SIGN_IN_HISTORY)
    context = {
        **site.each_context(request),
        "title": _("Your account"),
        "authenticator": two_factor.authenticator(user),
        "second_factor_required": two_factor.is_required(user),
        "recovery_codes_left": two_factor.recovery_codes_left(user),
        "signed_in_at": sessions.signed_in_at(request),
        "idle_minutes": settings.STAFF_IDLE_MINUTES,
        "sign_ins": sign_ins[:10],
    }
    return TemplateResponse(request, "accounts/account.html", context)


@sensitive_post_parameters("code")
def set_up_authenticator(request: HttpRequest, site) -> HttpResponse:
    """Set up an authenticator app, or replace one: its QR code, its secret, a first code."""
    request.current_app = site.name
    user = request.user
    going_to = where_next(request, reverse("admin:account", current_app=site.name))
    if not two_factor.is_verified(user) and two_factor.has_authenticator(user):
        # Replacing an app takes a code from the one in use, or a recovery code, first.
        return HttpResponseRedirect(code_step_url(request, request.get_full_path()))
    device = two_factor.authenticator_being_set_up(user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = two_factor.confirm(device, form.cleaned_data["code"])
        if codes is not None:
            remember_device(request, device)
            # Sessions that never gave a code end here; this one carries on.
            sessions.sign_out_everywhere(user, keep=request)
            audit.record(audit.Action.SECOND_FACTOR_ENROLLED, request=request, target=user)
            return show_recovery_codes(request, site, codes, going_to)
        form.add_error("code", WRONG_CODE)
    context = {
        **site.each_context(request),
        "title": _("Set up your authenticator app"),
        # segno writes the markup; the only text in it, the title, it escapes.
        "qr_code": mark_safe(two_factor.qr_code_svg(device)),
        "secret": two_factor.secret(device),
        "form": form,
        "next": going_to,
        "second_factor_required": two_factor.is_required(user),
        "replacing": two_factor.authenticator(user) is not None,
    }
    return TemplateResponse(request, "accounts/set_up_authenticator.html", context)


@require_POST
def new_recovery_codes(request: HttpRequest, site) -> HttpResponse:
    """New recovery codes in place of the old ones, shown once."""
    request.current_app = site.name
    going_to = reverse("admin:account", current_app=site.name)
    if two_factor.authenticator(request.user) is None:
        return HttpResponseRedirect(going_to)
    codes = two_factor.replace_recovery_codes(request.user)
    audit.record(audit.Action.RECOVERY_CODES_REPLACED, request=request, target=request.user)
    return show_recovery_codes(request, site, codes, going_to)


def show_recovery_codes(request: HttpRequest, site, codes: list[str], going_to: str):
    context = {
        **site.each_context(request),
        "title": _("Your recovery codes"),
        "codes": codes,
        "next": going_to,
    }
    return TemplateResponse(request, "accounts/recovery_codes.html", context)


@require_POST
def sign_out_everywhere(request: HttpRequest, site) -> HttpResponse:
    """End every session of the user, this one too."""
    user = request.user
    sessions.sign_out_everywhere(user)
    audit.record(audit.Action.SIGNED_OUT_EVERYWHERE, request=request, target=user)
    sessions.end(request, sessions.Ending.SIGNED_OUT_EVERYWHERE)
    return HttpResponseRedirect(reverse("admin:login", current_app=site.name))
