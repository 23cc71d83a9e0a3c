"""A real Celery worker against Redis runs the nightly job and changes the database."""

import datetime as dt
import time

import pytest
from celery.contrib.testing.worker import start_worker

from kaa.celery import app
from youths.models import Enrolment
from youths.tasks import close_enrolments_turned_20

# The broker `make test` configures; this one when the suite runs without it.
FALLBACK_BROKER = "redis://127.0.0.1:6379/14"


def _drop_cached_connections():
    # Tasks run eagerly earlier in the suite may have built a producer pool for another
    # broker URL; the app would keep sending there and the worker would never see it.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def real_worker():
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.task_always_eager = False
    app.conf.broker_url = saved["broker_url"] or FALLBACK_BROKER
    assert app.conf.broker_url.startswith("redis://")
    _drop_cached_connections()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.update(saved)
        _drop_cached_connections()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_closes_enrolment_on_the_20th_birthday(real_worker, make_youth, entry_reason):
    youth = make_youth(birth=dt.date(2006, 11, 1))
    enrolment = Enrolment.objects.create(
        youth=youth, start_date=dt.date(2025, 5, 1), entry_reason=entry_reason
    )

    result = close_enrolments_turned_20.delay("2026-11-22")
    # Sent through Redis to the worker, not run in-process.
    assert type(result).__name__ == "AsyncResult"

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        enrolment.refresh_from_db()
        if enrolment.end_date is not None:
            break
        time.sleep(0.1)
    assert enrolment.end_date == dt.date(2026, 11, 1)
    assert enrolment.exit_reason.key == "fyllt_20"
