"""The admin's article forms: no silently lost edits, and the withdrawal reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from articles.revisions import changes_between, field_values, version_at_edit
from articles.sanitizer import as_editable_html


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


class ArticleAdminForm(forms.ModelForm):
    """Optimistic locking: a save based on an older edit_version than the stored one is refused.

    The form carries the edit_version it was opened with. On a conflict the
    editor's text stays in the form, the changes made in between are shown
    (from the saved versions), and the form now carries the current
    version, so a deliberate second save goes through.
    """

    based_on_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set by the admin while it restores an old version: django-reversion has then
    # already put the old row (and its old edit_version) in place, inside a transaction.
    restoring_over_version: int | None = None

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
            # From the database, not the instance: a form that restores an old
            # version is built on that version's values.
            stored = Article.objects.filter(pk=self.instance.pk).values_list(
                "edit_version", flat=True
            )
            self.initial["based_on_version"] = self.restoring_over_version or stored.first()

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.pk:
            return cleaned_data
        based_on = cleaned_data.get("based_on_version")
        # Locked until the admin's transaction ends, so two saves cannot both pass.
        current = Article.objects.select_for_update().filter(pk=self.instance.pk).first()
        stored_version = self.restoring_over_version or (current and current.edit_version)
        if current is None or based_on is None or based_on == stored_version:
            self.instance.edit_version = stored_version or self.instance.edit_version
            return cleaned_data
        stored = field_values(current)
        opened = version_at_edit(current, based_on)
        # Without the version it was opened at, show how the stored article differs from the form.
        before = opened.field_dict if opened else self.submitted_values(stored)
        self.conflict_changes = changes_between(before, stored)
        data = self.data.copy()
        data["based_on_version"] = current.edit_version
        self.data = data
        raise EditConflict(self.conflict_changes)

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
