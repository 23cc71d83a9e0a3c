import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from kaa.models import Membership, Role
from youths.models import Enrolment, Youth
from youths.querysets import Status

pytestmark = [pytest.mark.django_db]


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
    assert dt.date.today()


def test_unknown_municipality_is_an_error():
    with pytest.raises(CommandError, match="Okänd kommunkod"):
        call_command("seed_demo", "--municipality", "9999")
