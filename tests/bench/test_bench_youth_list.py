"""Benchmark: the youth list and its searches on a large municipality's register.

Prints figures; asserts only that the pages answered (no timed assertions).
Run with `make bench`.
"""

import datetime as dt
import random
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaa.models import Code
from tests.conftest import code, valid_personnummer
from youths.models import Enrolment, Youth

N_YOUTHS = 20_000
REPEAT = 5


@pytest.mark.django_db
def test_bench_youth_list(client_for, coordinator, home):
    rng = random.Random(1)
    reason = code(Code.ListName.ENTRY_REASON, "aldrig_paborjat")
    started = time.perf_counter()
    youths = []
    seen = set()
    index = 0
    while len(youths) < N_YOUTHS:
        index += 1
        birth = dt.date(2006, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 5))
        number = valid_personnummer(birth)
        if number in seen:
            continue
        seen.add(number)
        youth = Youth(
            municipality=home,
            personnummer=number,
            first_name=f"Förnamn{index}",
            last_name=f"Efternamn{index % 997}",
            assigned_to=coordinator if index % 10 == 0 else None,
        )
        youth.derive_dates()
        youths.append(youth)
    Youth.objects.bulk_create(youths, batch_size=2000)
    Enrolment.objects.bulk_create(
        [
            Enrolment(youth=youth, start_date=dt.date(2026, 1, 1), entry_reason=reason)
            for youth in youths[: N_YOUTHS * 3 // 4]
        ],
        batch_size=2000,
    )
    print(f"\nbuilt {N_YOUTHS} youths in {time.perf_counter() - started:.1f} s")

    client = client_for(coordinator)
    cases = {
        "Mina ungdomar (default)": {},
        "Alla, sida 1": {"coordinator": "all"},
        "Alla, sida 400": {"coordinator": "all", "page": 400},
        "Alla i målgruppen": {"coordinator": "all", "status": "i_malgrupp"},
        "Namnsökning": {"coordinator": "all", "q": "efternamn99"},
        "Personnummer": {"coordinator": "all", "q": youths[12345].personnummer},
        "Ålder 17": {"coordinator": "all", "age": 17},
    }
    for label, params in cases.items():
        timings = []
        for _ in range(REPEAT):
            with CaptureQueriesContext(connection) as queries:
                t0 = time.perf_counter()
                response = client.get(reverse("youths:list"), params)
                timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        print(
            f"{label:28s} median {statistics.median(timings):7.1f} ms   "
            f"max {max(timings):7.1f} ms   queries {len(queries)}"
        )
