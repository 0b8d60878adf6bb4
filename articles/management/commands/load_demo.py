from django.conf import settings
from django.core.management.base import BaseCommand

from articles.demo.content import ensure_demo_editor, load_demo_content


class Command(BaseCommand):
    help = "Load the demo articles into an empty database and create the local demo editor."

    def handle(self, *args, **options):
        if load_demo_content():
            self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        else:
            self.stdout.write("Articles exist already: demo content not loaded.")

        account = ensure_demo_editor()
        self.stdout.write("")
        self.stdout.write(f"  Site:   {settings.SITE_URL}/")
        self.stdout.write(f"  Admin:  {settings.SITE_URL}/admin/")
        if account.password:
            self.stdout.write(
                f"  Sign in as '{account.username}' with the password: {account.password}"
            )
            self.stdout.write("  (shown this once; write it down)")
        else:
            self.stdout.write(
                f"  Sign in as '{account.username}'. Forgot the password? "
                f"DEBUG=1 .venv/bin/python manage.py changepassword {account.username}"
            )
        self.stdout.write("")
