"""The layout is data: columns, formats, file settings and code lists."""

import copy
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from kaa.codelists import CodeListError, read_layout
from kaa.models import Code, CodeListVersion
from kaa.reference_data import FIRST_LAYOUT
from scb_export import services
from scb_export.layout import Layout, LayoutError, validate_layout
from scb_export.periods import Period
from youths.models import Youth

FIRST = json.loads(FIRST_LAYOUT.read_text(encoding="utf-8"))


def test_first_layout_is_stored_with_columns_and_file_settings(db):
    version = CodeListVersion.objects.get(name="kaa-scb-2018")
    layout = Layout.load(version)
    assert layout.header[:4] == [
        "Kommun",
        "Personnummer",
        "Registreringsdatum",
        "OrsakRegistrering",
    ]
    assert len(layout.columns) == 12
    assert layout.separator == ";"
    assert layout.encodings == ["utf-8", "windows-1252"]
    assert layout.code_lists["orsak_upphort"]["4"] == "fyllt_20"


def test_code_key_is_unique_in_a_list_of_a_version(db):
    code = Code.objects.filter(version__name="kaa-scb-2018", list_name="atgard").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Code.objects.create(
            version=code.version, list_name="atgard", value="77", label="Ny", key=code.key
        )
    # Codes without a key may share the empty key.
    Code.objects.create(version=code.version, list_name="atgard", value="78", label="A")
    Code.objects.create(version=code.version, list_name="atgard", value="79", label="B")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["columns"].pop(1), "obligatoriska"),
        (lambda d: d["columns"][4].update(field="nagot"), "okänt fält"),
        (lambda d: d["columns"][2].update(format="code"), "formatet"),
        (lambda d: d["columns"].append(dict(d["columns"][0])), "två gånger"),
        (lambda d: d["file"].update(encoding="klingon"), "teckenkodning"),
        (lambda d: d["file"].update(separator=";;"), "separator"),
        (lambda d: d["columns"][3].update(code_list="atgard"), "kodlistan"),
    ],
)
def test_bad_layouts_are_refused_with_a_reason(change, message):
    data = copy.deepcopy(FIRST)
    change(data)
    with pytest.raises(LayoutError, match=message):
        validate_layout({"file": data["file"], "columns": data["columns"]})


def test_layout_file_with_duplicate_keys_is_refused(tmp_path):
    data = copy.deepcopy(FIRST)
    data["code_lists"]["atgard"][1]["key"] = data["code_lists"]["atgard"][0]["key"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CodeListError, match="key"):
        read_layout(path)


def made_up_layout() -> dict:
    """Another column order and names, dates without dashes, personnummer with a dash, a
    comma, and a renumbered sysselsättning list (same meanings, other codes)."""
    data = copy.deepcopy(FIRST)
    data["version"] = "kaa-scb-2027-test"
    data["valid_from"] = "2027-01-01"
    data["file"] = {"separator": ",", "encoding": "utf-8", "date_format": "%Y%m%d"}
    by_field = {c["field"]: c for c in data["columns"]}
    order = [
        ("personnummer", "PNR", "personnummer13"),
        ("kommun", "KOMMUN", "kommunkod"),
        ("orsak_registrering", "ORSAK", "code"),
        ("registreringsdatum", "REGDAT", "date"),
        ("upphort_datum", "SLUTDAT", "date"),
        ("orsak_upphort", "SLUTORSAK", "code"),
        ("kontaktdatum", "KONTDAT", "date"),
        ("sysselsattning_kontakt", "KONTSYSS", "code"),
        ("atgard", "ATG", "code"),
        ("atgard_start", "ATGSTART", "date"),
        ("atgard_slut", "ATGSLUT", "date"),
        ("sysselsattning_efter_atgard", "ATGSYSS", "code"),
    ]
    data["columns"] = [
        {**by_field[field], "name": name, "format": fmt} for field, name, fmt in order
    ]
    for code in data["code_lists"]["sysselsattning"]:
        code["value"] = "S" + code["value"]
    return data


def test_a_second_layout_exports_the_same_data_without_code_change(
    register, home, tmp_path, fixed_today
):
    path = tmp_path / "kaa-scb-2027-test.json"
    path.write_text(json.dumps(made_up_layout(), ensure_ascii=False), encoding="utf-8")
    call_command("load_code_lists", str(path), stdout=io.StringIO())
    version, layout = services.layout_for(Period(2026, 1), "kaa-scb-2027-test")
    handle = io.BytesIO()
    result = services.export_build(
        municipality=home,
        youths=Youth.objects.filter(municipality=home),
        period=Period(2026, 1),
        layout=layout,
        handle=handle,
        today=dt.date(2026, 8, 15),
    )
    assert result.errors == []
    lines = handle.getvalue().decode().split("\r\n")
    assert lines[0] == (
        "PNR,KOMMUN,ORSAK,REGDAT,SLUTDAT,SLUTORSAK,KONTDAT,KONTSYSS,ATG,ATGSTART,ATGSLUT,ATGSYSS"
    )
    assert "20060101-4566,1880,3,20250301,20260101,4,,,,,," in lines
    assert "20080310-1237,1880,1,20250901,,,20260203,S40,,,," in lines
    assert "20080310-1237,1880,1,20250901,,,,,7,20260301,20260531,S13" in lines
    assert len(lines) == 10  # header, 8 rows, final line break
