"""The youth list's status filters agree with the status each row shows, and the list
answers in a constant number of queries whatever its size."""

import datetime as dt

import pytest
from django.urls import reverse

from kaa.models import Code
from tests.conftest import code
from youths import selectors
from youths.models import Enrolment, Verification, Youth
from youths.querysets import Status

pytestmark = [pytest.mark.django_db]
TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def register(make_youth, coordinator, entry_reason):
    exit_reason = code(Code.ListName.EXIT_REASON, "flyttat")
    youths = []
    for index in range(24):
        youth = make_youth(
            first_name=f"F{index}",
            last_name=f"L{index:02d}",
            birth=dt.date(2007 + index % 3, 1 + index % 12, 10),
            assigned_to=coordinator,
        )
        kind = index % 6
        if kind in (0, 1):
            Enrolment.objects.create(
                youth=youth, start_date=dt.date(2026, 8, 1), entry_reason=entry_reason
            )
        elif kind == 2:
            Enrolment.objects.create(
                youth=youth,
                start_date=dt.date(2026, 8, 1),
                end_date=dt.date(2026, 10, 1),
                entry_reason=entry_reason,
                exit_reason=exit_reason,
            )
        elif kind == 3:
            Verification.objects.create(
                youth=youth, opened_on=dt.date(2026, 11, 1), source="manual"
            )
        elif kind == 4:
            Enrolment.objects.create(
                youth=youth, start_date=dt.date(2026, 12, 1), entry_reason=entry_reason
            )
            Verification.objects.create(
                youth=youth, opened_on=dt.date(2026, 11, 1), source="manual"
            )
        youths.append(youth)
    return youths


def test_status_filters_agree_with_the_shown_status(coordinator, home, register):
    shown = dict(Youth.objects.with_status(on=TODAY).values_list("pk", "status"))
    seen = set()
    for status in Status.values:
        listed = selectors.youth_list(
            user=coordinator, municipality_id=home.pk, on=TODAY, status=status, coordinator="all"
        )
        pks = set(listed.values_list("pk", flat=True))
        assert pks == {pk for pk, value in shown.items() if value == status}
        assert all(row.status == status for row in listed)
        seen |= pks
    assert seen == set(shown) and len({shown[pk] for pk in seen}) == 3


@pytest.mark.parametrize("status", ["", *Status.values])
def test_list_query_count_does_not_grow(
    client_for, coordinator, register, status, django_assert_max_num_queries
):
    client = client_for(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("youths:list"), {"coordinator": "all", "status": status})
    assert response.status_code == 200
