"""Kazakh month names as dates use them, in lower case: "25 қараша 2026 ж.".

Django's Kazakh catalogue capitalises them; these msgids (Django's own,
from django.utils.dates.MONTHS_ALT) keep our catalogue's lower-case
entries alive through `makemessages`. Nothing imports this module.
"""

from django.utils.translation import pgettext_lazy

MONTHS_ALT = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]
