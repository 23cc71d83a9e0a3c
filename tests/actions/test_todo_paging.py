"""Att göra's pages of a municipality equal the slices of the whole ordered section."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.todo import Queue
from kaa.models import Code
from tests.conftest import code
from youths.models import Contact, Enrolment, Verification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


@pytest.mark.parametrize("scope", ["all", "none", "mine"])
def test_pages_are_slices_of_the_ordered_section(
    scope, make_youth, coordinator, administrator, home, entry_reason
):
    reached = code(Code.ListName.OCCUPATION, "ingen")
    for index in range(41):
        youth = make_youth(
            first_name=f"P{40 - index:02d}",
            last_name="Sida",
            assigned_to=coordinator if scope == "mine" else None,
        )
        Enrolment.objects.create(
            youth=youth, start_date=dt.date(2026, 9, 1), entry_reason=entry_reason
        )
        # Due days in runs of ties: the last attempt on one of five days, some never.
        if index % 6:
            day = dt.date(2026, 9, 2 + index % 5)
            Contact.objects.create(
                youth=youth,
                at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
                channel="sms",
                next_follow_up=None if index % 4 else dt.date(2026, 11, 1 + index % 3),
                reached=index % 7 == 0,
                occupation=reached if index % 7 == 0 else None,
            )
        if index % 3 == 0:
            Verification.objects.create(youth=youth, opened_on=dt.date(2026, 10, index % 4 + 1))
    user = coordinator if scope == "mine" else administrator
    queue = Queue(user=user, municipality_id=home.pk, on=dt.date(2026, 11, 22), scope=scope)
    counts = queue.counts()
    assert counts["unreached"] and counts["verify"] and counts["follow_up"]
    for key in counts:
        whole = [(item.youth.pk, item.due) for item in queue.page(key)]
        assert len(whole) == counts[key] == queue.count(key)
        for size in (1, 4, 7):
            pages = []
            for offset in range(0, len(whole) + size, size):
                pages += [
                    (item.youth.pk, item.due) for item in queue.page(key, offset=offset, limit=size)
                ]
            assert pages == whole, (key, size)


@pytest.mark.parametrize("scope", ["all", "none"])
def test_a_municipality_page_reads_its_youths_by_primary_key(
    scope, make_youth, administrator, home
):
    """The page's ids come from the summary first and the youths are read by key: as a
    join PostgreSQL read every youth of a 50 000-youth municipality for ten rows."""
    for index in range(3):
        youth = make_youth(first_name=f"N{index}", last_name="Nyckel")
        Verification.objects.create(youth=youth, opened_on=dt.date(2026, 10, 1 + index))
    queue = Queue(
        user=administrator, municipality_id=home.pk, on=dt.date(2026, 11, 22), scope=scope
    )
    with CaptureQueriesContext(connection) as queries:
        items = queue.page("verify", limit=2)
    assert [item.youth.first_name for item in items] == ["N0", "N1"]
    page = [q["sql"] for q in queries.captured_queries if '"youths_youth"."last_name"' in q["sql"]]
    assert len(page) == 1
    assert '"youths_youth"."id" = ANY(ARRAY(' in page[0]


@pytest.mark.parametrize("scope", ["all", "none", "mine"])
@pytest.mark.parametrize("limit", [1, 3, 10])
def test_the_overview_equals_each_sections_first_page(
    scope, limit, make_youth, coordinator, administrator, home, entry_reason
):
    """The landing page reads every section's first rows in one statement; each must be
    the section's own first page: same youths, same order, same days, ties on the last
    due day cut by name."""
    reached = code(Code.ListName.OCCUPATION, "ingen")
    for index in range(30):
        youth = make_youth(
            # Names out of the order of creation, and some alike.
            first_name=f"Ö{(index * 7) % 11}",
            last_name="Åberg" if index % 2 else "Aberg",
            assigned_to=coordinator if scope == "mine" or index % 3 == 1 else None,
        )
        Enrolment.objects.create(
            youth=youth, start_date=dt.date(2026, 9, 1), entry_reason=entry_reason
        )
        if index % 5:
            day = dt.date(2026, 9, 2 + index % 3)
            Contact.objects.create(
                youth=youth,
                at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
                channel="sms",
                next_follow_up=None if index % 4 else dt.date(2026, 11, 1 + index % 2),
                reached=index % 7 == 0,
                occupation=reached if index % 7 == 0 else None,
            )
        if index % 3 == 0:
            Verification.objects.create(
                youth=youth, opened_on=dt.date(2026, 10, index % 2 + 1), note=f"Lista {index}"
            )
    user = coordinator if scope == "mine" else administrator
    on = dt.date(2026, 11, 22)
    queue = Queue(user=user, municipality_id=home.pk, on=on, scope=scope)
    counts = queue.counts()
    keys = [key for key, count in counts.items() if count]
    assert {"unreached", "verify", "follow_up"} <= set(keys)
    overview = Queue(user=user, municipality_id=home.pk, on=on, scope=scope).overview(
        keys, limit=limit
    )

    def rows(items):
        return [
            (
                item.youth.pk,
                item.due,
                item.shown,
                # Shown in "att utreda" only.
                getattr(item.youth, "verification_note", None) if key == "verify" else None,
            )
            for item in items
        ]

    for key in keys:
        assert rows(overview[key]) == rows(queue.page(key, limit=limit)), key
        assert len(overview[key]) == min(limit, counts[key])
