"""Casework writes under real concurrent transactions on PostgreSQL."""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import Action, Consent, PlanRevision
from kaa.models import AuditAction, AuditEvent
from tests.concurrency import run_concurrently
from youths import services as youth_services
from youths.models import Contact, Enrolment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def youth(make_youth, coordinator, entry_reason):
    """Enrolled since 60 days back (real dates: the threads do not share a frozen clock)."""
    youth = make_youth(assigned_to=coordinator)
    Enrolment.objects.create(
        youth=youth,
        start_date=timezone.localdate() - dt.timedelta(days=60),
        entry_reason=entry_reason,
    )
    return youth


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_five_withdrawals_of_one_consent_write_one_audit_row(youth, coordinator):
    today = timezone.localdate()
    consent = Consent.objects.create(
        youth=youth, agency="Socialtjänsten", scope="Kontaktuppgifter", given_on=today
    )
    url = reverse("actions:consent_withdraw", args=[youth.pk, consent.pk])
    clients = [logged_in(coordinator) for _ in range(5)]

    def withdraw(index):
        response = clients[index].post(url, {"on": today.isoformat()})
        return response.status_code, response.content.decode()

    results = run_concurrently(5, withdraw)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 200, 200, 200, 302]
    assert all("redan återkallat" in body for status, body in results if status == 200)
    consent.refresh_from_db()
    assert consent.withdrawn_on == today
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CONSENT_CHANGE, object_id=consent.pk, detail__change="withdrawn"
        ).count()
        == 1
    )


def test_two_identical_plan_revisions_at_once_save_one(youth, coordinator, colleague):
    users = [coordinator, colleague]

    def revise(index):
        return services.plan_revise(
            acting_user=users[index], youth=youth, goal="Börja på gymnasiet", steps="Studiebesök"
        )

    results = run_concurrently(2, revise)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), results
    assert PlanRevision.objects.filter(youth=youth).count() == 1


def _wait_until_blocked_or_done(done: threading.Event) -> None:
    """Poll until another backend waits for a lock, or the other thread has finished."""
    deadline = time.monotonic() + 60
    with connection.cursor() as cursor:
        while not done.is_set() and time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)


@pytest.mark.parametrize("write", ["contact", "action"])
def test_casework_is_validated_after_a_concurrent_enrolment_close(
    write, youth, coordinator, exit_moved, action_kind
):
    """An enrolment is being closed as of yesterday while a contact/åtgärd dated today is
    saved: the write must see the close and refuse, not land outside every enrolment."""
    today = timezone.localdate()
    end = today - dt.timedelta(days=1)
    enrolment = youth.enrolments.get()
    closing = threading.Event()
    writer_done = threading.Event()

    def close(index):
        if index == 1:
            closing.wait(60)
            try:
                if write == "contact":
                    return services.contact_log(
                        acting_user=coordinator,
                        youth=youth,
                        at=timezone.now() - dt.timedelta(minutes=1),
                        channel="sms",
                        reached=False,
                    )
                return services.action_offer(
                    acting_user=coordinator,
                    youth=youth,
                    kind=action_kind,
                    responsible=Action.Responsible.MUNICIPALITY,
                    offered_on=today,
                )
            finally:
                writer_done.set()
        with transaction.atomic():
            youth_services.enrolment_close(
                acting_user=coordinator, enrolment=enrolment, end_date=end, exit_reason=exit_moved
            )
            closing.set()
            _wait_until_blocked_or_done(writer_done)
        return None

    results = run_concurrently(2, close)
    assert results[0] is None
    assert isinstance(results[1], ValidationError), results
    assert "utanför" in str(results[1])
    assert not Contact.objects.filter(youth=youth).exists()
    assert not Action.objects.filter(youth=youth).exists()


def test_five_posts_of_one_contact_form_at_once_write_one_contact(youth, coordinator):
    url = reverse("actions:contact_create", args=[youth.pk])
    clients = [logged_in(coordinator) for _ in range(5)]
    data = {
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "channel": "sms",
        "with_whom": "ungdomen",
        "reached": "0",
        "form_token": "7d1c6a0e-5b7f-4f3e-9a51-2f0c1b9d8e11",
    }

    def post(index):
        response = clients[index].post(url, data)
        return response.status_code, response.get("Location")

    results = run_concurrently(5, post)
    assert results == [(302, reverse("youths:detail", args=[youth.pk]))] * 5
    assert Contact.objects.filter(youth=youth).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.CONTACT_LOG, youth_id=youth.pk).count() == 1
