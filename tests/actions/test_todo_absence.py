"""Frånvaro notices in Att göra: listed while fresh and unanswered, with the school."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from actions.models import FollowUpRules
from actions.services import contact_log, within_casework
from actions.todo import Queue
from kaa.models import Municipality, Role
from tests.conftest import make_user, valid_personnummer
from tests.youths.imports.conftest import LEKEBERG, SAMPLE_DAY, SCHOOL_HEADER, csv_bytes, notice
from tests.youths.imports.test_import_command import run
from youths.imports.models import School, SchoolNotice
from youths.models import Verification, Youth

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def import_day():
    with time_machine.travel(SAMPLE_DAY, tick=False):
        yield SAMPLE_DAY.date()


def absent(youth, *, received, event="franvaro", school=None, verification=None):
    school = school or School.objects.get_or_create(code="12345678", name="Lekebergsskolan")[0]
    return SchoolNotice.objects.create(
        youth=youth,
        school=school,
        event=event,
        event_date=received - dt.timedelta(days=3),
        received_on=received,
        verification=verification,
    )


def listed(user, home, key="absence", scope="all", on=TODAY):
    queue = Queue(user=user, municipality_id=home.pk, on=on, scope=scope)
    return [item.youth.pk for item in queue.page(key)], queue.counts()[key]


@pytest.mark.django_db
@pytest.mark.summary_by_services
def test_an_imported_absence_is_listed_until_a_contact(tmp_path, import_day):
    lekeberg = Municipality.objects.get(code=LEKEBERG)
    coordinator = make_user("samordnare.lekeberg", lekeberg, Role.COORDINATOR)
    pnr = valid_personnummer(dt.date(2008, 3, 3))
    path = tmp_path / "franvaro.csv"
    path.write_bytes(csv_bytes([SCHOOL_HEADER, notice(pnr, event="frånvaro", date="2026-11-18")]))
    code, applied, _ = run(path, "skolhandelser", "--apply")
    assert code == 0 and applied["status"] == "applied"
    youth = Youth.objects.get(personnummer=pnr)
    # No enrolment change and no "att utreda": only the preventive follow-up.
    assert not youth.enrolments.exists() and not Verification.objects.exists()

    queue = Queue(user=coordinator, municipality_id=lekeberg.pk, on=import_day, scope="all")
    [item] = queue.page("absence", limit=10)
    assert (item.youth.pk, item.shown) == (youth.pk, import_day)
    assert [(n.school.name, n.event_date) for n in item.notices] == [
        ("Lekebergsskolan", dt.date(2026, 11, 18))
    ]
    assert queue.counts()["absence"] == 1

    contact_log(
        acting_user=coordinator, youth=youth, at=timezone.now(), channel="telefon", reached=False
    )
    assert listed(coordinator, lekeberg, on=import_day) == ([], 0)


@pytest.mark.django_db
def test_only_the_last_30_days_and_oldest_first(administrator, home, make_youth):
    fresh = make_youth(first_name="Fresh")
    edge = make_youth(first_name="Edge")
    old = make_youth(first_name="Old")
    dropout = make_youth(first_name="Avbrott")
    absent(fresh, received=TODAY - dt.timedelta(days=2))
    absent(edge, received=TODAY - dt.timedelta(days=29))
    absent(old, received=TODAY - dt.timedelta(days=30))
    absent(dropout, received=TODAY - dt.timedelta(days=1), event="avbrott")
    assert listed(administrator, home) == ([edge.pk, fresh.pk], 2)
    # A contact before the notice does not answer it; one on the day it came does.
    contact_log(
        acting_user=administrator,
        youth=fresh,
        at=timezone.make_aware(dt.datetime(2026, 11, 19, 9)),
        channel="sms",
        reached=False,
    )
    assert listed(administrator, home) == ([edge.pk, fresh.pk], 2)
    contact_log(
        acting_user=administrator,
        youth=edge,
        at=timezone.make_aware(dt.datetime(2026, 10, 24, 9)),
        channel="sms",
        reached=False,
    )
    assert listed(administrator, home) == ([fresh.pk], 1)


@pytest.mark.django_db
def test_scopes_and_other_municipalities(
    coordinator, colleague, outsider, home, other_municipality, make_youth
):
    mine = make_youth(assigned_to=coordinator)
    theirs = make_youth(assigned_to=colleague)
    elsewhere = make_youth(municipality=other_municipality)
    for youth in (mine, theirs, elsewhere):
        absent(youth, received=TODAY - dt.timedelta(days=5))
    assert listed(coordinator, home, scope="mine") == ([mine.pk], 1)
    assert sorted(listed(coordinator, home)[0]) == sorted([mine.pk, theirs.pk])
    assert listed(coordinator, home, scope="none") == ([], 0)
    assert listed(outsider, home) == ([], 0)
    assert listed(outsider, other_municipality) == ([elsewhere.pk], 1)


@pytest.mark.django_db
@pytest.mark.usefixtures("fixed_today")
def test_page_shows_the_section_and_the_notices_behind_att_utreda(
    client_for, coordinator, make_youth
):
    youth = make_youth(first_name="Frida", last_name="Frånvarande", assigned_to=coordinator)
    absent(youth, received=TODAY - dt.timedelta(days=4))
    other = make_youth(first_name="Vera", last_name="Utredd", assigned_to=coordinator)
    verification = Verification.objects.create(youth=other, opened_on=dt.date(2026, 11, 10))
    school = School.objects.create(code="87654321", name="Tullängsgymnasiet")
    absent(
        other,
        received=dt.date(2026, 11, 10),
        event="avbrott",
        school=school,
        verification=verification,
    )

    html = client_for(coordinator).get(reverse("actions:todo")).content.decode()
    assert "Frånvaroanmälningar" in html and "Anmäld frånvaro" in html
    assert "Frånvarande, Frida" in html
    assert "frånvaro 2026-11-15, Lekebergsskolan" in html
    # The verification names the notice behind it: event, date and school.
    assert "Avbrott 2026-11-07, Tullängsgymnasiet" in html
    section = client_for(coordinator).get(reverse("actions:todo"), {"avsnitt": "absence"})
    assert "Frånvarande, Frida" in section.content.decode()
    assert "Utredd, Vera" not in section.content.decode()


@pytest.mark.django_db
def test_the_window_is_the_municipalitys_choice(administrator, home, make_youth):
    recent = make_youth(first_name="Recent")
    older = make_youth(first_name="Older")
    absent(recent, received=TODAY - dt.timedelta(days=9))
    absent(older, received=TODAY - dt.timedelta(days=10))
    assert listed(administrator, home) == ([older.pk, recent.pk], 2)
    assert within_casework(older, TODAY)
    FollowUpRules.objects.create(municipality=home, absence_days=10)
    assert listed(administrator, home) == ([recent.pk], 1)
    # Contacts about a notice are casework for as long as it is listed.
    assert within_casework(recent, TODAY) and not within_casework(older, TODAY)
