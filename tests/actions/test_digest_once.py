"""The morning digest goes out at most once per coordinator, municipality and day, however
often the task runs (acks_late redelivers it after a lost worker) and even concurrently."""

import datetime as dt

import pytest
from django.core import mail

from actions.models import DigestDelivery
from actions.tasks import send_daily_digests, send_digest
from kaa.models import Membership
from tests.concurrency import run_concurrently
from youths.models import Enrolment

TODAY = "2026-11-22"


@pytest.fixture
def caseloads(make_youth, coordinator, colleague, entry_reason):
    """Each coordinator has a youth nobody has reached yet: something to send."""
    for user in (coordinator, colleague):
        youth = make_youth(assigned_to=user)
        Enrolment.objects.create(
            youth=youth, start_date=dt.date(2026, 9, 1), entry_reason=entry_reason
        )
    mail.outbox.clear()
    return [coordinator, colleague]


@pytest.mark.django_db
def test_running_the_task_twice_sends_each_digest_once(caseloads):
    assert send_daily_digests(TODAY) == 2
    assert send_daily_digests(TODAY) == 0
    assert sorted(message.to[0] for message in mail.outbox) == sorted(u.email for u in caseloads)
    rows = DigestDelivery.objects.all()
    assert rows.count() == 2 and all(row.sent_at is not None for row in rows)
    # The next day is a new digest.
    assert send_daily_digests("2026-11-23") == 2
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_a_failed_send_frees_the_claim_for_a_retry(caseloads, coordinator, settings):
    settings.EMAIL_BACKEND = "tests.actions.test_digest_once.FailingBackend"
    membership = Membership.objects.get(user=coordinator)
    with pytest.raises(ConnectionError):
        send_digest(membership.pk, TODAY)
    assert not DigestDelivery.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_digest(membership.pk, TODAY) == 1
    assert send_digest(membership.pk, TODAY) == 0
    assert len(mail.outbox) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("mail server down")


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_each_digest_once(caseloads):
    results = run_concurrently(4, lambda _index: send_daily_digests(TODAY))
    assert not [result for result in results if isinstance(result, BaseException)], results
    assert sum(results) == 2
    assert len(mail.outbox) == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted(u.email for u in caseloads)
    assert DigestDelivery.objects.count() == 2
