"""The rules behind "Att göra", on the dates around each boundary."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from actions.models import Action, FollowUpRules
from actions.selectors import todo_for
from actions.tasks import send_daily_digests
from kaa.models import Code
from tests.conftest import code
from youths.models import Contact, Enrolment, Verification

pytestmark = [pytest.mark.django_db]


def reasons(user, home, on, scope="mine"):
    sections = todo_for(user=user, municipality_id=home.pk, on=on, scope=scope)
    return {key: [item.youth.pk for item in items] for key, items in sections.items() if items}


def contact(youth, day, *, reached=False, follow_up=None):
    occupation = code(Code.ListName.OCCUPATION, "ingen") if reached else None
    return Contact.objects.create(
        youth=youth,
        at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
        channel="sms",
        reached=reached,
        occupation=occupation,
        next_follow_up=follow_up,
    )


def test_new_youth_needs_contact_at_once(coordinator, home, enrolled):
    assert reasons(coordinator, home, dt.date(2026, 8, 31)) == {}
    assert reasons(coordinator, home, dt.date(2026, 9, 1)) == {"unreached": [enrolled.pk]}


def test_unreached_due_n_days_after_last_attempt(coordinator, home, enrolled):
    contact(enrolled, dt.date(2026, 10, 1))
    assert "unreached" not in reasons(coordinator, home, dt.date(2026, 10, 30))
    assert reasons(coordinator, home, dt.date(2026, 10, 31))["unreached"] == [enrolled.pk]
    FollowUpRules.objects.create(municipality=home, unreached_days=14)
    assert reasons(coordinator, home, dt.date(2026, 10, 15))["unreached"] == [enrolled.pk]


def test_reached_youth_is_not_unreached(coordinator, home, enrolled):
    contact(enrolled, dt.date(2026, 9, 10), reached=True)
    assert "unreached" not in reasons(coordinator, home, dt.date(2026, 11, 22))


def test_follow_up_due_on_the_day(coordinator, home, enrolled):
    contact(enrolled, dt.date(2026, 11, 1), reached=True, follow_up=dt.date(2026, 11, 15))
    assert "follow_up" not in reasons(coordinator, home, dt.date(2026, 11, 14))
    assert reasons(coordinator, home, dt.date(2026, 11, 15))["follow_up"] == [enrolled.pk]
    # A new contact without a follow-up date clears it.
    contact(enrolled, dt.date(2026, 11, 16), reached=True)
    assert "follow_up" not in reasons(coordinator, home, dt.date(2026, 11, 16))


def test_action_follow_up_until_a_contact_is_made(coordinator, home, enrolled, action_kind):
    Action.objects.create(
        youth=enrolled,
        kind=action_kind,
        offered_on=dt.date(2026, 10, 1),
        follow_up_on=dt.date(2026, 11, 10),
    )
    contact(enrolled, dt.date(2026, 10, 2), reached=True)
    assert reasons(coordinator, home, dt.date(2026, 11, 10))["follow_up"] == [enrolled.pk]
    contact(enrolled, dt.date(2026, 11, 11), reached=True)
    assert "follow_up" not in reasons(coordinator, home, dt.date(2026, 11, 12))


def test_declined_is_followed_up_monthly(coordinator, home, enrolled, action_kind):
    contact(enrolled, dt.date(2026, 9, 2), reached=True)
    Action.objects.create(
        youth=enrolled,
        kind=action_kind,
        offered_on=dt.date(2026, 9, 5),
        response="nej",
        responded_on=dt.date(2026, 9, 10),
    )
    assert "declined" not in reasons(coordinator, home, dt.date(2026, 10, 9))
    assert reasons(coordinator, home, dt.date(2026, 10, 10))["declined"] == [enrolled.pk]
    contact(enrolled, dt.date(2026, 10, 12), reached=True)
    assert "declined" not in reasons(coordinator, home, dt.date(2026, 11, 10))
    assert reasons(coordinator, home, dt.date(2026, 11, 11))["declined"] == [enrolled.pk]
    # Accepting a later offer ends the monthly rhythm.
    Action.objects.create(
        youth=enrolled,
        kind=action_kind,
        offered_on=dt.date(2026, 11, 1),
        response="ja",
        responded_on=dt.date(2026, 11, 2),
    )
    assert "declined" not in reasons(coordinator, home, dt.date(2026, 11, 11))


def test_turns_20_within_60_days_and_not_after(coordinator, home, make_youth, entry_reason):
    youth = make_youth(birth=dt.date(2007, 1, 20), assigned_to=coordinator)
    Enrolment.objects.create(youth=youth, start_date=dt.date(2026, 1, 1), entry_reason=entry_reason)
    contact(youth, dt.date(2026, 1, 5), reached=True)
    assert "turns_20" not in reasons(coordinator, home, dt.date(2026, 11, 20))
    assert reasons(coordinator, home, dt.date(2026, 11, 21))["turns_20"] == [youth.pk]
    # On the birthday the youth has left the group (skollagen 29 kap. 9 §).
    assert reasons(coordinator, home, dt.date(2027, 1, 20)) == {}


def test_leap_day_birthday_turns_20_on_29_february_in_a_leap_year(
    coordinator, home, make_youth, entry_reason
):
    youth = make_youth(birth=dt.date(2008, 2, 29), assigned_to=coordinator)
    assert youth.birth_date == dt.date(2008, 2, 29)
    assert youth.turns_20_on == dt.date(2028, 2, 29)  # 2028 has a 29 February
    Enrolment.objects.create(youth=youth, start_date=dt.date(2027, 6, 1), entry_reason=entry_reason)
    contact(youth, dt.date(2027, 6, 2), reached=True)
    assert "turns_20" not in reasons(coordinator, home, dt.date(2027, 12, 30))
    assert reasons(coordinator, home, dt.date(2027, 12, 31))["turns_20"] == [youth.pk]
    assert reasons(coordinator, home, dt.date(2028, 2, 28))["turns_20"] == [youth.pk]
    assert reasons(coordinator, home, dt.date(2028, 2, 29)) == {}


def test_leap_day_birthday_turns_18_on_1_march_in_a_common_year(make_youth, coordinator):
    """Our reading: in a year without 29 February the age is reached on 1 March. 20th
    birthdays of 29 February fall in leap years (until 2100), so the branch shows at 18."""
    from youths.services import guardian_add

    youth = make_youth(birth=dt.date(2008, 2, 29))
    assert youth.age_on(dt.date(2026, 2, 28)) == 17
    assert youth.age_on(dt.date(2026, 3, 1)) == 18
    assert youth.is_minor_on(dt.date(2026, 2, 28))
    assert not youth.is_minor_on(dt.date(2026, 3, 1))
    # The guardian rule (minors only) follows the same day.
    with time_machine.travel(dt.datetime(2026, 2, 28, 12, tzinfo=dt.UTC), tick=False):
        guardian_add(acting_user=coordinator, youth=youth, name="Vårdnadshavare")
    with (
        time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False),
        pytest.raises(ValidationError),
    ):
        guardian_add(acting_user=coordinator, youth=youth, name="För sent")
    assert list(youth.guardians.values_list("name", flat=True)) == ["Vårdnadshavare"]


def test_verification_listed(coordinator, home, make_youth):
    youth = make_youth(assigned_to=coordinator)
    Verification.objects.create(youth=youth, opened_on=dt.date(2026, 11, 1), source="skola")
    assert reasons(coordinator, home, dt.date(2026, 11, 22)) == {"verify": [youth.pk]}


def test_after_exit_only_when_the_municipality_keeps_it(coordinator, home, enrolled):
    enrolment = enrolled.enrolments.get()
    enrolment.end_date = dt.date(2026, 10, 1)
    enrolment.exit_reason = code(Code.ListName.EXIT_REASON, "paborjat_nationellt")
    enrolment.save()
    assert reasons(coordinator, home, dt.date(2026, 10, 5)) == {}
    FollowUpRules.objects.create(municipality=home, follow_up_after_exit=True, after_exit_days=183)
    assert reasons(coordinator, home, dt.date(2026, 10, 5)) == {"after_exit": [enrolled.pk]}
    assert reasons(coordinator, home, dt.date(2027, 4, 3)) == {}


def test_scope_and_outsider(
    coordinator, colleague, outsider, home, enrolled, make_youth, entry_reason
):
    other = make_youth(assigned_to=colleague)
    Enrolment.objects.create(youth=other, start_date=dt.date(2026, 9, 1), entry_reason=entry_reason)
    assert reasons(coordinator, home, dt.date(2026, 11, 22))["unreached"] == [enrolled.pk]
    assert sorted(
        reasons(coordinator, home, dt.date(2026, 11, 22), scope="all")["unreached"]
    ) == sorted([enrolled.pk, other.pk])
    assert reasons(outsider, home, dt.date(2026, 11, 22), scope="all") == {}


def test_digest_has_counts_and_no_personal_data(coordinator, enrolled):
    mail.outbox.clear()
    assert send_daily_digests("2026-11-22") == 1
    message = mail.outbox[0]
    assert message.to == [coordinator.email]
    assert "Inte nådda på länge: 1" in message.body
    assert "/att-gora/" in message.body
    assert enrolled.last_name not in message.body and enrolled.personnummer[:8] not in message.body
    assert enrolled.personnummer[2:8] not in message.body
