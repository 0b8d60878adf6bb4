#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import secrets
import sys

# Commands that only read the code need no secret: a fresh checkout may run them bare.
# Serving (wsgi, asgi, runserver) and `check --deploy` still refuse without SECRET_KEY.
CODE_ONLY_COMMANDS = {"check", "makemigrations"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    command = sys.argv[1] if len(sys.argv) > 1 else None
    if command in CODE_ONLY_COMMANDS and "--deploy" not in sys.argv:
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
