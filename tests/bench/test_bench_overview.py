"""Benchmark: the overview (Översikt) and its drill-down lists on a regional register.

500 000 youths over 20 municipalities (50 000 in the measured one, Örebro) and
5 000 000 contacts, built with INSERT … SELECT in PostgreSQL (fast) and ANALYZEd.
Prints p50/p95 server time and query counts (the test client's time around the view),
and how long computing the day's figures takes; asserts only that the pages answered.
Run with `make bench`.
"""

import datetime as dt
import os
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from dashboards.services import (
    caseload_trends_rebuild,
    monthly_figures_rebuild,
    overview_snapshot_rebuild,
)
from kaa.models import Code, Municipality
from youths.models import Contact, Enrolment, Verification, Youth
from youths.summary import case_summary_rebuild

# KAA_BENCH_SCALE=0.01 builds a hundredth of the register (to try the benchmark out).
SCALE = float(os.environ.get("KAA_BENCH_SCALE", "1"))
MUNICIPALITIES = 20
YOUTHS_HOME = int(50_000 * SCALE)
YOUTHS_TOTAL = int(500_000 * SCALE)
CONTACTS_PER_YOUTH = 10
REPEAT = 20


def _insert_select(model, values: dict, source: str, params=()):
    """INSERT INTO model's table SELECT … FROM source. A value is an SQL expression, or
    (expression, parameters). Columns not in `values` take the field's Python default
    (or NULL), so a column added later needs no change here."""
    now = timezone.now()
    columns, expressions, extra = [], [], []
    for field in model._meta.concrete_fields:
        if field.generated or field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in values:
            value = values[field.column]
            expression, value_params = value if isinstance(value, tuple) else (value, [])
            expressions.append(expression)
            extra.extend(value_params)
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        else:
            value = ""
        expressions.append("%s")
        extra.append(field.get_db_prep_save(value, connection))
    # Table, columns and expressions are this module's own constants.
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(expressions)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*extra, *params])
        return cursor.rowcount


def _code_ids(list_name: str) -> list[int]:
    return list(
        Code.objects.current(list_name, on=dt.date(2026, 1, 1)).values_list("pk", flat=True)
    )


