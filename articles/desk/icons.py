"""Django's admin icons for a yes or a no, said in the desk's language.

Django's own boolean columns give the icon the alt text "True" or "False",
in English whatever the language, which is what a screen reader says.
"""

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _


def yes_no_icon(value: bool) -> str:
    said, icon = (_("yes"), "yes") if value else (_("no"), "no")
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), said)
