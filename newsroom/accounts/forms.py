from django import forms
from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from newsroom.accounts import two_factor


class CodeForm(forms.Form):
    """A code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return two_factor.normalized(self.cleaned_data["code"])


class DeskPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password form with its warning in the desk's language.

    Django adds "If disabled, the current password for this user will be lost."
    to the help text as plain English, when the class is made; the warning's
    markup (its id) is Django's, which its script shows and hides.
    """

    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )
