import datetime as dt

import pytest
import time_machine

from kaa.models import Code
from tests.conftest import code
from youths.models import Enrolment

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def fixed_today():
    with time_machine.travel(dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


@pytest.fixture
def enrolled(make_youth, coordinator, entry_reason):
    """A youth in the group since 2026-09-01, assigned to the coordinator."""
    youth = make_youth(
        first_name="Iris", last_name="Ekdahl", birth=dt.date(2008, 5, 17), assigned_to=coordinator
    )
    Enrolment.objects.create(youth=youth, start_date=dt.date(2026, 9, 1), entry_reason=entry_reason)
    return youth


@pytest.fixture
def occupation(db):
    return code(Code.ListName.OCCUPATION, "ingen")


@pytest.fixture
def action_kind(db):
    return code(Code.ListName.ACTION, "vagledning")
