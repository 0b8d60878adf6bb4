"""Staff accounts in the admin: users and their roles, groups, and the audit log.

Each save of a user's or a group's form that changes a role or a permission
leaves one entry in the audit log, with every change as before and after.
Chief editors (superusers) can reset a user's two-factor sign-in and sign a
user out everywhere, from the user list or the user's page.
"""

import ipaddress
import json
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin import ActionLocation
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.desk import roles
from articles.desk.deletions import DeleteListsObjectsNotLinks
from articles.desk.icons import yes_no_icon
from articles.models import LanguageAssignment
from newsroom.accounts import audit, sessions, two_factor
from newsroom.accounts.forms import DeskPasswordChangeForm

User = get_user_model()
ON_THE_LIST_AND_THE_PAGE = [ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM]


def permission_names(permissions) -> list[str]:
    return sorted(
        f"{app_label}.{codename}"
        for app_label, codename in permissions.values_list("content_type__app_label", "codename")
    )


def user_roles(pk) -> dict | None:
    """What the user may do, as the audit log keeps it; None for no such user."""
    user = User._default_manager.filter(pk=pk).first() if pk is not None else None
    if user is None:
        return None
    return {
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "user_permissions": permission_names(user.user_permissions),
        "languages": sorted(user.language_assignments.values_list("language", flat=True)),
    }


def group_roles(pk) -> dict | None:
    group = Group.objects.filter(pk=pk).first() if pk is not None else None
    if group is None:
        return None
    return {"name": group.name, "permissions": permission_names(group.permissions)}


def role_changes(before: dict | None, after: dict | None) -> dict:
    """{what: {"before": ..., "after": ...}} for each thing that differs."""
    before, after = before or {}, after or {}
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in {**before, **after}
        if before.get(name) != after.get(name)
    }


class RoleChangesAudited:
    """One ROLE_CHANGED entry per save of the form (with its inlines) that changed a role."""

    def roles_of(self, pk) -> dict | None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        # Read before anything is written: the form, then its relations and inlines.
        form.roles_before = self.roles_of(obj.pk) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changes = role_changes(form.roles_before, self.roles_of(form.instance.pk))
        if changes:
            audit.record(
                audit.Action.ROLE_CHANGED,
                request=request,
                target=form.instance,
                detail={"created": not change, "changes": changes},
            )

    def delete_model(self, request, obj):
        self.record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.record_deletion(request, obj)
        super().delete_queryset(request, queryset)

    def record_deletion(self, request, obj):
        audit.record(
            audit.Action.DELETE,
            request=request,
            target=obj,
            detail={"changes": role_changes(self.roles_of(obj.pk), None)},
        )


class LanguageAssignmentInline(admin.TabularInline):
    model = LanguageAssignment
    extra = 0
    verbose_name_plural = _("Languages this user translates (for translators)")


@dataclass(frozen=True)
class ShownGroup:
    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


class RoleFilter(admin.RelatedFieldListFilter):
    """The user list's groups, named in the desk's language."""

    def field_choices(self, field, request, model_admin):
        choices = super().field_choices(field, request, model_admin)
        names = dict(Group.objects.values_list("pk", "name"))
        return [(pk, roles.shown_group_name(names.get(pk, label))) for pk, label in choices]


admin.site.unregister(User)