def build_register(home, coordinator, today: dt.date) -> dict:
    started = time.perf_counter()
    others = list(Municipality.objects.exclude(pk=home.pk).order_by("code")[: MUNICIPALITIES - 1])
    per_other = (YOUTHS_TOTAL - YOUTHS_HOME) // len(others)
    plan = [(home.pk, YOUTHS_HOME)] + [(m.pk, per_other) for m in others]
    # Youths: born so that ages run from 15 to 21 on `today`; personnummer valid and
    # unique per municipality, its 11th digit varying kön. Synthetic: no real person.
    terms = []
    for index in range(9):
        digit = f"substr(n.nine, {index + 1}, 1)::int"
        terms.append(f"({digit} * 2 - ({digit} / 5) * 9)" if index % 2 == 0 else digit)
    check = f"((10 - ({' + '.join(terms)}) %% 10) %% 10)::text"
    for municipality_id, count in plan:
        _insert_select(
            Youth,
            {
                "municipality_id": str(int(municipality_id)),
                # YYYYMMDD, a three-digit serial and the Luhn check digit.
                "personnummer": f"to_char(b.birth, 'YYYYMMDD') || b.serial || {check}",
                "birth_date": "b.birth",
                "turns_20_on": "(b.birth + interval '20 years')::date",
                "first_name": "'Förnamn' || g",
                "last_name": "'Efternamn' || (g %% 997)",
                # A caseload of 250 youths for the measured coordinator.
                "assigned_to_id": f"CASE WHEN g %% 200 = 0 THEN {coordinator.pk} END",
            },
            # Births spread over 2 300 days (29 February left out); birth and serial
            # together are unique for up to two million youths per municipality.
            "generate_series(1, %s) g, LATERAL (SELECT (date '2005-06-01' + g %% 2300) AS birth, "
            "(100 + (g / 2300) %% 900)::text AS serial) b, "
            "LATERAL (SELECT to_char(b.birth, 'YYMMDD') || b.serial AS nine) n "
            "WHERE to_char(b.birth, 'MMDD') <> '0229'",
            [count],
        )
    reasons = _code_ids(Code.ListName.ENTRY_REASON)
    exits = _code_ids(Code.ListName.EXIT_REASON)
    occupations = _code_ids(Code.ListName.OCCUPATION)
    kinds = _code_ids(Code.ListName.ACTION)
    # Four in ten youths have an enrolment from 16½; half of those are closed.
    t = today.isoformat()
    _insert_select(
        Enrolment,
        {
            "youth_id": "s.id",
            "start_date": "s.start",
            "entry_reason_id": f"(ARRAY{reasons})[1 + s.id %% {len(reasons)}]",
            "end_date": ("CASE WHEN s.id %% 2 = 0 THEN LEAST(s.start + 200, date %s) END", [t]),
            "exit_reason_id": f"CASE WHEN s.id %% 2 = 0 THEN (ARRAY{exits})"
            f"[1 + s.id %% {len(exits)}] END",
        },
        "(SELECT y.id, GREATEST((y.birth_date + interval '16 years 6 months')::date, "
        "date %s - (y.id %% 900)::int) AS start FROM youths_youth y WHERE y.id %% 5 < 2 "
        "AND y.birth_date + interval '16 years 6 months' <= %s) s",
        [t, t],
    )
    # Ten contacts per youth over the last three years.
    _insert_select(
        Contact,
        {
            "youth_id": "y.id",
            "at": (
                "(%s::timestamptz - ((y.id * 31 + n * 97) %% 1100) * interval '1 day')",
                [timezone.now().isoformat()],
            ),
            "channel": "(ARRAY['telefon','sms','brev','e-post'])[1 + n %% 4]",
            "reached": "(y.id + n) %% 3 = 0",
            "occupation_id": f"CASE WHEN (y.id + n) %% 3 = 0 THEN (ARRAY{occupations})"
            f"[1 + ((y.id + n) / 3) %% {len(occupations)}] END",
            "next_follow_up": (
                "CASE WHEN n = 10 AND y.id %% 4 = 0 THEN date %s - (y.id %% 60)::int END",
                [t],
            ),
        },
        f"youths_youth y, generate_series(1, {CONTACTS_PER_YOUTH}) n",
    )
    # One åtgärd per two youths (the odd ids, whose enrolments stay open, so that the
    # åtgärd figures count youths in the group): offered, declined, ongoing or ended by
    # k.n = (id / 2) mod 8, so that every answer occurs among them.
    _insert_select(
        Action,
        {
            "youth_id": "y.id",
            "kind_id": f"(ARRAY{kinds})[1 + y.id %% {len(kinds)}]",
            "offered_on": ("date %s - (y.id %% 400)::int", [t]),
            "response": "CASE WHEN k.n = 1 THEN 'nej' WHEN k.n IN (3, 5, 7) THEN 'ja' ELSE '' END",
            "responded_on": (
                "CASE WHEN k.n IN (1, 3, 5, 7) THEN date %s - (y.id %% 400)::int END",
                [t],
            ),
            "start_date": (
                "CASE WHEN k.n IN (3, 5, 7) THEN date %s - (y.id %% 400)::int END",
                [t],
            ),
            "end_date": (
                "CASE WHEN k.n IN (5, 7) THEN date %s - (y.id %% 400)::int + 30 END",
                [t],
            ),
            "occupation_after_id": f"CASE WHEN k.n IN (5, 7) THEN (ARRAY{occupations})"
            f"[1 + y.id %% {len(occupations)}] END",
            "follow_up_on": (
                "CASE WHEN k.n = 0 THEN date %s - (y.id %% 90)::int END",
                [t],
            ),
        },
        "youths_youth y, LATERAL (SELECT (y.id / 2) %% 8 AS n) k WHERE y.id %% 2 = 1",
    )
    _insert_select(
        Verification,
        {
            "youth_id": "y.id",
            "opened_on": ("date %s - (y.id %% 40)::int", [t]),
            "source": "'skola'",
        },
        "youths_youth y WHERE y.id %% 50 = 1 AND NOT EXISTS "
        "(SELECT 1 FROM youths_enrolment e WHERE e.youth_id = y.id)",
    )
    # The rows above bypass the services: fill the casework summary for them, as
    # seed_demo does after its bulk load.
    t0 = time.perf_counter()
    summarised = case_summary_rebuild()
    print(f"\ncasework summary of {summarised} youths: {time.perf_counter() - t0:.1f} s")
    # What autovacuum does on a production server after a bulk load: fresh statistics
    # and a visibility map, so that index-only scans read the index alone. It needs the
    # rows committed (the test's transaction=True; the tables are emptied afterwards and
    # the migrations' rows put back), and the benchmark machine's server may run with
    # autovacuum off.
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(f"VACUUM (ANALYZE) of the register: {time.perf_counter() - t0:.1f} s")
    counts = {
        "youths": Youth.objects.count(),
        "in home": Youth.objects.filter(municipality=home).count(),
        "enrolments": Enrolment.objects.count(),
        "contacts": Contact.objects.count(),
        "actions": Action.objects.count(),
    }
    print(f"\nbuilt {counts} in {time.perf_counter() - started:.0f} s")
    return counts


