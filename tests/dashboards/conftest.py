"""A small hand-built register with known answers on 2026-11-22 (halvår 2026 H2).

In the group on 2026-11-22: Anna (K, 18), Bo (M, 19), Dan (M, 17), Frank (M, 18).
Cilla turned 20 on 2026-09-15 (in the group earlier in the half-year, not on the day);
Ella's enrolment ended 2026-10-01; Hugo is "att utreda" since 2026-11-01, Ivar since
2026-11-10; Bo's and Ivar's school notices are not acted on; Gustav is in the group in another municipality.
"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from actions.models import Action
from kaa.models import Code
from tests.conftest import code, valid_personnummer
from youths.imports.models import School, SchoolNotice
from youths.models import Contact, Enrolment, Verification

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def contact(youth, day, *, reached=False, occupation=None, follow_up=None):
    return Contact.objects.create(
        youth=youth,
        at=at(day),
        channel="telefon",
        reached=reached,
        occupation=code(Code.ListName.OCCUPATION, occupation) if occupation else None,
        next_follow_up=follow_up,
    )


def enrol(youth, start, reason, end=None):
    return Enrolment.objects.create(
        youth=youth,
        start_date=start,
        end_date=end,
        entry_reason=code(Code.ListName.ENTRY_REASON, reason),
        exit_reason=code(Code.ListName.EXIT_REASON, "flyttat") if end else None,
    )


def action(youth, kind, **fields):
    if "occupation_after" in fields:
        fields["occupation_after"] = code(Code.ListName.OCCUPATION, fields["occupation_after"])
    return Action.objects.create(youth=youth, kind=code(Code.ListName.ACTION, kind), **fields)


@pytest.fixture
def register(make_youth, home, other_municipality, coordinator):
    def youth(first_name, birth, female, **fields):
        return make_youth(
            first_name=first_name,
            last_name="Registersson",
            birth=birth,
            personnummer=valid_personnummer(birth, female=female),
            **fields,
        )

    anna = youth("Anna", dt.date(2008, 3, 10), True, assigned_to=coordinator)
    enrol(anna, dt.date(2026, 1, 15), "avbrott_nationellt")
    contact(anna, dt.date(2026, 9, 1), reached=True, occupation="ingen")
    # An åtgärd offered with a follow-up date that no contact has answered: overdue.
    action(anna, "vagledning", offered_on=dt.date(2026, 9, 5), follow_up_on=dt.date(2026, 10, 1))

    bo = youth("Bo", dt.date(2007, 10, 1), False)
    enrol(bo, dt.date(2025, 9, 1), "okand")

    cilla = youth("Cilla", dt.date(2006, 9, 15), True)
    enrol(cilla, dt.date(2026, 2, 1), "aldrig_paborjat")
    contact(cilla, dt.date(2026, 8, 1), reached=True, occupation="okand")

    dan = youth("Dan", dt.date(2009, 5, 5), False, assigned_to=coordinator)
    enrol(dan, dt.date(2025, 1, 10), "aldrig_paborjat", end=dt.date(2025, 6, 1))
    enrol(dan, dt.date(2026, 6, 20), "studiebevis")
    contact(dan, dt.date(2025, 3, 1), reached=True, occupation="arbete")
    contact(dan, dt.date(2026, 7, 2), reached=False, follow_up=dt.date(2026, 11, 1))
    action(
        dan,
        "vagledning",
        offered_on=dt.date(2026, 8, 1),
        response="ja",
        responded_on=dt.date(2026, 8, 2),
        start_date=dt.date(2026, 8, 5),
    )

    ella = youth("Ella", dt.date(2009, 12, 12), True)
    enrol(ella, dt.date(2026, 3, 1), "avbrott_nationellt", end=dt.date(2026, 10, 1))
    action(
        ella,
        "praktik",
        offered_on=dt.date(2026, 7, 1),
        response="ja",
        responded_on=dt.date(2026, 7, 1),
        start_date=dt.date(2026, 7, 2),
        end_date=dt.date(2026, 9, 1),
        occupation_after="okand",
    )

    frank = youth("Frank", dt.date(2008, 7, 7), False)
    enrol(frank, dt.date(2026, 7, 1), "aldrig_paborjat")
    action(
        frank,
        "kartlaggning",
        offered_on=dt.date(2026, 6, 28),
        response="ja",
        responded_on=dt.date(2026, 7, 1),
        start_date=dt.date(2026, 7, 15),
        end_date=dt.date(2026, 10, 10),
        occupation_after="studier_komvux",
    )
    action(
        frank,
        "coachning",
        offered_on=dt.date(2026, 7, 10),
        response="nej",
        responded_on=dt.date(2026, 7, 12),
    )
    contact(frank, dt.date(2026, 10, 11), reached=True, occupation="okand")

    gustav = make_youth(
        municipality=other_municipality, first_name="Gustav", birth=dt.date(2008, 1, 1)
    )
    enrol(gustav, dt.date(2026, 1, 1), "okand")

    hugo = youth("Hugo", dt.date(2008, 1, 1), False)
    Verification.objects.create(youth=hugo, opened_on=dt.date(2026, 11, 1), source="skola")
    ivar = youth("Ivar", dt.date(2008, 2, 2), False)
    ivar_check = Verification.objects.create(
        youth=ivar, opened_on=dt.date(2026, 11, 10), source="skola"
    )
    # School notices: Bo's and Ivar's are not acted on; Anna was contacted after hers;
    # Hugo's says he started school (nothing to act on).
    school = School.objects.create(code="99999999", name="Testgymnasiet")

    def notice(youth, event, received, verification=None):
        SchoolNotice.objects.create(
            youth=youth,
            school=school,
            event=event,
            event_date=received - dt.timedelta(days=2),
            received_on=received,
            verification=verification,
        )

    notice(bo, "avbrott", dt.date(2026, 10, 1))
    notice(anna, "franvaro", dt.date(2026, 8, 15))
    notice(ivar, "avbrott", dt.date(2026, 11, 10), ivar_check)
    notice(hugo, "borjat", dt.date(2026, 10, 20))
    return {y.first_name: y for y in (anna, bo, cilla, dan, ella, frank, gustav, hugo, ivar)}
