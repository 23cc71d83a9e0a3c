"""Att göra's pages of a municipality equal the slices of the whole ordered section."""

import datetime as dt

import pytest
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
