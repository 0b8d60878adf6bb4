from django import forms
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
