"""The admin site of the editors' desk: every page asks for a second factor where one is due.

Installed as Django's default admin site by newsroom.accounts.apps.DeskAdminConfig,
so `admin.site` and every `@admin.register` use it.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from newsroom.accounts import two_factor, views


class DeskAdminSite(admin.AdminSite):
    def is_signed_in_staff(self, request) -> bool:
        """Signed in with a password as active staff: what Django's admin alone asks."""
        return super().has_permission(request)

    def has_permission(self, request) -> bool:
        """Checked by every admin view, GET or POST: staff, and a code given where one is due."""
        if not self.is_signed_in_staff(request):
            return False
        # Signing out needs no second factor.
        logout_path = reverse("admin:logout", current_app=self.name)
        return two_factor.is_satisfied(request.user) or request.path == logout_path

    def each_context(self, request):
        context = super().each_context(request)
        if not context["has_permission"]:
            # No links to pages that would only send them back to give a code.
            context.update(available_apps=[], is_nav_sidebar_enabled=False)
        return context

    def signed_in_view(self, view):
        """For the one page staff may open before giving a code: setting up an authenticator."""

        def inner(request, *args, **kwargs):
            if not self.is_signed_in_staff(request):
                return redirect_to_login(
                    request.get_full_path(), reverse("admin:login", current_app=self.name)
                )
            return view(request, *args, **kwargs)

        return never_cache(csrf_protect(update_wrapper(inner, view)))

    def get_urls(self):
        site = {"site": self}
        return [
            path(
                "sign-in/code/",
                never_cache(login_not_required(views.sign_in_code)),
                site,
                name="sign_in_code",
            ),
            path("account/", self.admin_view(views.account), site, name="account"),
            path(
                "account/authenticator/",
                self.signed_in_view(views.set_up_authenticator),
                site,
                name="account_authenticator",
            ),
            path(
                "account/recovery-codes/",
                self.admin_view(views.new_recovery_codes),
                site,
                name="account_recovery_codes",
            ),
            path(
                "account/sign-out-everywhere/",
                self.admin_view(views.sign_out_everywhere),
                site,
                name="account_sign_out_everywhere",
            ),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """The sign-in page: the password step (newsroom.accounts.views.PasswordStep)."""
        request.current_app = self.name
        next_url = LoginView().get_redirect_url(request) or reverse(
            "admin:index", current_app=self.name
        )
        if request.method == "GET" and self.is_signed_in_staff(request):
            if self.has_permission(request):
                return HttpResponseRedirect(next_url)
            return HttpResponseRedirect(views.second_step_url(request, request.user, next_url))
        context = {
            **self.each_context(request),
            "title": _("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
            REDIRECT_FIELD_NAME: next_url,
            **(extra_context or {}),
        }
        return views.PasswordStep.as_view(
            extra_context=context,
            authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template or "admin/login.html",
            next_page=reverse("admin:index", current_app=self.name),
        )(request)
