"""Finding 3: closing an enrolment deals with its casework; nothing is left outside every
enrolment, and no åtgärd ends after the 20th birthday. Finding 11 (nightly job part): a
misconfigured municipality is reported and the others are still served."""

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from actions import services
from actions.models import Action, FollowUpRules
from actions.selectors import todo_for
from kaa.models import AuditAction, AuditEvent, Code
from tests.conftest import code
from youths.models import Contact, Enrolment
from youths.services import enrolments_close_turned_20

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


def _contact(youth, day):
    return Contact.objects.create(
        youth=youth,
        at=timezone.make_aware(dt.datetime.combine(day, dt.time(10))),
        channel="sms",
        reached=False,
    )


def _running(youth, kind, start):
    return Action.objects.create(
        youth=youth,
        kind=kind,
        offered_on=start,
        response="ja",
        responded_on=start,
        start_date=start,
    )


def test_closing_is_refused_while_casework_lies_after_the_end(
    coordinator, enrolled, action_kind, exit_moved
):
    """The reported case: closed as of 2026-10-01 with a contact of 2026-11-10 and an åtgärd
    started 2026-10-15."""
    _contact(enrolled, dt.date(2026, 11, 10))
    action = _running(enrolled, action_kind, dt.date(2026, 10, 15))
    enrolment = enrolled.enrolments.get()
    with pytest.raises(services.CaseworkOutsideError) as raised:
        services.enrolment_close_with_casework(
            acting_user=coordinator,
            enrolment=enrolment,
            end_date=dt.date(2026, 10, 1),
            exit_reason=exit_moved,
        )
    entries = raised.value.entries
    assert [(e.kind, e.day) for e in entries] == [
        ("contact", dt.date(2026, 11, 10)),
        ("action", dt.date(2026, 10, 15)),
    ]
    assert "2026-10-01" in raised.value.message_dict["end_date"][0]
    enrolment.refresh_from_db()
    assert enrolment.end_date is None
    action.refresh_from_db()
    assert action.end_date is None


