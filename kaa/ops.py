"""Operations endpoints: health, the session timer, and the accessibility statement."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kaa.middleware import session_remaining

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        logger.exception("health: database unreachable")
        return False


def _broker_ok() -> bool | None:
    """True/False for a configured broker; None when tasks run in-process."""
    if not settings.CELERY_BROKER_URL:
        return None
    from kaa.celery import app

    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001
        logger.exception("health: broker unreachable")
        return False


@never_cache
@require_GET
def health(request):
    """For the load balancer and monitoring: no login, no personal data."""
    database = _database_ok()
    broker = _broker_ok()
    ok = database and broker is not False
    body = {
        "status": "ok" if ok else "fel",
        "database": "ok" if database else "fel",
        "broker": "ej konfigurerad" if broker is None else ("ok" if broker else "fel"),
    }
    return JsonResponse(body, status=200 if ok else 503)


@never_cache
@login_required
@require_GET
def session_status(request):
    """Seconds left of the session; asking does not count as activity."""
    return JsonResponse({"remaining": session_remaining(request)})


@never_cache
@login_required
@require_POST
def session_keep_alive(request):
    """ "Fortsätt arbeta": the request itself counts as activity (middleware)."""
    return JsonResponse({"remaining": session_remaining(request)})


def accessibility_statement(request):
    return render(request, "kaa/accessibility.html")
