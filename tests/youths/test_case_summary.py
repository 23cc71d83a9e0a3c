"""The casework summary is a cache: what the services leave equals a full rebuild.

These tests see only what the services, jobs and imports write (no test-side refresh).
"""

import datetime as dt
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from actions import services as casework
from actions.models import Action
from kaa.models import Code
from tests.concurrency import run_concurrently
from tests.conftest import code, valid_personnummer
from youths import services
from youths.models import CaseSummary, Contact, Enrolment, Youth
from youths.summary import case_summary_rebuild

TODAY = dt.date(2026, 11, 22)


def snapshot() -> dict:
    fields = [f.attname for f in CaseSummary._meta.concrete_fields]
    return {row["youth_id"]: row for row in CaseSummary.objects.values(*fields)}


def rebuilt() -> dict:
    before = snapshot()
    CaseSummary.objects.all().delete()
    case_summary_rebuild()
    after = snapshot()
    assert set(before) == set(after)
    return before, after


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def today():
    with time_machine.travel(dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC), tick=False):
        yield TODAY


@pytest.mark.django_db
@pytest.mark.summary_by_services
def test_the_services_leave_what_a_rebuild_computes(
    today, home, coordinator, entry_reason, exit_moved
):
    occupation = code(Code.ListName.OCCUPATION, "ingen")
    kind = code(Code.ListName.ACTION, "vagledning")
    youths = []
    for index, birth in enumerate(
        [dt.date(2008, 5, 17), dt.date(2007, 3, 2), dt.date(2006, 12, 1), dt.date(2009, 1, 9)]
    ):
        youths.append(
            services.youth_intake(
                acting_user=coordinator,
                municipality=home,
                personnummer_text=valid_personnummer(birth, female=index % 2 == 0),
                first_name=f"Test{index}",
                last_name="Summering",
                assigned_to=coordinator,
                initial_state="enrol" if index < 3 else "verify",
                start_date=dt.date(2026, 9, 1),
                entry_reason=entry_reason,
                today=today,
            )
        )
    first, second, third, fourth = youths
    # Contacts: an attempt, a reached contact with a next follow-up.
    casework.contact_log(
        acting_user=coordinator,
        youth=first,
        at=at(dt.date(2026, 9, 3)),
        channel="sms",
        reached=False,
    )
    casework.contact_log(
        acting_user=coordinator,
        youth=first,
        at=at(dt.date(2026, 10, 1)),
        channel="telefon",
        reached=True,
        occupation=occupation,
        next_follow_up=dt.date(2026, 12, 1),
    )
    # Åtgärder: offered with a follow-up, declined, another accepted, started and ended.
    offered = casework.action_offer(
        acting_user=coordinator,
        youth=second,
        kind=kind,
        responsible="kommunen",
        offered_on=dt.date(2026, 9, 10),
        follow_up_on=dt.date(2026, 12, 10),
        today=today,
    )
    casework.action_respond(
        acting_user=coordinator,
        action=offered,
        accepted=False,
        on=dt.date(2026, 9, 12),
        today=today,
    )
    casework.action_set_follow_up(
        acting_user=coordinator, action=offered, follow_up_on=dt.date(2026, 12, 20), today=today
    )
    running = casework.action_offer(
        acting_user=coordinator,
        youth=third,
        kind=kind,
        responsible="kommunen",
        offered_on=dt.date(2026, 9, 5),
        today=today,
    )
    casework.action_respond(
        acting_user=coordinator,
        action=running,
        accepted=True,
        on=dt.date(2026, 9, 6),
        today=today,
    )
    casework.action_start(
        acting_user=coordinator, action=running, start_date=dt.date(2026, 9, 7), today=today
    )
    # The third youth's enrolment is closed with the running åtgärd.
    enrolment = Enrolment.objects.get(youth=third)
    casework.enrolment_close_with_casework(
        acting_user=coordinator,
        enrolment=enrolment,
        end_date=dt.date(2026, 11, 1),
        exit_reason=exit_moved,
        occupation_after=occupation,
        today=today,
    )
    # The fourth is "att utreda", then not in the group.
    verification = fourth.verifications.get()
    services.verification_resolve(
        acting_user=coordinator, verification=verification, outcome="ej_malgrupp", today=today
    )
    summary = CaseSummary.objects.get(youth=first)
    assert (summary.last_contact_on, summary.last_reached_on, summary.next_follow_up) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 1),
    )
    assert summary.unreached_since is None
    second_summary = CaseSummary.objects.get(youth=second)
    assert second_summary.declined_from == dt.date(2026, 9, 12)
    assert second_summary.action_follow_up_pending == dt.date(2026, 12, 20)
    assert second_summary.unreached_since == dt.date(2026, 9, 1)
    assert CaseSummary.objects.get(youth=third).last_exit_on == dt.date(2026, 11, 1)
    assert CaseSummary.objects.get(youth=fourth).verification_opened_on is None
    before, after = rebuilt()
    assert before == after


