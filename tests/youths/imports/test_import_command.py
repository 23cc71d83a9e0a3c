"""The `import_list` command: the sample files, bad files, exit codes and JSON."""

import datetime as dt
import json
import subprocess
import sys

import pytest
from django.core.management import call_command

from tests.conftest import valid_personnummer
from tests.youths.imports.conftest import (
    AVBROTT,
    EXPECTED,
    INFLYTTADE,
    INFLYTTADE_HEADER,
    LEKEBERG,
    SCHOOL_HEADER,
    csv_bytes,
    inflyttad,
    notice,
    xlsx_bytes,
)
from youths.imports.models import ImportBatch, MoveIn, SchoolNotice
from youths.models import Verification, Youth

KEYS = [
    "batch",
    "status",
    "rows",
    "errors",
    "created",
    "updated",
    "unchanged",
    "to_verify",
    "skipped",
]


def run(path, kind="inflyttade", *extra):
    """The command in this process (sees the test transaction); returns (code, json, stderr)."""
    import io

    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command(
            "import_list",
            "--municipality",
            LEKEBERG,
            "--kind",
            kind,
            *extra,
            str(path),
            stdout=out,
            stderr=err,
        )
    except SystemExit as exit_:
        code = exit_.code
    text = out.getvalue().strip()
    return code, (json.loads(text) if text else None), err.getvalue()


def test_inflyttade_sample_preview_then_apply_then_again(db, sample_day):
    expected = EXPECTED["_summary_on_2026-11-22"]["inflyttade_exempel.xlsx"]
    code, preview, _ = run(INFLYTTADE)
    assert code == 0
    assert list(preview) == KEYS
    assert preview["status"] == "preview"
    assert preview["rows"] == expected["rows"] == 120
    assert preview["errors"] == []
    assert (preview["created"], preview["to_verify"]) == (94, 94)
    assert preview["skipped"] == expected["skipped"]
    assert not Youth.objects.exists()  # a preview writes nothing but the batch

    code, applied, _ = run(INFLYTTADE, "inflyttade", "--apply")
    assert code == 0
    assert applied["batch"] == preview["batch"]
    assert applied["status"] == "applied"
    assert (applied["created"], applied["to_verify"], applied["unchanged"]) == (94, 94, 0)
    assert Youth.objects.filter(municipality__code=LEKEBERG).count() == 94
    assert Verification.objects.filter(resolved_on__isnull=True, source="inflyttade").count() == 94
    assert MoveIn.objects.count() == 94
    abroad = MoveIn.objects.filter(from_abroad=True).select_related("verification")
    assert abroad and all(
        m.verification.suggested_code == "folkbokford_efter_skolplikt" for m in abroad
    )

    # The same file again is recognised: same batch, nothing created or doubled.
    code, again, _ = run(INFLYTTADE, "inflyttade", "--apply")
    assert again["batch"] == preview["batch"]
    assert (again["created"], again["unchanged"], again["to_verify"]) == (0, 94, 0)
    assert Youth.objects.count() == 94 and MoveIn.objects.count() == 94
    assert Verification.objects.count() == 94
    assert ImportBatch.objects.count() == 1


def test_school_notice_sample(db, sample_day):
    expected = EXPECTED["_summary_on_2026-11-22"]["avbrott_exempel.csv"]
    code, result, _ = run(AVBROTT, "skolhandelser", "--apply")
    assert code == 0
    assert result["rows"] == expected["rows"] and result["errors"] == []
    assert SchoolNotice.objects.count() == expected["notices"]
    by_event = {"avbrott": 0, "börjat": 0, "frånvaro": 0}
    for n in SchoolNotice.objects.all():
        by_event[{"avbrott": "avbrott", "borjat": "börjat", "franvaro": "frånvaro"}[n.event]] += 1
    assert by_event == expected["by_event"]
    # Dropouts put the youth on "att utreda" with the notice attached; nobody else.
    assert result["to_verify"] == 12
    dropped = SchoolNotice.objects.filter(event="avbrott")
    assert all(n.verification_id and not n.verification.resolved_on for n in dropped)
    assert not SchoolNotice.objects.filter(event="franvaro", verification__isnull=False).exists()
    code, again, _ = run(AVBROTT, "skolhandelser", "--apply")
    assert (again["created"], again["to_verify"]) == (0, 0)
    assert SchoolNotice.objects.count() == 30


