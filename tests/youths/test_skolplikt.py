"""Finding 2: nobody is enrolled before skolplikt has ended, unless the coordinator states
that the youth completed compulsory school early (recorded and audited).

Finding 4 (service side): other scripts' digits no longer bypass the duplicate check.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaa.models import AuditAction, AuditEvent, Code, Municipality
from tests.conftest import code, valid_personnummer
from youths import services
from youths.models import Youth

pytestmark = [pytest.mark.django_db]

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def fixed_today():
    with time_machine.travel(dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


def _register_and_enrol(coordinator, home, number, **extra):
    return services.youth_intake(
        acting_user=coordinator,
        municipality=home,
        personnummer_text=number,
        first_name="Tidig",
        last_name="Elev",
        initial_state="enrol",
        start_date=extra.pop("start_date", TODAY),
        entry_reason=code(Code.ListName.ENTRY_REASON, "aldrig_paborjat"),
        today=TODAY,
        **extra,
    )


def test_a_14_year_old_is_refused_with_the_date_skolplikt_ends(coordinator, home):
    number = valid_personnummer(dt.date(2012, 1, 1))
    with pytest.raises(ValidationError) as raised:
        _register_and_enrol(coordinator, home, number)
    message = raised.value.message_dict["start_date"][0]
    assert "2028-06-30" in message and "2028-07-01" in message
    assert not Youth.objects.filter(personnummer=number).exists()


def test_early_completion_is_stated_recorded_and_audited(coordinator, home):
    number = valid_personnummer(dt.date(2011, 3, 1))
    youth = _register_and_enrol(coordinator, home, number, completed_school_early=True)
    enrolment = youth.enrolments.get()
    assert enrolment.completed_school_early is True
    event = AuditEvent.objects.get(action=AuditAction.ENROLMENT_CREATE, youth_id=youth.pk)
    assert event.detail["completed_school_early"] is True


def test_the_day_after_the_spring_term_needs_no_statement(coordinator, home, make_youth):
    youth = make_youth(birth=dt.date(2010, 12, 31))
    entry = code(Code.ListName.ENTRY_REASON, "aldrig_paborjat")
    with pytest.raises(ValidationError):
        services.enrolment_create(
            acting_user=coordinator,
            youth=youth,
            start_date=dt.date(2026, 6, 30),
            entry_reason=entry,
            today=TODAY,
        )
    enrolment = services.enrolment_create(
        acting_user=coordinator,
        youth=youth,
        start_date=dt.date(2026, 7, 1),
        entry_reason=entry,
        completed_school_early=True,  # not needed, so not kept
        today=TODAY,
    )
    assert enrolment.completed_school_early is False


def test_the_municipality_spring_term_end_is_used(coordinator, home, make_youth):
    Municipality.objects.filter(pk=home.pk).update(spring_term_end_day=12)
    youth = make_youth(birth=dt.date(2010, 5, 5))
    enrolment = services.enrolment_create(
        acting_user=coordinator,
        youth=youth,
        start_date=dt.date(2026, 6, 13),
        entry_reason=code(Code.ListName.ENTRY_REASON, "aldrig_paborjat"),
        today=TODAY,
    )
    assert enrolment.start_date == dt.date(2026, 6, 13)


def test_the_form_shows_the_statement_and_the_message(client_for, coordinator, make_youth):
    youth = make_youth(birth=dt.date(2012, 1, 1))
    url = reverse("youths:enrolment_create", args=[youth.pk])
    client = client_for(coordinator)
    page = client.get(url).content.decode()
    assert "Ungdomen har slutfört grundskolan innan skolplikten upphörde" in page
    entry = code(Code.ListName.ENTRY_REASON, "aldrig_paborjat")
    response = client.post(url, {"start_date": "2026-11-01", "entry_reason": entry.pk})
    assert "har skolplikt till och med 2028-06-30" in response.content.decode()
    assert not youth.enrolments.exists()
    response = client.post(
        url,
        {"start_date": "2026-11-01", "entry_reason": entry.pk, "completed_school_early": "on"},
    )
    assert response.status_code == 302
    assert youth.enrolments.get().completed_school_early


@pytest.mark.parametrize(
    "table",
    [
        str.maketrans("0123456789", "０１２３４５６７８９"),
        str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
        str.maketrans("0123456789", "०१२३४५६७८९"),
    ],
    ids=["full-width", "arabic-indic", "devanagari"],
)
def test_other_scripts_digits_neither_register_nor_duplicate(coordinator, home, table):
    services.youth_register(
        acting_user=coordinator,
        municipality=home,
        personnummer_text="080101-4564",
        first_name="Första",
        last_name="Ungdom",
        today=TODAY,
    )
    with pytest.raises(ValidationError) as raised:
        services.youth_register(
            acting_user=coordinator,
            municipality=home,
            personnummer_text="080101-4564".translate(table),
            first_name="Andra",
            last_name="Ungdom",
            today=TODAY,
        )
    assert "0–9" in raised.value.message_dict["personnummer"][0]
    assert Youth.objects.filter(municipality=home).count() == 1


def test_birth_number_000_is_refused_by_the_service(coordinator, home):
    with pytest.raises(ValidationError) as raised:
        services.youth_register(
            acting_user=coordinator,
            municipality=home,
            personnummer_text="20150916-0006",
            first_name="Noll",
            last_name="Noll",
            today=TODAY,
        )
    assert "000" in raised.value.message_dict["personnummer"][0]
