"""python manage.py scb_export: exit codes, stderr lines, file and record."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scb_export.models import ExportRun
from tests.scb_export.conftest import contact, enrol, youth
from tests.scb_export.test_exporter import GOLDEN


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("scb_export", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_check_passes_and_writes_nothing(register, fixed_today, tmp_path):
    code, out, err = run("--municipality", "1880", "--period", "2026H1", "--check")
    assert code == 0
    assert err == ""
    assert "3 ungdomar, 8 rader" in out
    assert "WARNING ingen_kontakt 20060101-XXXX" in out
    assert not ExportRun.objects.exists()


def test_export_writes_the_file_and_records_it(register, fixed_today, tmp_path):
    target = tmp_path / "ut.csv"
    code, out, _err = run("--municipality", "1880", "--period", "2026H1", "--output", str(target))
    assert code == 0
    assert target.read_bytes() == (GOLDEN / "kaa-1880-2026H1.csv").read_bytes()
    run_ = ExportRun.objects.get()
    assert run_.status == ExportRun.Status.EXPORTED
    assert run_.preliminary is False
    assert run_.block_counts == {"1": 0, "2": 4, "3": 2, "4": 1, "5": 2}
    assert run_.layout_version.name == "kaa-scb-2018"
    assert run_.file.read() == target.read_bytes()
    assert run_.sha256 in out


def test_errors_exit_1_with_one_line_each_and_no_file(home, fixed_today, tmp_path):
    y = youth(home, dt.date(2008, 2, 2), 301)
    enrol(y, dt.date(2026, 1, 5))
    contact(y, dt.date(2026, 2, 2))
    contact(y, dt.date(2026, 3, 3))
    target = tmp_path / "ut.csv"
    for extra in (["--check"], ["--output", str(target)]):
        code, _out, err = run("--municipality", "1880", "--period", "2026H1", *extra)
        assert code == 1
        assert err.splitlines() == [
            "ERROR kontakt 20080202-XXXX Kontakten 2026-02-02 saknar ungdomens sysselsättning.",
            "ERROR kontakt 20080202-XXXX Kontakten 2026-03-03 saknar ungdomens sysselsättning.",
        ]
        assert y.personnummer not in err
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    assert not ExportRun.objects.exists()


def test_xlsx_and_preliminary_name(register, fixed_today, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _err = run("--municipality", "1880", "--period", "2026H2", "--format", "xlsx")
    assert code == 0
    assert "preliminär" in out
    assert (tmp_path / "preliminar-kaa-1880-2026H2.xlsx").exists()
    assert ExportRun.objects.get().preliminary is True


@pytest.mark.parametrize(
    "args, message",
    [
        (["--municipality", "9999", "--period", "2026H1"], "Okänd kommunkod"),
        (["--municipality", "1880", "--period", "2026-1"], "ÅÅÅÅH1"),
        (["--municipality", "1880", "--period", "2027H1"], "inte börjat"),
        (["--municipality", "1880", "--period", "2026H1", "--layout", "x"], "finns inte"),
    ],
)
def test_bad_arguments(db, fixed_today, args, message):
    with pytest.raises(CommandError, match=message) as raised:
        call_command("scb_export", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert raised.value.returncode == 2


def test_period_arithmetic():
    from scb_export.periods import Period

    assert Period.parse("2026h2") == Period(2026, 2)
    assert Period(2026, 2).previous == Period(2026, 1)
    assert Period(2026, 1).previous == Period(2025, 2)
    assert (Period(2026, 1).start, Period(2026, 1).end) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 6, 30),
    )
    assert (Period(2026, 2).start, Period(2026, 2).end) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 12, 31),
    )
    assert Period.containing(dt.date(2026, 7, 1)) == Period(2026, 2)
    assert not Period(2026, 1).is_finished(dt.date(2026, 6, 30))
    assert Period(2026, 1).is_finished(dt.date(2026, 7, 1))
