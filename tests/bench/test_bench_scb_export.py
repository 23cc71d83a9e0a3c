"""Benchmark: the SCB file for a large municipality, about 100 000 rows from 30 000 youths,
to CSV and to xlsx, with every control. Prints time and peak memory (tracemalloc, on a
second run, since tracing slows Python down); asserts only the row count. Run with
`make bench`. The figures depend on the machine's load at the time.
"""

import datetime as dt
import os
import random
import tempfile
import time
import tracemalloc

import pytest
from django.db import connection

from actions.models import Action
from kaa.models import Code
from scb_export import services
from scb_export.periods import Period
from tests.conftest import code
from tests.scb_export.conftest import STOCKHOLM, fixed_pnr
from youths.models import Contact, Enrolment, Youth

N_YOUTHS = 30_000
PERIOD = Period(2026, 1)


def build_register(home) -> None:
    rng = random.Random(7)
    reasons = list(Code.objects.current(Code.ListName.ENTRY_REASON, on=dt.date(2026, 1, 1)))
    occupations = list(Code.objects.current(Code.ListName.OCCUPATION, on=dt.date(2026, 1, 1)))
    kinds = list(Code.objects.current(Code.ListName.ACTION, on=dt.date(2026, 1, 1)))
    moved = code(Code.ListName.EXIT_REASON, "flyttat")
    youths, seen = [], set()
    while len(youths) < N_YOUTHS:
        birth = dt.date(2007, 1, 1) + dt.timedelta(days=rng.randrange(0, 3 * 365))
        number = fixed_pnr(birth, rng.randrange(1, 1000))  # födelsenummer 000 is never issued
        if number in seen:
            continue
        seen.add(number)
        youth = Youth(municipality=home, personnummer=number, first_name="B", last_name="Bench")
        youth.derive_dates()
        youths.append(youth)
    Youth.objects.bulk_create(youths, batch_size=5000)
    enrolments, contacts, actions = [], [], []
    for youth in youths:
        start = dt.date(2025, 8, 1) + dt.timedelta(days=rng.randrange(0, 200))
        ended = rng.random() < 0.1
        end = dt.date(2026, 3, 1) + dt.timedelta(days=rng.randrange(0, 100)) if ended else None
        enrolments.append(
            Enrolment(
                youth=youth,
                start_date=start,
                entry_reason=rng.choice(reasons),
                end_date=end,
                exit_reason=moved if ended else None,
            )
        )
        first = max(start, PERIOD.start)
        last = (end - dt.timedelta(days=1)) if end else PERIOD.end
        for _ in range(rng.choice((2, 2, 3, 3, 3, 4))):
            day = first + dt.timedelta(days=rng.randrange(0, max(1, (last - first).days)))
            contacts.append(
                Contact(
                    youth=youth,
                    at=dt.datetime.combine(day, dt.time(rng.randrange(8, 17)), tzinfo=STOCKHOLM),
                    channel="telefon",
                    reached=True,
                    occupation=rng.choice(occupations),
                )
            )
        if rng.random() < 0.6:
            began = first + dt.timedelta(days=rng.randrange(0, max(1, (last - first).days)))
            finish = began + dt.timedelta(days=rng.randrange(5, 60))
            done = finish <= last and rng.random() < 0.5
            actions.append(
                Action(
                    youth=youth,
                    kind=rng.choice(kinds),
                    offered_on=began,
                    response="ja",
                    responded_on=began,
                    start_date=began,
                    end_date=finish if done else None,
                    end_reason="Klar" if done else "",
                    occupation_after=rng.choice(occupations) if done else None,
                )
            )
    Enrolment.objects.bulk_create(enrolments, batch_size=5000)
    Contact.objects.bulk_create(contacts, batch_size=5000)
    Action.objects.bulk_create(actions, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def export(home, fmt: str) -> tuple[float, services.BuildResult, int]:
    _version, layout = services.layout_for(PERIOD)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"bench.{fmt}")
        started = time.perf_counter()
        with open(path, "wb") as handle:
            result = services.export_build(
                municipality=home,
                youths=Youth.objects.filter(municipality=home),
                period=PERIOD,
                layout=layout,
                handle=handle,
                file_format=fmt,
                today=dt.date(2026, 8, 15),
            )
        elapsed = time.perf_counter() - started
        size = os.path.getsize(path)
    return elapsed, result, size


def peak_mib(home, fmt: str) -> float:
    tracemalloc.start()
    try:
        export(home, fmt)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


@pytest.mark.django_db
def test_bench_scb_export(home):
    started = time.perf_counter()
    build_register(home)
    print(f"\nbuilt {N_YOUTHS} youths in {time.perf_counter() - started:.1f} s")
    for fmt in ("csv", "xlsx"):
        elapsed, result, size = export(home, fmt)
        print(
            f"{fmt}: {result.row_count} rows, {result.youth_count} youths, "
            f"{len(result.errors)} errors, {len(result.warnings)} warnings, "
            f"{size / 2**20:.1f} MiB file in {elapsed:.2f} s "
            f"({result.row_count / elapsed:,.0f} rows/s)"
        )
        print(f"{fmt}: peak traced Python memory {peak_mib(home, fmt):.1f} MiB")
        assert result.row_count >= 90_000
    # Flat memory: the peak of a third of the register against the whole.
    third = Youth.objects.filter(municipality=home).order_by("pk")[: N_YOUTHS // 3]
    ids = list(third.values_list("pk", flat=True))
    _version, layout = services.layout_for(PERIOD)
    tracemalloc.start()
    with open(os.devnull, "wb") as sink:
        services.export_build(
            municipality=home,
            youths=Youth.objects.filter(pk__in=ids),
            period=PERIOD,
            layout=layout,
            handle=sink,
            today=dt.date(2026, 8, 15),
        )
    print(f"csv, a third of the youths: peak {tracemalloc.get_traced_memory()[1] / 2**20:.1f} MiB")
    tracemalloc.stop()
