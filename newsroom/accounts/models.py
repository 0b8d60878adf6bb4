from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """The audit log is only ever added to: an entry is never changed or deleted."""


class Action(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in refused")
    SIGN_OUT = "sign_out", _("Signed out")
    LOCKED_OUT = "locked_out", _("Locked out after too many failed sign-ins")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong sign-in code")
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled", _("Set up an authenticator app")
    SECOND_FACTOR_RESET = "second_factor_reset", _("Two-factor sign-in reset")
    RECOVERY_CODE_USED = "recovery_code_used", _("Signed in with a recovery code")
    RECOVERY_CODES_REPLACED = "recovery_codes_replaced", _("Made new recovery codes")
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", _("Signed out everywhere")
    ROLE_CHANGED = "role_changed", _("Changed roles or permissions")
    SUBMIT = "submit", _("Submitted for review")
    PUBLISH = "publish", _("Published")
    SCHEDULE = "schedule", _("Scheduled")
    WITHDRAW = "withdraw", _("Withdrew")
    CORRECT = "correct", _("Published a correction")
    RESTORE = "restore", _("Restored an earlier version")
    RECOVER = "recover", _("Recovered a deleted article")
    DELETE = "delete", _("Deleted")
    IMPORT = "import", _("Imported")
    MARK_CURRENT = "mark_current", _("Marked a translation up to date")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit log entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit log entries cannot be deleted.")


class AuditEntry(models.Model):
    """Who did what to which object, when and from where. Written by newsroom.accounts.audit."""

    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    # The person as they were named then, not a foreign key: deleting a user changes no entry.
    user_id = models.BigIntegerField(_("user's id"), null=True, blank=True)
    username = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("what"), max_length=32, choices=Action.choices)
    target_type = models.CharField(_("kind of object"), max_length=100, blank=True)
    target_id = models.CharField(_("object's id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        get_latest_by = "at"
        indexes = [
            models.Index(fields=["-at"], name="auditentry_at"),
            models.Index(fields=["username", "-at"], name="auditentry_username_at"),
            models.Index(fields=["action", "-at"], name="auditentry_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username or '-'}: {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit log entries cannot be changed.")
        kwargs["force_insert"] = True  # never an UPDATE, even of a row with this id
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit log entries cannot be deleted.")


class SessionRevocation(models.Model):
    """When a user was last signed out everywhere: each session signed in before then is over."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="session_revocation",
    )
    revoked_at = models.DateTimeField(_("signed out everywhere at"))

    class Meta:
        verbose_name = _("sign-out everywhere")
        verbose_name_plural = _("sign-outs everywhere")

    def __str__(self) -> str:
        return f"{self.user}: {self.revoked_at:%Y-%m-%d %H:%M}"
