"""Coded fields refuse a code of another list: in the services and in the database."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actions import services as casework
from kaa.models import Code
from tests.conftest import code
from tests.scb_export.conftest import action, at, contact, enrol, youth


@pytest.fixture
def enrolled(home, fixed_today):
    y = youth(home, dt.date(2008, 2, 2), 401)
    enrol(y, dt.date(2026, 1, 5))
    return y


def test_services_refuse_a_code_of_another_list(enrolled, administrator):
    wrong = code(Code.ListName.ACTION, "praktik")
    with pytest.raises(ValidationError) as raised:
        casework.contact_log(
            acting_user=administrator,
            youth=enrolled,
            at=at(dt.date(2026, 8, 1)),
            channel="telefon",
            reached=True,
            occupation=wrong,
        )
    assert "occupation" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        casework.action_offer(
            acting_user=administrator,
            youth=enrolled,
            kind=code(Code.ListName.OCCUPATION, "arbete"),
            responsible="kommunen",
            offered_on=dt.date(2026, 8, 1),
        )
    assert "kind" in raised.value.message_dict
    started = action(enrolled, "praktik", dt.date(2026, 8, 1))
    with pytest.raises(ValidationError) as raised:
        casework.action_end(
            acting_user=administrator,
            action=started,
            end_date=dt.date(2026, 8, 10),
            end_reason="Klar",
            occupation_after=wrong,
        )
    assert "occupation_after" in raised.value.message_dict


def test_database_refuses_a_code_of_another_list(enrolled):
    wrong = code(Code.ListName.ACTION, "praktik")
    with pytest.raises(IntegrityError), transaction.atomic():
        contact(enrolled, dt.date(2026, 2, 2)).__class__.objects.create(
            youth=enrolled, at=at(dt.date(2026, 2, 3)), channel="sms", occupation=wrong
        )
    a = action(enrolled, "praktik", dt.date(2026, 2, 1))
    a.kind = code(Code.ListName.OCCUPATION, "arbete")
    with pytest.raises(IntegrityError), transaction.atomic():
        a.save()
    a.refresh_from_db()
    a.occupation_after = wrong
    a.end_date = dt.date(2026, 3, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        a.save()
    e = enrolled.enrolments.get()
    e.entry_reason = code(Code.ListName.EXIT_REASON, "flyttat")
    with pytest.raises(IntegrityError), transaction.atomic():
        e.save()