def measure(client, label: str, url: str, params=None, repeat: int = REPEAT) -> None:
    timings = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(url, params or {})
            timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (label, response.status_code)
        queries = len(captured)
    timings.sort()
    # A list's size, so that a fast page is never an empty one.
    page = response.context.get("page") if response.context else None
    size = f"   rows {page.paginator.count}" if page is not None else ""
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(
        f"{label:44s} p50 {statistics.median(timings):7.1f} ms   p95 {p95:7.1f} ms   "
        f"queries {queries}{size}"
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bench_overview(client_for, rektor, coordinator, home):
    today = timezone.localdate()
    build_register(home, coordinator, today)
    t0 = time.perf_counter()
    monthly_figures_rebuild(municipality_id=home.pk, today=today)
    print(f"monthly figures, 36 month-ends for 50 000 youths: {time.perf_counter() - t0:.1f} s")

    timings = []
    for _ in range(3):
        t0 = time.perf_counter()
        overview_snapshot_rebuild(municipality_id=home.pk, today=today)
        timings.append(time.perf_counter() - t0)
    print(
        "computing every figure of the overview (nightly, on demand, or the day's first "
        f"view): {', '.join(f'{t:.1f}' for t in timings)} s"
    )
    t0 = time.perf_counter()
    coordinators = caseload_trends_rebuild(municipality_id=home.pk, today=today)
    print(
        f"caseload trends of {coordinators} coordinators (nightly): "
        f"{time.perf_counter() - t0:.1f} s"
    )
    client = client_for(rektor)
    overview = client.get(reverse("dashboards:overview")).context["data"]
    print(
        f"in the group today: {overview.in_group.total} "
        f"(K {overview.in_group.by_sex['K']}, M {overview.in_group.by_sex['M']})"
    )
    measure(client, "Översikt (rektor, kommunen, beräknad)", reverse("dashboards:overview"))
    listing = reverse("youths:list")
    for figure in (
        "i_malgrupp",
        "kontaktade",
        "ej_kontaktade",
        "aldrig_nadda",
        "i_atgard",
        "tackat_nej",
        "okand_sysselsattning",
        "forsenad_uppfoljning",
        "saknar_orsak",
        "att_utreda_lange",
        "avslutad_okand",
    ):
        measure(client, f"Lista {figure}", listing, {"coordinator": "all", "figur": figure})
    measure(
        client,
        "Lista i_malgrupp, kvinnor 18 år",
        listing,
        {"coordinator": "all", "figur": "i_malgrupp", "kon": "K", "alder": 18},
    )
    measure(
        client, "Lista orsak 3", listing, {"coordinator": "all", "figur": "orsak", "orsak": "3"}
    )
    measure(
        client,
        "Lista utfall (åtgärd 2, studier)",
        listing,
        {"coordinator": "all", "figur": "utfall", "atgard": "2", "utfall": "studier"},
    )
    # The nämnd report counts live (a few times a year).
    measure(client, "Nämndrapport (sida)", reverse("dashboards:report"), repeat=3)
    measure(client, "Nämndrapport (xlsx)", reverse("dashboards:report_xlsx"), repeat=3)
    coordinator_client = client_for(coordinator)
    measure(
        coordinator_client,
        "Översikt (samordnare, egna ungdomar)",
        reverse("dashboards:overview"),
        {"urval": "mina"},
    )
