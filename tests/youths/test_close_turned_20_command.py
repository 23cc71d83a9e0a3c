import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from youths.models import Enrolment

pytestmark = [pytest.mark.django_db]


def test_command_closes_on_the_birthday_and_is_idempotent(make_youth, entry_reason, capsys):
    youth = make_youth(birth=dt.date(2006, 11, 20))
    enrolment = Enrolment.objects.create(
        youth=youth, start_date=dt.date(2025, 1, 1), entry_reason=entry_reason
    )
    call_command("close_turned_20", "--date", "2026-11-22")
    assert "1 inskrivningar avslutades" in capsys.readouterr().out
    enrolment.refresh_from_db()
    assert enrolment.end_date == dt.date(2026, 11, 20)
    assert enrolment.exit_reason.key == "fyllt_20"
    call_command("close_turned_20", "--date", "2026-11-22")
    assert "0 inskrivningar avslutades" in capsys.readouterr().out


def test_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="ÅÅÅÅ-MM-DD"):
        call_command("close_turned_20", "--date", "22/11/2026")
