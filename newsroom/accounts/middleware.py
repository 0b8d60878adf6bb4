import time

from django.conf import settings

from articles.desk.presence import HEARTBEAT_SECONDS
from newsroom.accounts import sessions

# The article change form's heartbeat (static/articles/presence.js) comes every
# HEARTBEAT_SECONDS whether anyone is at the page or not; it says `active=1` when
# the editor typed, pointed or changed a field since the last one. Only then is
# it use, so an open tab alone never keeps a session alive, and an editor
# writing a long story without saving is never signed out under their hands.
HEARTBEAT = "admin:articles_article_presence"


class StaffSessionMiddleware:
    """Ends a session left unused for STAFF_IDLE_MINUTES, or signed out everywhere since it began.

    Goes after AuthenticationMiddleware and MessageMiddleware. Ending the session
    before the view runs leaves the view a signed-out visitor: the admin asks
    them to sign in again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Readers have no session: their pages are never slowed down by this.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES or not request.user.is_authenticated:
            return None
        now = time.time()
        heartbeat = request.resolver_match.view_name == HEARTBEAT
        used = not heartbeat or request.GET.get("active") == "1"
        # The use a heartbeat reports happened up to a beat before it.
        grace = HEARTBEAT_SECONDS if heartbeat and used else 0
        if sessions.is_revoked(request, request.user):
            sessions.end(request, sessions.Ending.SIGNED_OUT_EVERYWHERE)
        elif sessions.is_idle(request, now, grace):
            sessions.end(request, sessions.Ending.IDLE)
        elif used:
            sessions.note_use(request, now)
        return None
