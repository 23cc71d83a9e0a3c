"""Finding 1: every date is checked against reality where it is entered and in the service,
and every page renders any date the database can hold."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from actions import services as casework
from actions.models import Action, Consent, FollowUpRules
from actions.tasks import send_daily_digests
from kaa.models import Code
from tests.conftest import code, valid_personnummer
from youths import services
from youths.models import Contact, Enrolment, Verification

pytestmark = [pytest.mark.django_db]

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def fixed_today():
    with time_machine.travel(dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY


@pytest.fixture
def youth(make_youth, coordinator):
    return make_youth(birth=dt.date(2008, 5, 17), assigned_to=coordinator)


def _enrol(youth, entry_reason, start=dt.date(2026, 9, 1)):
    return Enrolment.objects.create(youth=youth, start_date=start, entry_reason=entry_reason)


# Refused where typed and in the service ----------------------------------------------------


@pytest.mark.parametrize(
    "start, expected",
    [
        (dt.date(1, 1, 1), "2015-01-01"),
        (dt.date(1990, 1, 1), "2015-01-01"),
        (dt.date(2008, 5, 16), "2015-01-01"),
    ],
)
def test_enrolment_start_before_earliest_or_birth_is_refused(
    coordinator, youth, entry_reason, start, expected
):
    with pytest.raises(ValidationError) as raised:
        services.enrolment_create(
            acting_user=coordinator,
            youth=youth,
            start_date=start,
            entry_reason=entry_reason,
            today=TODAY,
        )
    assert expected in raised.value.message_dict["start_date"][0]
    assert not youth.enrolments.exists()


def test_date_before_birth_names_the_birth_date(coordinator, make_youth, entry_reason):
    # Born 2016 (a test number outside the register's ages) to reach the birth check.
    young = make_youth(birth=dt.date(2016, 3, 3))
    with pytest.raises(ValidationError) as raised:
        services.enrolment_create(
            acting_user=coordinator,
            youth=young,
            start_date=dt.date(2016, 1, 1),
            entry_reason=entry_reason,
            completed_school_early=True,
            today=TODAY,
        )
    assert "2016-03-03" in raised.value.message_dict["start_date"][0]


def test_the_enrolment_form_refuses_year_1(client_for, coordinator, youth, entry_reason):
    response = client_for(coordinator).post(
        reverse("youths:enrolment_create", args=[youth.pk]),
        {"start_date": "0001-01-01", "entry_reason": entry_reason.pk},
    )
    assert response.status_code == 200
    assert "kan inte vara före 2015-01-01" in response.content.decode()
    assert not youth.enrolments.exists()


def test_the_database_refuses_an_enrolment_in_year_1(youth, entry_reason):
    with pytest.raises(IntegrityError), transaction.atomic():
        _enrol(youth, entry_reason, start=dt.date(1, 1, 1))


def test_contact_in_year_1_or_1995_is_refused(coordinator, youth, entry_reason):
    _enrol(youth, entry_reason)
    for at in (
        dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC),
        timezone.make_aware(dt.datetime(1995, 6, 1, 10, 0)),
    ):
        with pytest.raises(ValidationError) as raised:
            casework.contact_log(
                acting_user=coordinator, youth=youth, at=at, channel="sms", reached=False
            )
        assert "2015-01-01" in raised.value.message_dict["at"][0]
    assert not youth.contacts.exists()


def test_the_contact_form_refuses_year_1(client_for, coordinator, youth, entry_reason):
    _enrol(youth, entry_reason)
    response = client_for(coordinator).post(
        reverse("actions:contact_create", args=[youth.pk]),
        {"at": "0001-01-01 00:00", "channel": "sms", "with_whom": "ungdomen", "reached": "0"},
    )
    assert response.status_code == 200
    assert "kan inte vara före 2015-01-01" in response.content.decode()
    assert not youth.contacts.exists()


def test_the_database_refuses_a_contact_in_year_1(youth):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(
            youth=youth, at=dt.datetime(1, 1, 1, 12, tzinfo=dt.UTC), channel="sms", reached=False
        )


def test_follow_up_far_in_the_future_is_refused(coordinator, youth, entry_reason):
    _enrol(youth, entry_reason)
    with pytest.raises(ValidationError) as raised:
        casework.contact_log(
            acting_user=coordinator,
            youth=youth,
            at=timezone.now(),
            channel="sms",
            reached=False,
            next_follow_up=dt.date(9999, 12, 31),
        )
    assert "next_follow_up" in raised.value.message_dict


@pytest.mark.parametrize("number", ["18991231-0007", "991231+0007"])
def test_a_youth_born_1899_is_refused(coordinator, home, number):
    # 18991231 with a valid check digit: the form of a real-looking number, wrong century.
    with pytest.raises(ValidationError) as raised:
        services.youth_register(
            acting_user=coordinator,
            municipality=home,
            personnummer_text=number,
            first_name="Gammal",
            last_name="Person",
            today=TODAY,
        )
    assert "1900" in raised.value.message_dict["personnummer"][0]


def test_a_youth_outside_the_register_ages_is_refused(coordinator, home):
    for birth, word in ((dt.date(1990, 1, 1), "36 år"), (dt.date(2016, 1, 1), "10 år")):
        with pytest.raises(ValidationError) as raised:
            services.youth_register(
                acting_user=coordinator,
                municipality=home,
                personnummer_text=valid_personnummer(birth),
                first_name="Fel",
                last_name="Ålder",
                today=TODAY,
            )
        assert word in raised.value.message_dict["personnummer"][0]


# Rendering any date the database can hold ---------------------------------------------------


@pytest.fixture
def extreme_youth(youth, home, coordinator, entry_reason, exit_moved):
    """Every date column that the database still lets hold year 1 or year 9999."""
    FollowUpRules.objects.create(municipality=home, follow_up_after_exit=True)
    earliest = dt.date(2015, 1, 1)
    Enrolment.objects.create(
        youth=youth,
        start_date=earliest,
        entry_reason=entry_reason,
        end_date=dt.date(9999, 12, 31),
        exit_reason=exit_moved,
    )
    Verification.objects.create(
        youth=youth, opened_on=dt.date(1, 1, 1), source="manual", resolved_on=None
    )
    kind = code(Code.ListName.ACTION, "vagledning")
    for day in (dt.date(1, 1, 1), dt.date(9999, 12, 31)):
        Action.objects.create(
            youth=youth,
            kind=kind,
            offered_on=day,
            response="nej",
            responded_on=day,
            follow_up_on=day,
        )
        Consent.objects.create(
            youth=youth, agency="AF", scope="x", given_on=day, valid_until=day, withdrawn_on=day
        )
        Contact.objects.create(
            youth=youth,
            at=dt.datetime.combine(
                earliest if day.year == 1 else dt.date(9999, 12, 30), dt.time(9), dt.UTC
            ),
            channel="sms",
            reached=False,
            next_follow_up=day,
        )
    Contact.objects.create(
        youth=youth,
        at=dt.datetime(9999, 12, 30, 12, tzinfo=dt.UTC),
        channel="sms",
        reached=False,
    )
    return youth


@pytest.mark.parametrize(
    "url",
    [
        lambda y: reverse("youths:detail", args=[y.pk]),
        lambda y: reverse("youths:list") + "?coordinator=all",
        lambda y: reverse("actions:todo") + "?vy=all",
        lambda y: reverse("actions:todo") + "?vy=none",
        lambda y: reverse("actions:todo") + "?vy=mine",
    ],
    ids=["youth", "list", "todo-all", "todo-none", "todo-mine"],
)
def test_every_page_renders_the_extreme_dates(client_for, coordinator, extreme_youth, url):
    response = client_for(coordinator).get(url(extreme_youth))
    assert response.status_code == 200


def test_the_digest_renders_the_extreme_dates(coordinator, extreme_youth):
    assert send_daily_digests(TODAY.isoformat()) == 1
    assert len(mail.outbox) == 1


def test_the_contact_form_refuses_tomorrow_where_typed(
    client_for, coordinator, youth, entry_reason
):
    _enrol(youth, entry_reason)
    response = client_for(coordinator).post(
        reverse("actions:contact_create", args=[youth.pk]),
        {"at": "2026-11-23 09:00", "channel": "sms", "with_whom": "ungdomen", "reached": "0"},
    )
    assert "Kontakten kan inte ligga i framtiden." in response.content.decode()
    assert not youth.contacts.exists()
