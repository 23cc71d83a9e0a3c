"""Benchmark: the coordinator's daily pages with a city-sized register.

50 000 youths in Lekeberg (1814) and 450 000 in nine other municipalities, with the demo's
casework (`seed_demo`), then every view of Att göra, every filter and page of the youth
list, a search and a youth page with 250 contacts. Prints p50/p95 server time (the test
client, no network) and the query count of each page. Run with `make bench`; scale with
BENCH_YOUTHS (per municipality) and BENCH_MUNICIPALITIES (the others).
"""

import datetime as dt
import os
import statistics
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kaa.bulk import bulk_insert
from kaa.models import AuditAction, AuditEvent
from youths.models import Contact, Youth
from youths.summary import case_summary_refresh

YOUTHS = int(os.environ.get("BENCH_YOUTHS", "50000"))
OTHERS = int(os.environ.get("BENCH_MUNICIPALITIES", "9"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))


def measure(client, label, url, params=None, *, method="get"):
    timings, counts = [], set()
    response = None
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = getattr(client, method)(url, params or {})
            timings.append((time.perf_counter() - started) * 1000)
        counts.add(len(queries))
        assert response.status_code in (200, 302), (label, response.status_code)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    print(
        f"{label:52s} p50 {statistics.median(timings):7.1f} ms  p95 {p95:7.1f} ms  "
        f"queries {'/'.join(str(c) for c in sorted(counts))}  {len(response.content) // 1024} kB"
    )
    return response


def vacuum() -> None:
    """What autovacuum does on a production server after a bulk load: fresh statistics
    and a visibility map, so that index-only scans read the index alone instead of
    every row's table page. It needs the rows committed (the test's transaction=True;
    the tables are emptied afterwards and the migrations' rows put back), and it is
    done here because the benchmark machine's server may run with autovacuum off."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bench_daily_pages(client):
    started = time.perf_counter()
    call_command("seed_demo", "--municipality", "1814", "--youths", str(YOUTHS), "--seed", "1")
    print(f"\nseed_demo: {YOUTHS} youths in 1814 in {time.perf_counter() - started:.1f} s")
    if OTHERS:
        started = time.perf_counter()
        call_command(
            "seed_demo", "--municipalities", str(OTHERS), "--youths", str(YOUTHS), "--seed", "2"
        )
        print(
            f"seed_demo: {OTHERS * YOUTHS} youths in {OTHERS} more municipalities in "
            f"{time.perf_counter() - started:.1f} s"
        )
    print(f"register: {Youth.objects.count()} youths, {Contact.objects.count()} contacts")
    users = get_user_model().objects
    coordinator = users.get(username="samordnare.1814")
    admin = users.get(username="admin.1814")
    rektor = users.get(username="rektor.1814")

    # One youth with a long history: 250 contacts inside its enrolment.
    youth = (
        Youth.objects.filter(municipality__code="1814", assigned_to=coordinator)
        .in_target_group(on=timezone.localdate())
        .order_by("pk")
        .first()
    )
    start = youth.enrolments.order_by("start_date").first().start_date
    days = max(1, (timezone.localdate() - start).days)
    bulk_insert(
        Contact,
        (
            {
                "youth_id": youth.pk,
                "at": timezone.make_aware(
                    dt.datetime.combine(start + dt.timedelta(days=i % days), dt.time(8 + i % 9))
                ),
                "channel": "sms",
                "reached": False,
                "note": "Inget svar.",
                "created_by_id": coordinator.pk,
            }
            for i in range(250)
        ),
    )
    case_summary_refresh([youth.pk])  # written past the services
    started = time.perf_counter()
    vacuum()
    print(f"VACUUM (ANALYZE) of the register: {time.perf_counter() - started:.1f} s")

    client.force_login(coordinator)
    todo = reverse("actions:todo")
    audit_before = AuditEvent.objects.filter(action=AuditAction.YOUTH_LIST).count()
    measure(client, "Att göra, samordnare, mina (default)", todo)
    audit_rows = AuditEvent.objects.filter(action=AuditAction.YOUTH_LIST).count() - audit_before
    print(f"  audit rows written by {REPEAT} views: {audit_rows}")
    measure(client, "Att göra, samordnare, utan samordnare", todo, {"vy": "none"})
    measure(client, "Att göra, samordnare, alla", todo, {"vy": "all"})
    for key in ("follow_up", "unreached", "declined", "verify", "absence", "turns_20"):
        measure(client, f"Att göra, alla, visa alla {key}", todo, {"vy": "all", "avsnitt": key})
    measure(
        client,
        "Att göra, alla, visa alla unreached, sida 100",
        todo,
        {"vy": "all", "avsnitt": "unreached", "sida": 100},
    )

    listing = reverse("youths:list")
    measure(client, "Ungdomar, mina (default)", listing)
    response = measure(client, "Ungdomar, alla, sida 1", listing, {"coordinator": "all"})
    pages = response.context["page"].paginator.num_pages if response.context else 1
    measure(
        client, "Ungdomar, alla, mittensidan", listing, {"coordinator": "all", "page": pages // 2}
    )
    measure(client, "Ungdomar, alla, sista sidan", listing, {"coordinator": "all", "page": pages})
    for status in ("i_malgrupp", "att_utreda", "ej_aktuell"):
        params = {"coordinator": "all", "status": status}
        response = measure(client, f"Ungdomar, alla, {status}", listing, params)
        last = response.context["page"].paginator.num_pages if response.context else 1
        measure(client, f"Ungdomar, alla, {status}, sista sidan", listing, {**params, "page": last})
    measure(client, "Ungdomar, alla, ålder 17", listing, {"coordinator": "all", "age": 17})
    measure(
        client,
        "Sök namn (POST + svar)",
        reverse("youths:search"),
        {"q": "bjork", "coordinator": "all"},
        method="post",
    )
    measure(
        client,
        "Sök personnummer (POST, en träff)",
        reverse("youths:search"),
        {"q": youth.personnummer, "coordinator": "all"},
        method="post",
    )
    measure(client, "Ungdomssida, 250+ kontakter", reverse("youths:detail", args=[youth.pk]))

    client.force_login(admin)
    measure(client, "Att göra, administratör (landning)", todo)
    measure(client, "Att göra, administratör, alla", todo, {"vy": "all"})
    client.force_login(rektor)
    measure(client, "Att göra, rektor (landning)", todo)
