"""Benchmark: the youth page with 200 events, and Att göra over a 300-youth caseload.

Prints figures; asserts only that the pages answered. Run with `make bench`.
"""

import datetime as dt
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from kaa.models import Code
from tests.conftest import code
from youths.models import Contact, Enrolment

REPEAT = 10


def measure(client, url, params=None):
    timings = []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, params or {})
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(timings), max(timings), len(queries)


@pytest.mark.django_db
def test_bench_youth_page_and_todo(client_for, coordinator, make_youth, entry_reason):
    kind = code(Code.ListName.ACTION, "vagledning")
    youth = make_youth(first_name="Bänk", last_name="Mark", assigned_to=coordinator)
    Enrolment.objects.create(
        youth=youth, start_date=dt.date(2025, 12, 1), entry_reason=entry_reason
    )
    base = dt.date(2025, 12, 2)
    Contact.objects.bulk_create(
        Contact(
            youth=youth,
            at=timezone.make_aware(dt.datetime.combine(base + dt.timedelta(days=i), dt.time(9))),
            channel="sms",
            reached=False,
        )
        for i in range(100)
    )
    Action.objects.bulk_create(
        Action(youth=youth, kind=kind, offered_on=base + dt.timedelta(days=i)) for i in range(100)
    )
    for index in range(300):
        other = make_youth(first_name=f"U{index}", last_name="Last", assigned_to=coordinator)
        Enrolment.objects.create(
            youth=other, start_date=dt.date(2026, 1, 1), entry_reason=entry_reason
        )

    client = client_for(coordinator)
    median, worst, queries = measure(client, reverse("youths:detail", args=[youth.pk]))
    print(
        f"\nyouth page, 200 events         median {median:6.1f} ms  max {worst:6.1f} ms  queries {queries}"
    )
    median, worst, queries = measure(client, reverse("actions:todo"))
    print(
        f"Att göra, 301 youths in caseload median {median:6.1f} ms  max {worst:6.1f} ms  queries {queries}"
    )