@pytest.mark.django_db
@pytest.mark.summary_by_services
def test_the_20th_birthday_job_and_completing_the_occupation(
    coordinator, home, make_youth, entry_reason
):
    youth = make_youth(birth=dt.date(2006, 11, 20), assigned_to=coordinator)
    Enrolment.objects.create(youth=youth, start_date=dt.date(2025, 1, 1), entry_reason=entry_reason)
    kind = code(Code.ListName.ACTION, "vagledning")
    action = Action.objects.create(
        youth=youth,
        kind=kind,
        offered_on=dt.date(2026, 3, 1),
        response="ja",
        responded_on=dt.date(2026, 3, 1),
        start_date=dt.date(2026, 3, 1),
    )
    case_summary_rebuild()  # the rows above were written past the services
    services.enrolments_close_turned_20(today=dt.date(2026, 11, 22))
    summary = CaseSummary.objects.get(youth=youth)
    assert summary.occupation_unknown_on == dt.date(2026, 11, 19)
    assert summary.enrolled_until == dt.date(2026, 11, 20)
    casework.action_complete_occupation(
        acting_user=coordinator,
        action=action,
        occupation_after=code(Code.ListName.OCCUPATION, "arbete"),
    )
    assert CaseSummary.objects.get(youth=youth).occupation_unknown_on is None
    before, after = rebuilt()
    assert before == after


@pytest.mark.django_db
@pytest.mark.summary_by_services
def test_an_import_fills_the_summary_of_the_youths_it_creates(other_municipality):
    from tests.youths.imports.conftest import csv_bytes
    from tests.youths.imports.test_import_services import _rows, _upload
    from youths.imports import services as imports

    batch = _upload(other_municipality, csv_bytes(_rows(5)))
    imports.import_batch_apply(batch_id=batch.pk, today=dt.date(2026, 11, 22))
    rows = CaseSummary.objects.filter(youth__municipality=other_municipality)
    assert rows.count() == Youth.objects.filter(municipality=other_municipality).count() == 5
    assert all(row.verification_opened_on == dt.date(2026, 11, 22) for row in rows)
    before, after = rebuilt()
    assert before == after


@pytest.mark.django_db
@pytest.mark.summary_by_services
def test_rebuild_command_is_idempotent(coordinator, make_youth, entry_reason, capsys):
    youth = make_youth(assigned_to=coordinator)
    Enrolment.objects.create(youth=youth, start_date=dt.date(2026, 9, 1), entry_reason=entry_reason)
    Contact.objects.create(youth=youth, at=at(dt.date(2026, 9, 2)), channel="sms")
    assert not CaseSummary.objects.filter(youth=youth).exists()
    call_command("rebuild_case_summary")
    first = snapshot()
    call_command("rebuild_case_summary")
    assert snapshot() == first
    assert first[youth.pk]["last_try_on"] == dt.date(2026, 9, 2)
    assert "räknades om" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
@pytest.mark.summary_by_services
def test_two_coordinators_logging_contacts_at_once_leave_both_in_the_summary(
    coordinator, colleague, make_youth, entry_reason
):
    """The first coordinator's later contact is logged and not yet committed when the
    second logs an earlier one: the second must wait for the youth's lock and then see
    the first's contact, or its refresh would overwrite the row without it."""
    from tests.actions.test_concurrency import _wait_until_blocked_or_done

    today = timezone.localdate()
    youth = make_youth(assigned_to=coordinator)
    Enrolment.objects.create(
        youth=youth, start_date=today - dt.timedelta(days=60), entry_reason=entry_reason
    )
    case_summary_rebuild()
    later, earlier = today - dt.timedelta(days=5), today - dt.timedelta(days=10)
    first_logged = threading.Event()
    second_done = threading.Event()

    def log(index):
        if index == 1:
            first_logged.wait(60)
            try:
                return casework.contact_log(
                    acting_user=colleague,
                    youth=youth,
                    at=at(earlier),
                    channel="sms",
                    reached=False,
                    next_follow_up=today + dt.timedelta(days=3),
                )
            finally:
                second_done.set()
        with transaction.atomic():
            contact = casework.contact_log(
                acting_user=coordinator, youth=youth, at=at(later), channel="sms", reached=False
            )
            first_logged.set()
            _wait_until_blocked_or_done(second_done)
        return contact

    results = run_concurrently(2, log)
    assert not any(isinstance(r, Exception) for r in results), results
    summary = CaseSummary.objects.get(youth=youth)
    # The latest contact is the first coordinator's: no next follow-up.
    assert (summary.last_contact_on, summary.next_follow_up) == (later, None)
    before, after = rebuilt()
    assert before == after