def test_real_command_line_exit_2_and_nothing_on_stdout(db, tmp_path):
    # The real command line against the test database; a file that is not there is a
    # file that cannot be read (nothing is written before the file is read).
    import os

    from django.db import connection

    db_settings = connection.settings_dict
    url = f"postgres://{db_settings['USER']}@{db_settings['HOST']}:{db_settings['PORT']}/{db_settings['NAME']}"
    proc = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "import_list",
            "--municipality",
            LEKEBERG,
            "--kind",
            "inflyttade",
            str(tmp_path / "saknas.xlsx"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url},
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Filen kunde inte läsas" in proc.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "tom"),
        (b"%PDF-1.4\x00\x00", "xlsx"),
        (b"PK\x03\x04garbage-not-a-zip", "skadad"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "lösenordsskyddad"),
        (csv_bytes([INFLYTTADE_HEADER]), "bara en rubrikrad"),
        (csv_bytes([["Hej", "svejs"], ["a", "b"]]), "rubrikrad"),
    ],
    ids=["empty", "not-xlsx-or-csv", "corrupt-xlsx", "password", "only-header", "no-header"],
)
def test_bad_files_exit_2_with_swedish_message_and_nothing_applied(db, tmp_path, content, message):
    path = tmp_path / ("lista.xlsx" if content.startswith(b"PK") else "lista.bin")
    path.write_bytes(content)
    code, out, err = run(path)
    assert code == 2
    assert out is None
    assert message in err
    assert not Youth.objects.exists()


def test_a_csv_that_breaks_below_its_first_rows_stores_nothing(db, tmp_path, sample_day):
    # Rows are read as they are validated: a row that cannot be parsed far down the file
    # (a field over the csv module's limit) still makes the whole file unreadable.
    good = [
        inflyttad(valid_personnummer(dt.date(2008, 1, 1) + dt.timedelta(days=i))) for i in range(40)
    ]
    broken = inflyttad(valid_personnummer(dt.date(2009, 1, 1)))
    broken[3] = "x" * 200_000
    path = tmp_path / "lista.csv"
    path.write_bytes(csv_bytes([INFLYTTADE_HEADER, *good, broken]))
    code, out, err = run(path, "inflyttade", "--apply")
    assert code == 2 and out is None
    assert "skadad" in err
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.UNREADABLE
    assert not batch.rows.exists() and not Youth.objects.exists()


