"""Import services: no query per row in validation, idempotent apply, chunked resume."""

import datetime as dt
import gc

import pytest

from kaa.models import AuditEvent
from tests.conftest import valid_personnummer
from tests.youths.imports.conftest import (
    INFLYTTADE_HEADER,
    SCHOOL_HEADER,
    csv_bytes,
    inflyttad,
    notice,
)
from youths.imports import columns, plan, reader, services, validate
from youths.imports.models import ImportBatch, ImportKind, ImportRow, MoveIn
from youths.models import Verification, Youth
from youths.summary import CaseSummary, case_summary_refresh


def _rows(n, start=dt.date(2008, 1, 1)):
    return [INFLYTTADE_HEADER] + [
        inflyttad(valid_personnummer(start + dt.timedelta(days=i))) for i in range(n)
    ]


def test_validation_runs_no_query_per_row(db, other_municipality, django_assert_num_queries):
    rows = _rows(2000)
    header, mapping = columns.find_header(ImportKind.INFLYTTADE, rows)
    with django_assert_num_queries(0):
        parsed = validate.validate(
            rows,
            kind=ImportKind.INFLYTTADE,
            header_index=header,
            mapping=mapping,
            today=dt.date(2026, 11, 22),
            municipality=other_municipality,
        )
    assert len(parsed) == 2000 and not any(r.errors for r in parsed)


def test_plan_queries_do_not_grow_with_rows(db, other_municipality, django_assert_max_num_queries):
    for n in (10, 3000):
        rows = _rows(n)
        header, mapping = columns.find_header(ImportKind.INFLYTTADE, rows)
        parsed = validate.validate(
            rows,
            kind=ImportKind.INFLYTTADE,
            header_index=header,
            mapping=mapping,
            today=dt.date(2026, 11, 22),
            municipality=other_municipality,
        )
        with django_assert_max_num_queries(4):
            plan.plan(
                parsed,
                kind=ImportKind.INFLYTTADE,
                municipality_id=other_municipality.pk,
                today=dt.date(2026, 11, 22),
            )


def _upload(municipality, content, user=None):
    batch, _ = services.import_batch_upload(
        acting_user=user,
        municipality=municipality,
        kind=ImportKind.INFLYTTADE,
        file_name="lista.csv",
        content=content,
    )
    return services.import_batch_preview(batch_id=batch.pk, today=dt.date(2026, 11, 22))


def test_apply_twice_and_resume_after_a_lost_chunk(db, other_municipality, settings):
    settings.IMPORT_APPLY_CHUNK = 7
    batch = _upload(other_municipality, csv_bytes(_rows(40)))
    assert batch.status == ImportBatch.Status.PREVIEW
    # A worker applied the first chunks and died: simulate by applying, then forgetting
    # the later chunks (as a rollback would), and leaving the batch "applying".
    services.import_batch_apply(batch_id=batch.pk, today=dt.date(2026, 11, 22))
    assert Youth.objects.count() == 40
    first = ImportRow.objects.filter(batch=batch, number__lt=16)
    assert first.filter(applied_at__isnull=False).count() == first.count()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.APPLYING)
    again = services.import_batch_apply(batch_id=batch.pk, today=dt.date(2026, 11, 22))
    assert again.applied_counts["created"] == 40
    assert Youth.objects.count() == 40
    assert MoveIn.objects.count() == 40
    assert Verification.objects.count() == 40
    assert AuditEvent.objects.filter(action="youth.create").count() == 40
    assert not ImportRow.objects.filter(batch=batch, applied_at__isnull=True).exists()


def test_cells_with_copy_control_characters_are_stored_as_written(db, other_municipality):
    # The rows reach PostgreSQL as COPY text, where a backslash, tab or line break is
    # an escape or a separator unless escaped itself.
    row = inflyttad(valid_personnummer(dt.date(2008, 5, 5)))
    row[3] = '"C:\\N\tgatan\r\n1"'
    batch = _upload(other_municipality, csv_bytes([INFLYTTADE_HEADER, row]))
    stored = ImportRow.objects.get(batch=batch)
    assert stored.values[3] == "C:\\N\tgatan\r\n1"
    assert stored.street_address == "C:\\N gatan 1"
    assert stored.action == ImportRow.Action.CREATE


def test_a_preview_written_in_chunks_stores_every_row_once(db, other_municipality, monkeypatch):
    # Each chunk is written on a second thread while the next one is validated: small
    # chunks make several, and a personnummer seen in an earlier chunk is still found.
    monkeypatch.setattr(services, "PREVIEW_CHUNK", 7)
    rows = _rows(30)
    rows.append(list(rows[3]))  # row 4 of the file again, as row 32
    batch = _upload(other_municipality, csv_bytes(rows))
    stored = ImportRow.objects.filter(batch=batch)
    assert sorted(stored.values_list("number", flat=True)) == list(range(2, 33))
    assert batch.preview_counts["rows"] == 31
    assert batch.preview_counts["created"] == 30 and batch.preview_counts["error_rows"] == 1
    assert stored.get(number=32).errors == [
        {"column": "Personnummer", "message": "Personnumret förekommer redan på rad 4."}
    ]
    # The rows' key to their batch is checked at commit again, as Django declares it:
    # a row whose batch does not exist yet is refused only then, not on insert.
    orphan = ImportRow.objects.create(batch_id=batch.pk + 1000, number=1, action="error")
    orphan.delete()
    assert gc.isenabled()  # paused while the rows were written, and on again


