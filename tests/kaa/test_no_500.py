"""No query parameter, form field or path id can cause a 500.

Walks every URL pattern of the URLconf as each persona, with real and bogus ids, and sends
malformed values (overflowing and impossible dates, NUL bytes, huge and negative numbers,
other scripts' digits, very long strings) in every query parameter the code reads and in
every field of the page's form. Only 200/302/400/403/404/405 may come back.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.urlwalk import BOGUS_IDS, all_routes, build_world, fill

pytestmark = [pytest.mark.django_db]

ALLOWED = {200, 302, 400, 403, 404, 405}

MALFORMED = [
    "9999-12-31",
    "9999-12",
    "0000-00-00",
    "0001-01-01 00:00",
    "2026-11\x00",
    "99999999999999999999999999",
    "-99999999999999999999",
    "1e308",
    "０８０１０１-４５６４",  # full-width
    "٢٠٢٦-١١-٢٢",  # Arabic-Indic
    "२०२६-११",  # Devanagari
    "x" * 5000,
]
# For personas who stop at the access check: a few values suffice.
AT_THE_DOOR = ["9999-12", "\x00", "٢٠٢٦-١١-٢٢"]

PERSONAS = ["anonymous", "coordinator", "rektor", "administrator", "outsider"]


def query_parameters() -> list[str]:
    """Every query parameter the code reads (found in the source), and one nobody reads."""
    names = {"page", "next", "unknown"}
    for app in ("kaa", "youths", "actions", "scb_export", "dashboards"):
        for path in Path(settings.BASE_DIR, app).rglob("*.py"):
            names |= set(re.findall(r"GET(?:\.get\(|\[)\s*[\"'](\w+)[\"']", path.read_text()))
    return sorted(names)


@pytest.fixture(autouse=True)
def fixed_today():
    with time_machine.travel(dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def world(make_youth, coordinator, administrator, entry_reason):
    return build_world(
        make_youth=make_youth,
        coordinator=coordinator,
        administrator=administrator,
        entry_reason=entry_reason,
    )


@pytest.fixture
def clients(request, world):
    result = {}
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            user = request.getfixturevalue(persona)
            client.force_login(user)
            client.user = user
        result[persona] = client
    return result


def _field_names(html: str) -> list[str]:
    names = set(re.findall(r"<(?:input|select|textarea)[^>]*\sname=\"([^\"]+)\"", html))
    return sorted(names - {"csrfmiddlewaretoken"})


class Walk:
    def __init__(self, clients):
        self.clients = clients
        self.failures: list[str] = []
        self.requests = 0

    def send(self, persona: str, method: str, url: str, data=None, *, allowed=ALLOWED) -> str:
        client = self.clients[persona]
        if getattr(client, "user", None) is not None and "_auth_user_id" not in client.session:
            client.force_login(client.user)  # the walk passed the logout page
        self.requests += 1
        try:
            # A savepoint per request: a database error must not spoil the next request.
            with transaction.atomic():
                response = getattr(client, method)(url, data or {})
        except Exception as error:  # noqa: BLE001 - every exception is a finding here
            self.failures.append(f"{persona} {method.upper()} {url} {data!r:.120}: {error!r:.200}")
            return ""
        if response.status_code not in allowed:
            self.failures.append(
                f"{persona} {method.upper()} {url} {data!r:.120}: {response.status_code}"
            )
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/"):
            return response.content.decode()
        return ""


def test_the_walk_covers_every_named_route_and_every_parameter():
    names = {route.name for route in all_routes()}
    assert {"log_review", "youths:list", "youths:edit", "actions:todo", "login"} <= names
    assert {"manad", "format", "vy", "sok", "page"} <= set(query_parameters())


def test_malformed_query_parameters_and_form_fields_never_give_a_500(clients, world):
    walk = Walk(clients)
    keys = query_parameters()
    # Removals last: a removed membership or guardian would make the rest of the walk 404.
    for route in sorted(all_routes(), key=lambda route: "remove" in route.name):
        allowed = ALLOWED | ({429} if route.name == "login" else set())  # django-axes lockout
        for kwargs in fill(route, world):
            url = reverse(route.name, kwargs=kwargs)
            for persona in PERSONAS:
                html = walk.send(persona, "get", url, allowed=allowed)
                fields = _field_names(html)
                # Rektor, outsiders and anonymous users stop at the access check of most
                # pages; the administrator may do everything a coordinator may and more.
                full = persona in ("coordinator", "administrator")
                for value in MALFORMED if full else AT_THE_DOOR:
                    walk.send(persona, "get", url, {key: value for key in keys}, allowed=allowed)
                    if persona != "administrator":
                        continue
                    walk.send(
                        persona,
                        "post",
                        url,
                        {name: value for name in fields or keys},
                        allowed=allowed,
                    )
    print(f"{walk.requests} requests")
    assert walk.requests > 1000
    assert not walk.failures, f"{len(walk.failures)} failures:\n" + "\n".join(walk.failures[:40])


def test_bogus_ids_in_paths_are_404_not_500(clients, world):
    walk = Walk(clients)
    for route in all_routes():
        if not route.params:
            continue
        for bogus in BOGUS_IDS:
            for kwargs in fill(route, world, bogus=bogus):
                url = reverse(route.name, kwargs=kwargs)
                for persona in ("administrator", "outsider"):
                    walk.send(persona, "get", url)
                    walk.send(persona, "post", url, {"unknown": "\x00"})
    assert not walk.failures, f"{len(walk.failures)} failures:\n" + "\n".join(walk.failures[:40])


def test_log_review_month_out_of_range_is_a_message(client_for, administrator):
    client = client_for(administrator)
    for month in ("9999-12", "0001-01", "0000-00", "２０２６-１１", "2026-13"):
        response = client.get(reverse("log_review"), {"manad": month})
        assert response.status_code == 200
        assert "Ange månad som ÅÅÅÅ-MM." in response.content.decode()


def test_a_nul_in_the_format_is_not_stored(client_for, administrator):
    from kaa.models import AuditAction, AuditEvent

    response = client_for(administrator).get(reverse("log_review"), {"format": "\x00"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_LOG_VIEW)
    assert event.detail["format"] == "html"