def test_over_the_size_limit(db, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 100
    path = tmp_path / "lista.csv"
    path.write_bytes(csv_bytes([INFLYTTADE_HEADER] + [inflyttad("x")] * 5))
    code, out, err = run(path)
    assert code == 2 and "för stor" in err


def test_missing_column_is_named(db, tmp_path):
    path = tmp_path / "lista.csv"
    header = [h for h in INFLYTTADE_HEADER if h != "Efternamn"]
    path.write_bytes(csv_bytes([header, ["x"] * len(header)]))
    code, out, err = run(path)
    assert code == 2
    assert "Efternamn" in err


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_encodings_and_delimiters(db, tmp_path, sample_day, encoding, delimiter):
    pnr = valid_personnummer(dt.date(2008, 3, 3))
    rows = [INFLYTTADE_HEADER, inflyttad(pnr, first="Åsa", last="Öberg", origin="Utlandet")]
    path = tmp_path / "lista.csv"
    path.write_bytes(csv_bytes(rows, delimiter=delimiter, encoding=encoding))
    code, out, _ = run(path, "inflyttade", "--apply")
    assert code == 0 and out["errors"] == [] and out["created"] == 1
    youth = Youth.objects.get()
    assert (youth.first_name, youth.last_name) == ("Åsa", "Öberg")


def test_messy_xlsx_title_rows_aliases_order_excel_numbers_and_dates(db, tmp_path, sample_day):
    born = dt.date(2008, 1, 9)
    pnr = valid_personnummer(born)  # 2008...: as YYMMDDNNNN it starts with 0
    as_integer = int(pnr[2:])  # Excel dropped the leading zero: 9 digits
    other = valid_personnummer(dt.date(2007, 6, 1))
    rows = [
        ["Inflyttade till Lekebergs kommun"],
        ["Uttag 2026-11-20"],
        [],
        [
            "Postort",
            "Tilltalsnamn",
            "Pnr",
            "Efternamn",
            "Adress",
            "Postnr",
            "Folkbokföringsdatum",
            "Från",
        ],
        ["Fjugesta", "Kim", as_integer, "Ek", "Väg 1", 71630, dt.datetime(2026, 10, 1), "Kumla"],
        ["Fjugesta", "Alex", other, "Berg", "Väg 2", "716 30", 46300, "Kumla"],
        [None] * 8,
        ["Fjugesta", "Dubbel", other, "Berg", "Väg 2", "716 30", "2026-10-02", "Kumla"],
        ["Fjugesta", "Fel", "123", "Datum", "Väg 3", "716 30", "1/10/2026", "Kumla"],
    ]
    path = tmp_path / "lista.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    code, out, _ = run(path)
    assert code == 0
    assert out["rows"] == 4  # the blank row is not counted
    errors = {(e["row"], e["column"]) for e in out["errors"]}
    assert (8, "Pnr") in errors
    assert any("förekommer redan på rad 6" in e["message"] for e in out["errors"])
    assert (9, "Pnr") in errors and (9, "Folkbokföringsdatum") in errors
    assert out["created"] == 2
    code, out, _ = run(path, "inflyttade", "--apply")
    kim = Youth.objects.get(personnummer=pnr)
    assert kim.postal_code == "71630"
    assert kim.move_ins.get().moved_in_on == dt.date(2026, 10, 1)
    # 46300 is an Excel serial number: 2026-10-05 (45658 is 2025-01-01).
    assert Youth.objects.get(personnummer=other).move_ins.get().moved_in_on == dt.date(2026, 10, 5)


def test_formulas_are_never_evaluated(db, tmp_path, sample_day):
    pnr = valid_personnummer(dt.date(2008, 3, 3))
    row = inflyttad(pnr)
    row[3] = '=HYPERLINK("http://example.invalid","klicka")'
    path = tmp_path / "lista.xlsx"
    path.write_bytes(xlsx_bytes([INFLYTTADE_HEADER, row]))
    code, out, _ = run(path, "inflyttade", "--apply")
    assert code == 0 and out["created"] == 1
    # No cached value in the file: the address is empty, never the formula or its result.
    assert Youth.objects.get().street_address == ""


def test_school_events_rules(
    db, tmp_path, sample_day, make_youth, other_municipality, entry_reason
):
    from youths.models import Enrolment

    enrolled = make_youth(municipality=other_municipality, birth=dt.date(2008, 2, 2))
    Enrolment.objects.create(
        youth=enrolled, start_date=dt.date(2026, 8, 1), entry_reason=entry_reason
    )
    a, b, c = (valid_personnummer(dt.date(2008, 4, 4 + i)) for i in range(3))
    rows = [
        SCHOOL_HEADER,
        notice(a, event="avbrott", program="IMA"),
        notice(b, event="frånvaro"),
        notice(enrolled.personnummer, event="börjat", program="NA"),
        notice(c, event="slutat", program="EE"),
    ]
    path = tmp_path / "skola.csv"
    path.write_bytes(csv_bytes(rows))
    code, out, _ = run(path, "skolhandelser", "--apply")
    assert out["errors"] == [] and out["created"] == 3 and out["updated"] == 1
    assert out["to_verify"] == 3
    va = Youth.objects.get(personnummer=a).verifications.get()
    assert va.suggested_code == "introduktionsprogram" and va.notices.count() == 1
    assert (
        Youth.objects.get(personnummer=c).verifications.get().suggested_code == "avbrott_nationellt"
    )
    assert not Youth.objects.get(personnummer=b).verifications.exists()
    started = enrolled.verifications.get()
    assert started.suggested_code == "paborjat_nationellt"
    assert Enrolment.objects.get(youth=enrolled).end_date is None  # only suggested

    # A second notice for a youth already "att utreda" attaches to the open verification.
    path2 = tmp_path / "skola2.csv"
    path2.write_bytes(
        csv_bytes(
            [
                SCHOOL_HEADER,
                notice(a, event="frånvaro", date="2026-11-10"),
                notice(a, event="avbrott", date="2026-11-12", code="87654321"),
            ][0:1]
            + [notice(a, event="avbrott", date="2026-11-12", code="87654321")]
        )
    )
    code, out, _ = run(path2, "skolhandelser", "--apply")
    assert out["to_verify"] == 1 and out["updated"] == 1
    assert va.notices.count() == 2
    assert Youth.objects.get(personnummer=a).verifications.count() == 1


def test_resolved_verification_is_not_reopened_by_the_same_list(
    db, tmp_path, sample_day, administrator
):
    pnr = valid_personnummer(dt.date(2008, 3, 3))
    path = tmp_path / "lista.csv"
    path.write_bytes(csv_bytes([INFLYTTADE_HEADER, inflyttad(pnr)]))
    run(path, "inflyttade", "--apply")
    verification = Verification.objects.get()
    verification.resolved_on = dt.date(2026, 11, 22)
    verification.outcome = Verification.Outcome.NOT_IN_GROUP
    verification.save()
    # Another file (one more row) with the same move-in: the known move-in opens nothing.
    other = valid_personnummer(dt.date(2008, 3, 4))
    path.write_bytes(csv_bytes([INFLYTTADE_HEADER, inflyttad(pnr), inflyttad(other)]))
    code, out, _ = run(path, "inflyttade", "--apply")
    assert (out["created"], out["unchanged"], out["to_verify"]) == (1, 1, 1)
    assert Verification.objects.filter(youth__personnummer=pnr).count() == 1


def test_newer_move_in_updates_only_with_newer_data(db, tmp_path, sample_day):
    pnr = valid_personnummer(dt.date(2008, 3, 3))
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([INFLYTTADE_HEADER, inflyttad(pnr, date="2026-10-01")]))
    run(path, "inflyttade", "--apply")
    older = inflyttad(pnr, date="2026-09-01")
    older[3] = "Gammal väg 9"
    path.write_bytes(csv_bytes([INFLYTTADE_HEADER, older]))
    code, out, _ = run(path, "inflyttade", "--apply")
    assert (out["updated"], out["unchanged"]) == (0, 1)
    assert Youth.objects.get().street_address == "Storgatan 1"
    newer = inflyttad(pnr, date="2026-11-01")
    newer[3] = "Ny väg 2"
    path.write_bytes(csv_bytes([INFLYTTADE_HEADER, newer]))
    code, out, _ = run(path, "inflyttade", "--apply")
    assert out["updated"] == 1
    assert Youth.objects.get().street_address == "Ny väg 2"


def test_wrong_user_or_municipality(db, tmp_path, coordinator):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([INFLYTTADE_HEADER, inflyttad("x")]))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("import_list", "--municipality", "9999", "--kind", "inflyttade", str(path))
    with pytest.raises(CommandError):
        call_command(
            "import_list",
            "--municipality",
            "1880",
            "--kind",
            "inflyttade",
            "--user",
            coordinator.username,
            str(path),
        )
