"""The site's settings with the reference article view mounted at /reference/<id>/ (make bench)."""

from newsroom.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tools.reference"]  # noqa: F405
ROOT_URLCONF = "tools.reference.urls"
