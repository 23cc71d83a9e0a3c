"""Helpers for import tests: sample files and files built on the fly."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
import time_machine
from openpyxl import Workbook

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
INFLYTTADE = FIXTURES / "inflyttade_exempel.xlsx"
AVBROTT = FIXTURES / "avbrott_exempel.csv"
EXPECTED = json.loads((FIXTURES / "expected_exempel.json").read_text(encoding="utf-8"))
SAMPLE_DAY = dt.datetime(2026, 11, 22, 12, 0)
LEKEBERG = "1814"

INFLYTTADE_HEADER = [
    "Personnummer",
    "Förnamn",
    "Efternamn",
    "Utdelningsadress",
    "Postnummer",
    "Postort",
    "Inflyttningsdatum",
    "Inflyttad från",
]
SCHOOL_HEADER = [
    "Personnummer",
    "Namn",
    "Skola",
    "Skolenhetskod",
    "Huvudman",
    "Program",
    "Händelse",
    "Datum",
    "Kontaktperson",
]


@pytest.fixture
def sample_day():
    with time_machine.travel(SAMPLE_DAY, tick=False):
        yield SAMPLE_DAY.date()


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], *, delimiter=";", encoding="utf-8") -> bytes:
    text = "\r\n".join(delimiter.join(str(c) for c in row) for row in rows) + "\r\n"
    return text.encode(encoding)


def inflyttad(pnr: str, *, first="Testa", last="Flytt", date="2026-10-01", origin="Örebro"):
    return [pnr, first, last, "Storgatan 1", "716 30", "Fjugesta", date, origin]


def notice(pnr: str, *, event="avbrott", program="NA", date="2026-11-02", code="12345678"):
    return [
        pnr,
        "Testa Elev",
        "Lekebergsskolan",
        code,
        "Lekebergs kommun",
        program,
        event,
        date,
        "SYV",
    ]
