"""Production settings, headers, CSP without inline code, sessions and lockout."""

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from kaa.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_deploy_check_is_clean_in_production():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_DEBUG", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="p" * 20 + "-Q8v#x2!kL0z@w9^rT5mN3&bH7" + "s" * 20,
        ALLOWED_HOSTS="kaa.example.invalid",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.django_db
def test_security_headers_and_csp(client_for, coordinator):
    response = client_for(coordinator).get(reverse("youths:list"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.I)


@pytest.mark.django_db
def test_no_inline_script_or_style_on_any_page(
    client, client_for, administrator, make_youth, entry_reason
):
    from youths.models import Enrolment

    youth = make_youth(first_name="Csp", last_name="Kontroll")
    enrolment = Enrolment.objects.create(
        youth=youth, start_date=dt.date(2026, 1, 1), entry_reason=entry_reason
    )
    pages = [reverse("login"), reverse("accessibility")]
    admin_pages = [
        reverse("youths:list"),
        reverse("youths:create"),
        reverse("youths:detail", args=[youth.pk]),
        reverse("youths:edit", args=[youth.pk]),
        reverse("youths:enrolment_create", args=[youth.pk]),
        reverse("youths:enrolment_close", args=[youth.pk, enrolment.pk]),
        reverse("youths:access_log", args=[youth.pk]),
        reverse("youths:verification_open", args=[youth.pk]),
        reverse("youths:guardian_add", args=[youth.pk]),
        reverse("actions:todo"),
        reverse("actions:contact_create", args=[youth.pk]),
        reverse("actions:action_offer", args=[youth.pk]),
        reverse("actions:plan_revise", args=[youth.pk]),
        reverse("actions:consent_create", args=[youth.pk]),
        reverse("actions:rules"),
        reverse("user_list"),
        reverse("log_review"),
        reverse("user_create"),
        reverse("membership_add"),
        reverse("code_lists"),
        "/finns-inte/",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert (
            not INLINE_SCRIPT.search(html)
            and not INLINE_STYLE.search(html)
            and not INLINE_HANDLER.search(html)
        ), url
    logged_in = client_for(administrator)
    for url in admin_pages:
        response = logged_in.get(url)
        assert response.status_code in (200, 404), url
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_STYLE.search(html), url
        assert not INLINE_HANDLER.search(html), url


@pytest.mark.django_db
class TestSessions:
    def login(self, client):
        response = client.post(reverse("login"), {"username": "samordnare", "password": PASSWORD})
        assert response.status_code == 302

    def test_new_session_key_at_login(self, client, coordinator):
        client.get(reverse("login"))
        client.session.save()
        before = client.session.session_key
        self.login(client)
        assert client.session.session_key != before

    def test_idle_timeout(self, client, coordinator):
        with time_machine.travel(
            dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC), tick=False
        ) as clock:
            self.login(client)
            assert client.get(reverse("youths:list")).status_code == 200
            clock.shift(dt.timedelta(minutes=29))
            assert (
                client.get(reverse("youths:list")).status_code == 200
            )  # activity resets the clock
            clock.shift(dt.timedelta(minutes=29))
            assert client.get(reverse("session_status")).json()["remaining"] == 60
            clock.shift(dt.timedelta(minutes=1, seconds=1))
            response = client.get(reverse("youths:list"))
            assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    def test_status_is_passive_and_keep_alive_is_not(self, client, coordinator):
        with time_machine.travel(
            dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC), tick=False
        ) as clock:
            self.login(client)
            client.get(reverse("youths:list"))
            clock.shift(dt.timedelta(minutes=20))
            assert client.get(reverse("session_status")).json()["remaining"] == 600
            assert client.post(reverse("session_keep_alive")).json()["remaining"] == 1800

    def test_activity_is_written_at_most_once_a_minute(self, client, coordinator):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def session_writes():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("youths:list")).status_code == 200
            return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)

        with time_machine.travel(
            dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC), tick=False
        ) as clock:
            self.login(client)
            client.get(reverse("youths:list"))
            clock.shift(dt.timedelta(seconds=59))
            assert session_writes() == 0
            clock.shift(dt.timedelta(seconds=2))
            assert session_writes() == 1
            clock.shift(dt.timedelta(minutes=29, seconds=30))
            # The last recorded activity (at 61 s) still counts: the session lives.
            assert client.get(reverse("session_status")).json()["remaining"] == 1800 - 29 * 60 - 30

    def test_absolute_lifetime(self, client, coordinator):
        with time_machine.travel(
            dt.datetime(2026, 11, 22, 7, 0, tzinfo=dt.UTC), tick=False
        ) as clock:
            self.login(client)
            client.get(reverse("youths:list"))
            for _ in range(24):  # busy all day, never idle for 30 minutes
                clock.shift(dt.timedelta(minutes=29))
                client.get(reverse("youths:list"))
            clock.shift(dt.timedelta(minutes=30))
            response = client.get(reverse("youths:list"))
            assert response.status_code == 302 and "logga-in" in response["Location"]

    def test_password_change_logs_out_other_sessions(self, client, coordinator, django_user_model):
        from django.test import Client

        other = Client()
        other.post(reverse("login"), {"username": "samordnare", "password": PASSWORD})
        assert other.get(reverse("youths:list")).status_code == 200
        coordinator.set_password("ett-nytt-långt-lösenord")
        coordinator.save()
        assert other.get(reverse("youths:list")).status_code == 302


@pytest.mark.django_db
def test_lockout_after_five_failures_by_user_and_address(client, coordinator):
    for _ in range(5):
        client.post(
            reverse("login"), {"username": "samordnare", "password": "fel"}, REMOTE_ADDR="10.0.0.5"
        )
    response = client.post(
        reverse("login"), {"username": "samordnare", "password": PASSWORD}, REMOTE_ADDR="10.0.0.5"
    )
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.content.decode()
    assert (
        AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, username="samordnare").count()
        == 6
    )
    # Another address is not locked out by these failures.
    response = client.post(
        reverse("login"), {"username": "samordnare", "password": PASSWORD}, REMOTE_ADDR="10.0.0.6"
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_health_reports_database_and_broker(client, settings):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in ("ok", "ej konfigurerad")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get(reverse("health"))
    assert response.status_code == 503 and response.json()["broker"] == "fel"


def test_json_logs_are_one_object_per_line_without_personnummer():
    import json
    import logging

    from kaa.logging import JsonFormatter, RedactPersonalDataFilter

    record = logging.LogRecord(
        "kaa", logging.INFO, __file__, 1, "search q=%s", ("200801011234",), None
    )
    RedactPersonalDataFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "INFO" and entry["logger"] == "kaa"
    assert "200801011234" not in entry["message"] and "[personnummer]" in entry["message"]


@pytest.mark.django_db
def test_a_page_reads_the_users_memberships_once(client_for, coordinator, make_youth):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    youth = make_youth(assigned_to=coordinator)
    client = client_for(coordinator)
    client.get(reverse("youths:list"))
    for url in (reverse("youths:list"), reverse("youths:detail", args=[youth.pk])):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        reads = [q for q in queries.captured_queries if 'FROM "kaa_membership"' in q["sql"]]
        assert len(reads) == 1, url