def test_the_close_page_lists_the_offending_entries_with_links(
    client_for, coordinator, enrolled, action_kind, exit_moved
):
    _contact(enrolled, dt.date(2026, 11, 10))
    action = _running(enrolled, action_kind, dt.date(2026, 10, 15))
    enrolment = enrolled.enrolments.get()
    url = reverse("youths:enrolment_close", args=[enrolled.pk, enrolment.pk])
    response = client_for(coordinator).post(
        url,
        {
            "end_date": "2026-10-01",
            "exit_reason": exit_moved.pk,
            "occupation_after": code(Code.ListName.OCCUPATION, "arbete").pk,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kontakt 2026-11-10" in html
    assert f"#atgard-{action.pk}" in html
    assert (
        f'id="atgard-{action.pk}"'
        in client_for(coordinator)
        .get(reverse("youths:detail", args=[enrolled.pk]))
        .content.decode()
    )
    enrolment.refresh_from_db()
    assert enrolment.end_date is None


def test_entries_in_the_after_exit_window_do_not_block(
    coordinator, home, enrolled, action_kind, occupation
):
    FollowUpRules.objects.create(municipality=home, follow_up_after_exit=True)
    _contact(enrolled, dt.date(2026, 11, 10))
    services.enrolment_close_with_casework(
        acting_user=coordinator,
        enrolment=enrolled.enrolments.get(),
        end_date=dt.date(2026, 10, 1),
        exit_reason=code(Code.ListName.EXIT_REASON, "paborjat_nationellt"),
    )
    assert enrolled.enrolments.get().end_date == dt.date(2026, 10, 1)


def test_running_actions_end_with_the_picked_occupation(
    coordinator, enrolled, action_kind, exit_moved
):
    action = _running(enrolled, action_kind, dt.date(2026, 10, 15))
    enrolment = enrolled.enrolments.get()
    with pytest.raises(ValidationError) as raised:
        services.enrolment_close_with_casework(
            acting_user=coordinator,
            enrolment=enrolment,
            end_date=dt.date(2026, 11, 20),
            exit_reason=exit_moved,
        )
    assert "occupation_after" in raised.value.message_dict
    enrolment.refresh_from_db()
    assert enrolment.end_date is None

    work = code(Code.ListName.OCCUPATION, "arbete")
    services.enrolment_close_with_casework(
        acting_user=coordinator,
        enrolment=enrolment,
        end_date=dt.date(2026, 11, 20),
        exit_reason=exit_moved,
        occupation_after=work,
    )
    action.refresh_from_db()
    assert action.end_date == dt.date(2026, 11, 20)
    assert action.occupation_after == work
    assert AuditEvent.objects.filter(
        action=AuditAction.ACTION_CHANGE, youth_id=enrolled.pk, detail__change="ended"
    ).exists()


def test_the_close_form_asks_for_the_occupation_only_when_actions_run(
    client_for, coordinator, enrolled, action_kind, exit_moved
):
    enrolment = enrolled.enrolments.get()
    url = reverse("youths:enrolment_close", args=[enrolled.pk, enrolment.pk])
    client = client_for(coordinator)
    assert "Sysselsättning efter pågående åtgärder" not in client.get(url).content.decode()
    _running(enrolled, action_kind, dt.date(2026, 10, 15))
    page = client.get(url).content.decode()
    assert "Sysselsättning efter pågående åtgärder" in page
    response = client.post(
        url,
        {
            "end_date": "2026-11-20",
            "exit_reason": exit_moved.pk,
            "occupation_after": code(Code.ListName.OCCUPATION, "arbete").pk,
        },
    )
    assert response.status_code == 302
    assert enrolled.actions.get().end_date == dt.date(2026, 11, 20)


def test_an_action_cannot_end_after_the_20th_birthday(
    coordinator, make_youth, entry_reason, action_kind, occupation
):
    youth = make_youth(birth=dt.date(2006, 11, 1), assigned_to=coordinator)
    Enrolment.objects.create(youth=youth, start_date=dt.date(2026, 1, 1), entry_reason=entry_reason)
    action = _running(youth, action_kind, dt.date(2026, 3, 1))
    Enrolment.objects.filter(youth=youth).update(
        end_date=youth.turns_20_on, exit_reason=code(Code.ListName.EXIT_REASON, "fyllt_20")
    )
    with pytest.raises(ValidationError) as raised:
        services.action_end(
            acting_user=coordinator,
            action=action,
            end_date=dt.date(2026, 11, 15),
            end_reason="Klar",
            occupation_after=occupation,
        )
    assert "2026-11-01" in raised.value.message_dict["end_date"][0]
    services.action_end(
        acting_user=coordinator,
        action=action,
        end_date=dt.date(2026, 10, 31),
        end_reason="Klar",
        occupation_after=occupation,
    )
    action.refresh_from_db()
    assert action.end_date == dt.date(2026, 10, 31)


def test_an_action_may_end_on_the_day_its_enrolment_ended(
    coordinator, enrolled, action_kind, occupation, exit_moved
):
    action = _running(enrolled, action_kind, dt.date(2026, 10, 1))
    Enrolment.objects.filter(youth=enrolled).update(
        end_date=dt.date(2026, 11, 1), exit_reason=exit_moved
    )
    with pytest.raises(ValidationError):
        services.action_end(
            acting_user=coordinator,
            action=action,
            end_date=dt.date(2026, 11, 2),
            end_reason="Flyttat",
            occupation_after=occupation,
        )
    services.action_end(
        acting_user=coordinator,
        action=action,
        end_date=dt.date(2026, 11, 1),
        end_reason="Flyttat",
        occupation_after=occupation,
    )


# The nightly 20th-birthday job ----------------------------------------------------------


def test_the_nightly_job_ends_running_actions_with_unknown_and_lists_the_youth(
    coordinator, home, make_youth, entry_reason, action_kind, client_for
):
    youth = make_youth(birth=dt.date(2006, 11, 20), assigned_to=coordinator)
    Enrolment.objects.create(youth=youth, start_date=dt.date(2025, 1, 1), entry_reason=entry_reason)
    action = _running(youth, action_kind, dt.date(2026, 3, 1))
    run = enrolments_close_turned_20(today=dt.date(2026, 11, 22))
    assert (run.closed, run.actions_ended, run.problems) == (1, 1, {})
    action.refresh_from_db()
    # The day before the birthday: on the birthday itself the youth is already 20.
    assert action.end_date == dt.date(2026, 11, 19)
    assert action.occupation_after.key == "okand"
    sections = todo_for(
        user=coordinator, municipality_id=home.pk, on=dt.date(2026, 11, 22), scope="mine"
    )
    assert [item.youth.pk for item in sections["occupation_unknown"]] == [youth.pk]

    # The coordinator completes it; the youth leaves the list.
    client = client_for(coordinator)
    url = reverse("actions:action_step", args=[youth.pk, action.pk, "komplettera"])
    assert (
        "Komplettera sysselsättning"
        in client.get(reverse("youths:detail", args=[youth.pk])).content.decode()
    )
    work = code(Code.ListName.OCCUPATION, "arbete")
    assert client.post(url, {"occupation_after": work.pk}).status_code == 302
    action.refresh_from_db()
    assert action.occupation_after == work
    sections = todo_for(
        user=coordinator, municipality_id=home.pk, on=dt.date(2026, 11, 22), scope="mine"
    )
    assert sections["occupation_unknown"] == []
    # A second run changes nothing.
    assert enrolments_close_turned_20(today=dt.date(2026, 11, 22)).closed == 0


def test_a_misconfigured_municipality_is_reported_and_the_others_served(
    make_youth, entry_reason, other_municipality
):
    # Lekeberg's youth turned 20 in 2017, before the only code list version (2018): the
    # code "Fyllt 20 år" cannot be found for that day.
    broken = make_youth(municipality=other_municipality, birth=dt.date(1997, 3, 3))
    Enrolment.objects.create(
        youth=broken, start_date=dt.date(2016, 1, 1), entry_reason=entry_reason
    )
    fine = make_youth(birth=dt.date(2006, 11, 20))
    Enrolment.objects.create(youth=fine, start_date=dt.date(2025, 1, 1), entry_reason=entry_reason)
    run = enrolments_close_turned_20(today=dt.date(2026, 11, 22))
    assert run.closed == 1
    assert list(run.problems) == [other_municipality.code]
    assert fine.enrolments.get().end_date == dt.date(2026, 11, 20)
    assert broken.enrolments.get().end_date is None

    err = StringIO()
    with pytest.raises(CommandError, match="1 kommuner"):
        call_command("close_turned_20", "--date", "2026-11-22", stderr=err)
    assert f"Kommun {other_municipality.code}" in err.getvalue()
    assert broken.enrolments.get().end_date is None
