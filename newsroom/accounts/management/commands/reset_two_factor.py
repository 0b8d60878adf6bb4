"""`manage.py reset_two_factor USERNAME`: the last resort for a lost phone and lost recovery codes.

Forgets the user's authenticator app and recovery codes and signs them out
everywhere; at their next sign-in they set up an app again. For a chief editor
locked out of the admin, run on the server by whoever may run it; the audit log
names the operating-system user who did.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from newsroom.accounts import audit, sessions, two_factor


class Command(BaseCommand):
    help = "Reset a user's two-factor sign-in: they set up an authenticator app again."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user is named {username!r}.") from None
        two_factor.reset(user)
        sessions.sign_out_everywhere(user)
        audit.record(audit.Action.SECOND_FACTOR_RESET, target=user)
        self.stdout.write(
            f"Two-factor sign-in reset for {username}, who is signed out everywhere: "
            "they set up an authenticator app at their next sign-in."
        )
