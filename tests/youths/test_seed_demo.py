import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from kaa.models import Membership, Role
from youths.models import Enrolment, Youth
from youths.querysets import Status

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def fixed_today():
    # The demo's ages and enrolments are computed from today.
    with time_machine.travel(dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_seed_demo_is_deterministic_idempotent_and_consistent(capsys, other_municipality):
    call_command("seed_demo", "--municipality", "1814", "--youths", "60", "--seed", "3")
    out = capsys.readouterr().out
    assert "samordnare.1814" in out and "demo-admin-1814-KAA" in out
    roles = set(
        Membership.objects.filter(municipality=other_municipality).values_list("role", flat=True)
    )
    assert roles == set(Role.values)
    numbers = list(Youth.objects.order_by("personnummer").values_list("personnummer", flat=True))
    assert len(numbers) == 60

    call_command("seed_demo", "--municipality", "1814", "--youths", "60", "--seed", "3")
    assert "finns redan" in capsys.readouterr().out
    assert Youth.objects.count() == 60

    today = timezone.localdate()
    statuses = set(Youth.objects.with_status(on=today).values_list("status", flat=True))
    assert {Status.IN_GROUP, Status.OUTSIDE} <= statuses
    for youth in Youth.objects.prefetch_related("enrolments"):
        periods = sorted(youth.enrolments.all(), key=lambda e: e.start_date)
        for first, second in zip(periods, periods[1:], strict=False):
            assert first.end_date is not None and first.end_date < second.start_date
        for enrolment in periods:
            assert enrolment.start_date < youth.turns_20_on
            if enrolment.exit_reason and enrolment.exit_reason.key == "fyllt_20":
                assert enrolment.end_date == youth.turns_20_on
        if youth.turns_20_on <= today:
            assert all(e.end_date is not None for e in periods)
    assert Enrolment.objects.filter(end_date__isnull=False).exists()


def test_same_seed_gives_same_youths():
    call_command("seed_demo", "--municipality", "1880", "--youths", "20", "--seed", "7")
    first = list(Youth.objects.order_by("personnummer").values_list("personnummer", "first_name"))
    Youth.objects.all().delete()
    call_command("seed_demo", "--municipality", "1880", "--youths", "20", "--seed", "7")
    again = list(Youth.objects.order_by("personnummer").values_list("personnummer", "first_name"))
    assert first == again


def test_unknown_municipality_is_an_error():
    with pytest.raises(CommandError, match="Okänd kommunkod"):
        call_command("seed_demo", "--municipality", "9999")


def test_demo_obeys_the_register_rules():
    from actions.models import Action, Consent, PlanRevision
    from youths.models import Contact

    call_command("seed_demo", "--municipality", "1814", "--youths", "150", "--seed", "5")
    today = timezone.localdate()
    youths = Youth.objects.prefetch_related("enrolments")
    assert youths.count() == 150
    periods = {}
    for youth in youths:
        # Past skolplikt (30 June of the year the youth turns 16) and not 20 long ago.
        assert dt.date(youth.birth_date.year + 16, 6, 30) < today
        assert (today - youth.turns_20_on).days < 200
        for enrolment in youth.enrolments.all():
            assert enrolment.start_date > dt.date(youth.birth_date.year + 16, 6, 30)
        periods[youth.pk] = [(e.start_date, e.end_date) for e in youth.enrolments.all()]

    def inside(youth_id, day):
        return any(s <= day and (e is None or day < e) for s, e in periods[youth_id])

    contacts = list(Contact.objects.all())
    assert contacts and any(not c.reached for c in contacts) and any(c.reached for c in contacts)
    for contact in contacts:
        assert inside(contact.youth_id, timezone.localdate(contact.at)), contact.pk
    actions = list(Action.objects.all())
    states = {a.state_label for a in actions}
    assert len(states) >= 4
    for action in actions:
        for day in (action.offered_on, action.responded_on, action.start_date, action.end_date):
            if day and day != action.end_date:
                assert inside(action.youth_id, day)
    for plan in PlanRevision.objects.all():
        assert inside(plan.youth_id, timezone.localdate(plan.created_at))
    for consent in Consent.objects.all():
        assert inside(consent.youth_id, consent.given_on)
    coordinators = set(
        Youth.objects.exclude(assigned_to=None).values_list("assigned_to", flat=True)
    )
    assert len(coordinators) >= 2
    # Frånvaro notices for Att göra's frånvaro section, received by today, under 20.
    from youths.imports.models import SchoolNotice

    notices = list(SchoolNotice.objects.select_related("youth"))
    assert len(notices) >= 3 and {n.event for n in notices} == {"franvaro"}
    for notice in notices:
        assert notice.event_date <= notice.received_on <= today < notice.youth.turns_20_on
    summary = dict(
        Youth.objects.filter(case_summary__absence_noticed_on__isnull=False).values_list(
            "pk", "case_summary__absence_noticed_on"
        )
    )
    assert summary and all(
        summary[n.youth_id] == n.received_on for n in notices if n.youth_id in summary
    )


def test_adds_youths_in_municipalities_without_any():
    call_command("seed_demo", "--municipality", "1814", "--youths", "30", "--seed", "1")
    call_command("seed_demo", "--municipalities", "2", "--youths", "25", "--seed", "2")
    per_municipality = sorted(
        Youth.objects.values_list("municipality__code").annotate(n=Count("pk")).values_list("n")
    )
    assert per_municipality == [(25,), (25,), (30,)]
    numbers = Youth.objects.values_list("personnummer", flat=True)
    assert len(set(numbers)) == 80
    assert Membership.objects.filter(role=Role.ADMINISTRATOR).count() == 3
