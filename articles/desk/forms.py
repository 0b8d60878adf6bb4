"""The admin's forms: input no feed can carry refused, no lost edits, the withdrawal reason."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.desk.revisions import changes_between, field_values, version_at_edit
from articles.editions.languages import WRITTEN_LANGUAGES, localized
from articles.media.sanitizer import CONTROL_CHARACTERS, as_editable_html
from articles.models import Article


class EditConflict(forms.ValidationError):
    """Someone else saved the article after this form was opened."""

    def __init__(self, changes):
        self.changes = changes
        super().__init__(
            _(
                "Someone else saved this article while you were editing it. "
                "Nothing was saved; your text is still in the form. Their changes are "
                "listed below: merge them into your text if needed, then save again."
            ),
            code="edit_conflict",
        )


class EditorInputForm(forms.ModelForm):
    """A form that refuses what the site could store but not show or store safely.

    Control characters (pasted from a terminal or an old document) would break
    the feeds; a time whose conversion to UTC leaves the calendar (the first
    hours of year 1 east of Greenwich, the last of year 9999 west of it)
    cannot be stored. Each is an error on its field, the typed text kept.
    """

    def clean(self):
        cleaned_data = super().clean()
        for name, value in list(cleaned_data.items()):
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                self.add_error(
                    name,
                    ValidationError(
                        _(
                            "This text holds invisible control characters (pasted from "
                            "another program?): remove them."
                        ),
                        code="control_characters",
                    ),
                )
            elif isinstance(value, datetime) and not is_storable(value):
                self.add_error(
                    name, ValidationError(_("This date is out of range."), code="date_range")
                )
        return cleaned_data


def is_storable(moment: datetime) -> bool:
    """Whether the database can store `moment`: it is stored in UTC."""
    try:
        moment.astimezone(UTC)
    except OverflowError:
        return False
    return True


@dataclass(frozen=True)
class GoLive:
    """The header's request: these languages go live at this time."""

    languages: list[str]
    at: datetime


# The header's schedule time, as a browser's datetime-local input sends it.
GO_LIVE_AT = forms.DateTimeField(
    required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
)


class ArticleAdminForm(EditorInputForm):
    """Optimistic locking: a save based on an older edit_version than the stored one is refused.

    The form carries the edit_version it was opened with. On a conflict the
    editor's text stays in the form, the changes made in between are shown
    (from the saved versions), and the form now carries the current
    version, so a deliberate second save goes through.
    """

    based_on_version = forms.IntegerField(
        label=_("based on version"), widget=forms.HiddenInput, required=False
    )

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin picks the fields per role

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict_changes = []
        for name in self.fields:
            if name.startswith(("body_", "latin_body")) and self.initial.get(name):
                self.initial[name] = as_editable_html(self.initial[name])
        if self.instance.pk:
            # From the database, not the instance: a recovered article's form is built
            # on the deleted version's values.
            stored = Article.objects.filter(pk=self.instance.pk).values_list(
                "edit_version", flat=True
            )
            self.initial["based_on_version"] = stored.first()

    def clean(self):
        cleaned_data = super().clean()
        self.go_live = self.asked_go_live(cleaned_data)
        if not self.instance.pk:
            return cleaned_data
        based_on = cleaned_data.get("based_on_version")
        # Locked until the admin's transaction ends, so two saves cannot both pass.
        current = Article.objects.select_for_update().filter(pk=self.instance.pk).first()
        if current is None or based_on == current.edit_version:
            self.instance.edit_version = current.edit_version if current else 0
            return cleaned_data
        # A save that does not say which version it edits (a form posted without the
        # hidden field) is a conflict too: never permission to overwrite.
        stored = field_values(current)
        opened = version_at_edit(current, based_on)
        # Without the version it was opened at, show how the stored article differs from the form.
        before = opened.field_dict if opened else self.submitted_values(stored)
        self.conflict_changes = changes_between(before, stored)
        data = self.data.copy()
        data["based_on_version"] = current.edit_version
        self.data = data
        raise EditConflict(self.conflict_changes)

    def asked_go_live(self, cleaned_data: dict) -> GoLive | None:
        """What the story header's "Publish now" or "Schedule" asked for, if one was pressed.

        The button says what and for which language ("now:kk", "schedule:all");
        a schedule's time is `go_live_at_<target>`. "All" is every language written in
        the form that is not live yet; a language live already stays as it is.
        """
        kind, _sep, target = self.data.get("go_live", "").partition(":")
        if kind not in ("now", "schedule"):
            return None
        written = [
            code
            for code, _name in WRITTEN_LANGUAGES
            if (cleaned_data.get(localized("title", code)) or "").strip()
            and (cleaned_data.get(localized("body", code)) or "").strip()
        ]
        waiting = [code for code in written if not self.instance.is_live_in(code)]
        languages = waiting if target == "all" else [code for code in waiting if code == target]
        if not languages:
            self.add_error(
                None,
                _("Nothing to put live: write a title and a body first, in a language not live."),
            )
            return None
        if kind == "now":
            return GoLive(languages, timezone.now())
        try:
            at = GO_LIVE_AT.clean(self.data.get(f"go_live_at_{target}", ""))
        except forms.ValidationError as error:
            self.add_error(None, error)
            return None
        if at is None or at <= timezone.now():
            self.add_error(None, _("Pick a time in the future to schedule it."))
            return None
        return GoLive(languages, at)

    def submitted_values(self, like: dict) -> dict:
        values = {}
        for name in like:
            field = name.removesuffix("_id")
            if field in self.cleaned_data:
                value = self.cleaned_data[field]
                values[name] = getattr(value, "pk", value)
            else:
                values[name] = like[name]  # not in this user's form: unchanged by them
        return values


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Internal: kept with the article, never shown to readers."),
    )


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Checks that each submitted value can be an id before the database looks them up.

    SQLite cannot even compare a number past 64 bits: 10**30 among the ids
    was a server error rather than an unknown choice.
    """

    def clean(self, value):
        if isinstance(value, (list, tuple)):
            opts = self.queryset.model._meta
            key = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
            for item in value:
                if not is_valid_key(key, item):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": item},
                    )
        return super().clean(value)


def is_valid_key(field, value) -> bool:
    """Whether `value` can be a value of the model field `field` (an id, within its column)."""
    try:
        field.clean(value, None)
    except ValidationError:
        return False
    return True


class RestoreForm(forms.Form):
    """The fields of an old version to bring back; only those this user may change are choices."""

    restore = forms.MultipleChoiceField(
        label=_("Fields to bring back"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pick at least one field to bring back.")},
    )
    based_on_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, restorable: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["restore"].choices = [(name, name) for name in restorable]
