"""A small hand-built register for the SCB export (not the demo), in Örebro (1880).

Personnummer are synthetic and fixed (the golden file pins them): `fixed_pnr` builds a
valid number from a birth date and a serial.
"""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from actions.models import Action
from kaa.models import Code
from tests.conftest import code
from youths import personnummer
from youths.models import Contact, Enrolment, Youth

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
# A day after 2026H1 ended: its file is final.
TODAY = dt.date(2026, 8, 15)


def fixed_pnr(birth: dt.date, serial: int, *, samordning: bool = False) -> str:
    day = birth.day + (60 if samordning else 0)
    base = f"{birth:%y%m}{day:02d}{serial:03d}"
    check = next(c for c in range(10) if personnummer.luhn_ok(base + str(c)))
    return f"{birth.year:04d}{birth:%m}{day:02d}{serial:03d}{check}"


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=STOCKHOLM)


def occ(key: str) -> Code:
    return code(Code.ListName.OCCUPATION, key)


def kind(key: str) -> Code:
    return code(Code.ListName.ACTION, key)


def entry(key: str) -> Code:
    return code(Code.ListName.ENTRY_REASON, key)


def exit_(key: str) -> Code:
    return code(Code.ListName.EXIT_REASON, key)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fixed_today():
    with time_machine.travel(dt.datetime(2026, 8, 15, 12, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


def youth(municipality, birth, serial, *, samordning=False, **fields) -> Youth:
    fields.setdefault("first_name", "Testa")
    fields.setdefault("last_name", "Ungdom")
    return Youth.objects.create(
        municipality=municipality,
        personnummer=fixed_pnr(birth, serial, samordning=samordning),
        **fields,
    )


def enrol(y, start, reason="avbrott_nationellt", end=None, why=None) -> Enrolment:
    return Enrolment.objects.create(
        youth=y,
        start_date=start,
        entry_reason=entry(reason),
        end_date=end,
        exit_reason=exit_(why) if why else None,
    )


def contact(y, when, occupation=None, *, reached=True, with_whom=Contact.WithWhom.YOUTH):
    return Contact.objects.create(
        youth=y,
        at=when if isinstance(when, dt.datetime) else at(when),
        channel=Contact.Channel.PHONE,
        with_whom=with_whom,
        reached=reached,
        occupation=occ(occupation) if occupation else None,
    )


def action(y, key, start, end=None, after=None, offered=None) -> Action:
    return Action.objects.create(
        youth=y,
        kind=kind(key),
        offered_on=offered or start,
        response=Action.Response.ACCEPTED,
        responded_on=start,
        start_date=start,
        end_date=end,
        end_reason="Genomförd" if end else "",
        occupation_after=occ(after) if after else None,
    )


@pytest.fixture
def register(home, other_municipality):
    """Three youths in 2026H1 and three who are not in its file."""
    d = dt.date
    # A: in the group all period; contacts on 30 June late evening and 1 July just after
    # midnight (local time); an åtgärd from the previous period still running.
    a = youth(home, d(2008, 3, 10), 123, first_name="Alva", last_name="Andersson")
    enrol(a, d(2025, 9, 1))
    contact(a, d(2026, 2, 3), "ingen")
    contact(a, d(2026, 2, 3), reached=False)
    contact(a, d(2026, 3, 1), "arbete", with_whom=Contact.WithWhom.GUARDIAN)
    contact(a, at(d(2026, 6, 30), 23, 30), "arbete")
    contact(a, at(d(2026, 7, 1), 0, 10), "praktik")
    action(a, "vagledning", d(2025, 11, 10))
    action(a, "komvux", d(2026, 3, 1), d(2026, 5, 31), "studier_komvux")
    # B: turns 20 on 1 January 2026; the enrolment ended on the birthday.
    b = youth(home, d(2006, 1, 1), 456, first_name="Bo", last_name="Berg")
    enrol(b, d(2025, 3, 1), "aldrig_paborjat", d(2026, 1, 1), "fyllt_20")
    # C: protected identity, samordningsnummer; left in April and came back in May.
    c = youth(
        home,
        d(2007, 10, 5),
        789,
        samordning=True,
        first_name="Cilla",
        last_name="Carlsson",
        protected_identity=True,
        street_address="Hemliga vägen 1",
        postal_code="701 00",
        postal_town="Örebro",
        phone="070-1740001",
    )
    enrol(c, d(2026, 2, 1), "folkbokford_efter_skolplikt", d(2026, 4, 15), "flyttat")
    enrol(c, d(2026, 5, 20), "inflyttad")
    contact(c, d(2026, 3, 1), "praktik")
    contact(c, d(2026, 6, 1), "arbete")
    # Not in the file: left before the period, another municipality, never enrolled.
    gone = youth(home, d(2007, 4, 4), 321)
    enrol(gone, d(2025, 2, 1), end=d(2025, 12, 1), why="flyttat")
    elsewhere = youth(other_municipality, d(2008, 1, 2), 654)
    enrol(elsewhere, d(2026, 1, 10))
    youth(home, d(2008, 8, 8), 987)
    return {"a": a, "b": b, "c": c}