@admin.register(User)
class DeskUserAdmin(DeleteListsObjectsNotLinks, RoleChangesAudited, UserAdmin):
    change_password_form = DeskPasswordChangeForm
    inlines = [*UserAdmin.inlines, LanguageAssignmentInline]
    list_display = [
        *(name if name != "is_staff" else "staff" for name in UserAdmin.list_display),
        "authenticator",
        "last_login",
    ]
    list_filter = [
        *(name if name != "groups" else ("groups", RoleFilter) for name in UserAdmin.list_filter)
    ]
    actions = ["reset_two_factor", "sign_out_everywhere"]

    def roles_of(self, pk):
        return user_roles(pk)

    def get_queryset(self, request):
        confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_authenticator=Exists(confirmed))

    @admin.display(description=_("authenticator app"))
    def authenticator(self, user) -> str:
        return yes_no_icon(user.has_authenticator)

    @admin.display(description=_("staff status"), ordering="is_staff")
    def staff(self, user) -> str:
        return yes_no_icon(user.is_staff)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            field.label_from_instance = lambda group: roles.shown_group_name(group.name)
        return field

    def has_chief_editor_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(
        description=_("Reset two-factor sign-in"),
        permissions=["chief_editor"],
        location=ON_THE_LIST_AND_THE_PAGE,
    )
    def reset_two_factor(self, request, queryset):
        """For a lost phone: the app and recovery codes are forgotten and every session ends;
        at their next sign-in the user sets up an app again (or may, if they need none)."""
        for user in queryset:
            two_factor.reset(user)
            sessions.sign_out_everywhere(user)
            audit.record(audit.Action.SECOND_FACTOR_RESET, request=request, target=user)
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in reset for %(count)d user, who is signed out everywhere.",
                "Two-factor sign-in reset for %(count)d users, who are signed out everywhere.",
                len(queryset),
            )
            % {"count": len(queryset)},
        )

    @admin.action(
        description=_("Sign out everywhere"),
        permissions=["chief_editor"],
        location=ON_THE_LIST_AND_THE_PAGE,
    )
    def sign_out_everywhere(self, request, queryset):
        for user in queryset:
            sessions.sign_out_everywhere(user)
            audit.record(audit.Action.SIGNED_OUT_EVERYWHERE, request=request, target=user)
        self.message_user(
            request,
            ngettext(
                "%(count)d user is signed out everywhere.",
                "%(count)d users are signed out everywhere.",
                len(queryset),
            )
            % {"count": len(queryset)},
        )


admin.site.unregister(Group)


@admin.register(Group)
class DeskGroupAdmin(DeleteListsObjectsNotLinks, RoleChangesAudited, GroupAdmin):
    list_display = ["shown_name"]

    @admin.display(description=_("name"), ordering="name")
    def shown_name(self, group) -> str:
        return roles.shown_group_name(group.name)

    def action_checkbox(self, group):
        # Its label names the group too ("Select this object for an action - Editors").
        return super().action_checkbox(ShownGroup(group.pk, roles.shown_group_name(group.name)))

    def roles_of(self, pk):
        return group_roles(pk)


# Authenticators are set up by their owners (Your account) and reset by chief editors
# (above); django-otp's own pages would show anyone who may view them a user's secret.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(audit.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log: chief editors read it; nobody adds, changes or deletes an entry."""

    list_display = ["at", "username", "action", "about", "address", "summary"]
    list_filter = ["action", ("username", admin.AllValuesFieldListFilter), "at"]
    date_hierarchy = "at"
    search_fields = ["username", "target_repr", "target_id"]
    search_help_text = _("Search by user name, object or id; or type an address.")
    fields = ["at", "username", "user_id", "action", "about", "address", "detail_text"]
    readonly_fields = fields
    actions = None
    list_per_page = 50

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            address = ipaddress.ip_address(search_term.strip())
        except ValueError:
            return found, may_have_duplicates
        return found | queryset.filter(address=str(address)), may_have_duplicates

    @admin.display(description=_("object"))
    def about(self, entry) -> str:
        if not entry.target_type:
            return ""
        return f"{entry.target_repr} ({entry.target_type} {entry.target_id})"

    @admin.display(description=_("detail"))
    def summary(self, entry) -> str:
        changes = entry.detail.get("changes")
        if changes:
            return "; ".join(
                f"{name}: {shown(change['before'])} → {shown(change['after'])}"
                for name, change in sorted(changes.items())
            )
        return ", ".join(
            f"{name}: {shown(value)}" for name, value in sorted(entry.detail.items()) if value
        )

    @admin.display(description=_("detail"))
    def detail_text(self, entry) -> str:
        return format_html(
            "<pre>{}</pre>", json.dumps(entry.detail, indent=2, ensure_ascii=False, sort_keys=True)
        )


def shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    return str(value)
