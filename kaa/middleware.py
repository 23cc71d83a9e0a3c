from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from kaa.access import memberships_of

SESSION_KEY = "active_municipality_id"


class ActiveMunicipalityMiddleware:
    """Sets `request.memberships` and `request.membership` (the active one).

    A user with several memberships switches in the header; everything shown is scoped
    to the active municipality.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = memberships_of(request.user)
        request.membership = None
        if request.memberships:
            wanted = request.session.get(SESSION_KEY)
            request.membership = next(
                (m for m in request.memberships if m.municipality_id == wanted),
                # No choice made yet (or that membership was removed): the first by name.
                request.memberships[0],
            )
        return self.get_response(request)


LAST_SEEN_KEY = "kaa_last_seen"
STARTED_KEY = "kaa_started"
# Requests that ask about the session without counting as activity.
PASSIVE_PATHS = ("/konto/session/",)


def session_remaining(request) -> int:
    """Seconds until the idle timeout or the absolute lifetime, whichever comes first."""
    now = timezone.now().timestamp()
    last = request.session.get(LAST_SEEN_KEY, now)
    started = request.session.get(STARTED_KEY, now)
    return int(
        min(
            last + settings.SESSION_IDLE_TIMEOUT - now,
            started + settings.SESSION_ABSOLUTE_LIFETIME - now,
        )
    )


class SessionLifetimeMiddleware:
    """Log out after SESSION_IDLE_TIMEOUT without activity, and in any case after
    SESSION_ABSOLUTE_LIFETIME from login. The page warns before (static/js/session.js)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            request.session.setdefault(STARTED_KEY, now)
            request.session.setdefault(LAST_SEEN_KEY, now)
            if session_remaining(request) <= 0:
                logout(request)
                messages.info(
                    request, _("Du har loggats ut eftersom sessionen tog slut. Logga in igen.")
                )
                return redirect_to_login(request.get_full_path())
            # Every recorded activity is a write of the session row (a transaction and a
            # commit on every page). A recorded time up to 1/30 of the idle timeout old
            # (a minute of 30) only ends an idle session that much earlier, never later.
            resolution = settings.SESSION_IDLE_TIMEOUT / 30
            last = request.session[LAST_SEEN_KEY]
            if not request.path.startswith(PASSIVE_PATHS) and now - last >= resolution:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for a logged-in user hold personal data: no browser or proxy may keep them
    (`Cache-Control: no-store`), so the back button after logout or a shared computer's
    cache shows nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        was_authenticated = request.user.is_authenticated
        response = self.get_response(request)
        if was_authenticated or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
