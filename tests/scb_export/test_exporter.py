"""The file built from the hand-built register: golden file, boundaries, determinism."""

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from scb_export import services
from scb_export.exporter import export_rows
from scb_export.periods import Period
from tests.scb_export.conftest import action, at, contact, enrol, youth
from youths.models import Youth

GOLDEN = Path(__file__).parent / "golden"
H1 = Period(2026, 1)


def build(municipality, period=H1, *, fmt="csv", layout=None, encoding=None, today=None):
    _version, the_layout = services.layout_for(period, layout)
    handle = io.BytesIO()
    result = services.export_build(
        municipality=municipality,
        youths=Youth.objects.filter(municipality=municipality),
        period=period,
        layout=the_layout,
        handle=handle,
        file_format=fmt,
        encoding=encoding,
        today=today or dt.date(2026, 8, 15),
    )
    return result, handle.getvalue()


def lines(data: bytes, encoding="utf-8") -> list[str]:
    return data.decode(encoding).split("\r\n")[:-1]


def test_golden_csv(register, home, fixed_today):
    result, data = build(home)
    assert result.errors == []
    assert data == (GOLDEN / "kaa-1880-2026H1.csv").read_bytes()
    counts = {block: result.block_counts.get(block, 0) for block in "12345"}
    assert counts == {"1": 0, "2": 4, "3": 2, "4": 1, "5": 2}
    assert result.youth_count == 3
    assert result.row_count == 8


def test_same_data_gives_identical_files(register, home, fixed_today):
    assert build(home)[1] == build(home)[1]
    first, second = build(home, fmt="xlsx")[1], build(home, fmt="xlsx")[1]
    assert first == second


def test_xlsx_has_the_same_rows_all_text(register, home, fixed_today):
    _result, data = build(home, fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    rows = [[value or "" for value in row] for row in sheet.iter_rows(max_col=12, values_only=True)]
    csv_rows = [line.split(";") for line in lines((GOLDEN / "kaa-1880-2026H1.csv").read_bytes())]
    assert rows == csv_rows
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type == "s" for cell in row if cell.value is not None)
    assert rows[1][0] == "1880"


def test_windows_1252_option(register, home, fixed_today):
    _result, data = build(home, encoding="windows-1252")
    assert data == (GOLDEN / "kaa-1880-2026H1.csv").read_bytes()  # ASCII-only content
    with pytest.raises(services.ExportError):
        build(home, encoding="latin-7")


def test_boundaries_30_june_in_1_july_out(register, home, fixed_today):
    text = build(home)[1].decode()
    assert "2026-06-30;21" in text
    assert "2026-07-01" not in text
    h2 = build(home, Period(2026, 2), today=dt.date(2026, 8, 15))[1].decode()
    assert "2026-07-01;22" in h2
    assert "2026-06-30" not in h2


def test_youth_turning_20_on_1_january(register, home, fixed_today):
    b = register["b"]
    h1 = [line for line in lines(build(home)[1]) if b.personnummer in line]
    assert h1 == [f"1880;{b.personnummer};2025-03-01;3;;;;;;;2026-01-01;4"]
    # In 2025H2 the youth was in the group all period, with no exit row yet.
    h2 = lines(build(home, Period(2025, 2))[1])
    assert [line for line in h2 if b.personnummer in line] == [
        f"1880;{b.personnummer};2025-03-01;3;;;;;;;;"
    ]


def test_action_running_from_previous_period_keeps_its_start(register, home, fixed_today):
    a = register["a"]
    rows = [line for line in lines(build(home)[1]) if a.personnummer in line]
    assert f"1880;{a.personnummer};2025-09-01;1;;;2;2025-11-10;;;;" in rows


def test_protected_identity_exports_only_what_the_file_needs(register, home, fixed_today):
    c = register["c"]
    _result, data = build(home)
    text = data.decode()
    for secret in ("Hemliga", "701 00", "Cilla", "Carlsson", "070-1740001"):
        assert secret not in text
    assert text.count(c.personnummer) == 3


def test_failed_attempts_and_guardian_contacts_are_not_reported(register, home, fixed_today):
    a = register["a"]
    rows = [line for line in lines(build(home)[1]) if a.personnummer in line]
    assert [r.split(";")[4] for r in rows if r.split(";")[4]] == ["2026-02-03", "2026-06-30"]


def test_two_contacts_on_one_day_with_same_occupation_are_one_row(home, fixed_today):
    y = youth(home, dt.date(2008, 2, 2), 111)
    enrol(y, dt.date(2026, 1, 5))
    contact(y, at(dt.date(2026, 2, 2), 9), "arbete")
    contact(y, at(dt.date(2026, 2, 2), 15), "arbete")
    result, _data = build(home)
    assert result.block_counts["2"] == 1


def test_youth_without_events_gets_block_1_only(home, fixed_today):
    y = youth(home, dt.date(2008, 2, 2), 112)
    enrol(y, dt.date(2026, 1, 5), "okand")
    assert lines(build(home)[1])[1:] == [f"1880;{y.personnummer};2026-01-05;9;;;;;;;;"]


def test_enrolment_ending_on_1_july_belongs_to_the_second_half(home, fixed_today):
    y = youth(home, dt.date(2008, 2, 2), 113)
    enrol(y, dt.date(2026, 1, 5), end=dt.date(2026, 7, 1), why="paborjat_nationellt")
    h1 = lines(build(home)[1])[1:]
    assert h1 == [f"1880;{y.personnummer};2026-01-05;1;;;;;;;;"]
    h2 = lines(build(home, Period(2026, 2))[1])[1:]
    assert h2 == [f"1880;{y.personnummer};2026-01-05;1;;;;;;;2026-07-01;1"]


def test_action_ending_after_the_period_has_no_block_4(home, fixed_today):
    y = youth(home, dt.date(2008, 2, 2), 114)
    enrol(y, dt.date(2026, 1, 5))
    action(y, "praktik", dt.date(2026, 6, 1), dt.date(2026, 7, 10), "arbete")
    h1 = lines(build(home)[1])[1:]
    assert h1 == [f"1880;{y.personnummer};2026-01-05;1;;;5;2026-06-01;;;;"]


def test_rows_stream_in_chunks_in_personnummer_order(register, home, fixed_today):
    version, layout = services.layout_for(H1)
    seen = []
    groups = export_rows(
        youths=Youth.objects.filter(municipality=home),
        period=H1,
        layout=layout,
        municipality_code="1880",
        chunk_size=1,
        progress=lambda done, total: seen.append((done, total)),
    )
    numbers = [group.personnummer for group in groups]
    assert numbers == sorted(numbers) and len(numbers) == 3
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
