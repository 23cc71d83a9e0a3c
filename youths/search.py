"""Searches kept on the server, so that a personnummer or a name never travels in a URL.

A search is POSTed; the text is kept in the user's session under a random token and the
browser is sent to the results under that token (`?sok=<token>`), or straight to the youth
when exactly one matches. URLs then end up in browser history, proxy logs and the request
log without anything personal in them. A token is only good for the user who made it, in
that session, for SEARCH_TTL seconds.
"""

from __future__ import annotations

import secrets
import time

SESSION_KEY = "kaa_searches"
# Long enough to page through results and come back from a youth page; a session lasts
# at most SESSION_ABSOLUTE_LIFETIME anyway.
SEARCH_TTL = 2 * 60 * 60
# A session keeps at most this many searches (the newest).
SEARCHES_KEPT = 20


def _live(request) -> dict[str, dict]:
    now = time.time()
    user_id = getattr(request.user, "pk", None)
    return {
        token: search
        for token, search in request.session.get(SESSION_KEY, {}).items()
        if search.get("user") == user_id and now - search.get("at", 0) < SEARCH_TTL
    }


def search_remember(request, text: str) -> str:
    """Keep `text` for this user's session; returns the opaque token for the results URL."""
    searches = _live(request)
    token = secrets.token_urlsafe(12)
    searches[token] = {"q": text, "at": time.time(), "user": request.user.pk}
    newest = sorted(searches.items(), key=lambda item: item[1]["at"])[-SEARCHES_KEPT:]
    request.session[SESSION_KEY] = dict(newest)
    return token


def search_recall(request, token: str | None) -> str | None:
    """The text searched under `token`, or None when it is unknown, expired or not the
    user's own."""
    if not token:
        return None
    search = _live(request).get(token)
    return search["q"] if search else None
