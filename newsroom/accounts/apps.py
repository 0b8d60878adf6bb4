from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "newsroom.accounts"
    label = "accounts"
    verbose_name = _("Staff accounts")

    def ready(self):
        # Sign-ins, sign-outs and lock-outs go to the audit log; sign-ins stamp the session.
        from newsroom.accounts import signal_handlers  # noqa: F401


class DeskAdminConfig(admin_apps.AdminConfig):
    """Django's admin, served by the site that asks staff for a second factor."""

    default = False  # listed by its path in INSTALLED_APPS, in place of django.contrib.admin
    default_site = "newsroom.accounts.sites.DeskAdminSite"


class SignInProtectionConfig(axes_apps.AppConfig):
    """django-axes, named for the desk in its language (the library's own name is "Axes")."""

    default = False  # listed by its path in INSTALLED_APPS, in place of axes
    verbose_name = _("Sign-in protection")