def test_a_file_that_breaks_after_chunks_were_written_stores_nothing(
    db, other_municipality, monkeypatch
):
    # Chunks already written (or being written) when a row further down cannot be read
    # go with the rest of the preview's transaction.
    monkeypatch.setattr(services, "PREVIEW_CHUNK", 7)
    broken = inflyttad(valid_personnummer(dt.date(2009, 1, 1)))
    broken[3] = "x" * 200_000
    with pytest.raises(reader.UnreadableFile):
        _upload(other_municipality, csv_bytes([*_rows(30), broken]))
    assert ImportBatch.objects.get().status == ImportBatch.Status.UNREADABLE
    assert not ImportRow.objects.exists()
    assert gc.isenabled()


def test_previewing_a_file_again_does_not_load_its_rows(
    db, other_municipality, django_assert_max_num_queries
):
    # The same file uploaded again before it was applied: its rows are replaced in one
    # statement, not loaded and deleted a hundred at a time.
    for n in (5, 3000):
        batch = _upload(other_municipality, csv_bytes(_rows(n)))
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.UPLOADED)
        with django_assert_max_num_queries(20):
            again = services.import_batch_preview(batch_id=batch.pk, today=dt.date(2026, 11, 22))
        assert again.status == ImportBatch.Status.PREVIEW and again.preview_counts["rows"] == n
        assert ImportRow.objects.filter(batch=batch).count() == n


def test_bulk_created_youths_derive_dates_like_save(db, other_municipality):
    batch = _upload(other_municipality, csv_bytes(_rows(3)))
    services.import_batch_apply(batch_id=batch.pk, today=dt.date(2026, 11, 22))
    for youth in Youth.objects.all():
        expected = Youth(personnummer=youth.personnummer)
        expected.derive_dates()
        assert (youth.birth_date, youth.turns_20_on) == (expected.birth_date, expected.turns_20_on)


def test_only_administrators_import(db, home, coordinator, administrator):
    import pytest
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _upload(home, csv_bytes(_rows(1)), user=coordinator)
    assert _upload(home, csv_bytes(_rows(1)), user=administrator).status == "preview"


def test_xlsx_rows_keep_the_sheets_row_and_column_numbers(tmp_path):
    """Rows are read one at a time; a sheet whose data starts below and right of A1 still
    gives indexes that are the sheet's rows and columns (row numbers in error messages)."""
    from openpyxl import Workbook

    from youths.imports import reader

    workbook = Workbook()
    sheet = workbook.active
    sheet["C2"] = "Inflyttade"
    sheet["B4"], sheet["C4"] = "Personnummer", "Inflyttningsdatum"
    sheet["B5"], sheet["C5"] = 200801011234, dt.date(2026, 1, 2)
    sheet["D7"] = "sist"
    path = tmp_path / "lista.xlsx"
    workbook.save(path)
    rows = list(
        reader.iter_rows(path.read_bytes(), file_name="lista.xlsx", kind=ImportKind.INFLYTTADE)
    )
    assert len(rows) == 7
    assert rows[1][2] == "Inflyttade"
    assert rows[3][1:3] == ["Personnummer", "Inflyttningsdatum"]
    assert rows[4][1:3] == [200801011234, dt.date(2026, 1, 2)]
    assert rows[6][3] == "sist"
    assert columns.find_header(ImportKind.INFLYTTADE, rows)[0] == 3


@pytest.mark.summary_by_services
def test_new_youths_get_the_casework_summary_a_refresh_computes(db, other_municipality):
    # Applying writes the summary rows of the youths it creates straight from the chunk;
    # they must be the rows case_summary_refresh computes from the source tables.
    today = dt.date(2026, 11, 22)
    known = Youth.objects.create(
        municipality=other_municipality, personnummer=valid_personnummer(dt.date(2008, 3, 3))
    )
    _upload(other_municipality, csv_bytes(_rows(3) + [inflyttad(known.personnummer)]))
    inflyttade = ImportBatch.objects.get(kind=ImportKind.INFLYTTADE)
    services.import_batch_apply(batch_id=inflyttade.pk, today=today)
    notices = [
        SCHOOL_HEADER,
        notice(valid_personnummer(dt.date(2008, 6, 1)), event="avbrott"),
        notice(valid_personnummer(dt.date(2008, 6, 2)), event="franvaro"),
    ]
    batch, _ = services.import_batch_upload(
        acting_user=None,
        municipality=other_municipality,
        kind=ImportKind.SCHOOL_EVENTS,
        file_name="avbrott.csv",
        content=csv_bytes(notices),
    )
    services.import_batch_preview(batch_id=batch.pk, today=today)
    services.import_batch_apply(batch_id=batch.pk, today=today)

    ids = list(Youth.objects.values_list("pk", flat=True))
    assert len(ids) == 6
    written = {row["youth_id"]: row for row in CaseSummary.objects.values()}
    assert sorted(written) == sorted(ids)
    opened = {pk for pk, row in written.items() if row["verification_opened_on"] == today}
    assert len(opened) == 5  # every youth but the one with only a frånvaro
    case_summary_refresh(ids)
    assert {row["youth_id"]: row for row in CaseSummary.objects.values()} == written
