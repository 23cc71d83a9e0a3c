"""Writing a batch's rows: COPY on PostgreSQL, bulk_create elsewhere (SQLite for `make run`)."""

from __future__ import annotations

import io
import json

from django.db import connection

from youths.imports.models import ImportRow

_TEXT = (
    "personnummer",
    "first_name",
    "last_name",
    "street_address",
    "postal_code",
    "postal_town",
    "phone",
    "email",
    "moved_from",
    "school_code",
    "school_name",
    "principal",
    "program",
    "event",
    "contact_person",
)
_DATES = ("birth_date", "turns_20_on", "event_date")
COLUMNS = (
    "batch_id",
    "number",
    "values",
    "errors",
    *_TEXT,
    *_DATES,
    "from_abroad",
    "action",
    "verify_reason",
    "suggested_code",
    "to_verify",
    "result",
    "new_event",
    "opened_verification",
)


def _fields(batch_id: int, row) -> dict:
    data = row.data
    values = {name: data.get(name, "") or "" for name in _TEXT}
    values.update({name: data.get(name) for name in _DATES})
    values.update(
        batch_id=batch_id,
        number=row.number,
        values=row.values,
        errors=row.errors,
        from_abroad=bool(data.get("from_abroad")),
        action=row.action,
        verify_reason=row.verify_reason[:200],
        suggested_code=row.suggested_code,
        to_verify=bool(data.get("to_verify")),
        result="",
        new_event=False,
        opened_verification=False,
    )
    return values


def _text(value: str) -> str:
    # Most cells hold none of these: the four scans cost less than one translate().
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t")
        return value.replace("\n", "\\n").replace("\r", "\\r")
    return value


def _line(batch: str, row) -> str:
    """One line of COPY text for a row, in the order of COLUMNS."""
    data = row.data
    get = data.get
    parts = [
        batch,
        str(row.number),
        _text(json.dumps(row.values, ensure_ascii=False)),
        _text(json.dumps(row.errors, ensure_ascii=False)) if row.errors else "[]",
    ]
    parts.extend(_text(get(name) or "") for name in _TEXT)
    for name in _DATES:
        day = get(name)
        parts.append(day.isoformat() if day is not None else "\\N")
    parts.append("t" if get("from_abroad") else "f")
    parts.append(row.action)
    parts.append(_text(row.verify_reason[:200]))
    parts.append(_text(row.suggested_code))
    parts.append("t" if get("to_verify") else "f")
    parts.extend(("", "f", "f"))  # result, new_event, opened_verification
    return "\t".join(parts)


def insert_rows(batch_id: int, rows) -> None:
    """Write one chunk of parsed rows (with their plan): the rows are written once."""
    if connection.vendor != "postgresql":
        ImportRow.objects.bulk_create(
            (ImportRow(**_fields(batch_id, row)) for row in rows), batch_size=1000
        )
        return
    table = ImportRow._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(name) for name in COLUMNS)
    batch = str(batch_id)
    buffer = io.StringIO()
    for row in rows:
        buffer.write(_line(batch, row))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", buffer)


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL's autovacuum lags behind)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Only the columns applying selects on: the statistics of the wide original
            # values would cost most of the time of the ANALYZE.
            cursor.execute(
                f"ANALYZE {ImportRow._meta.db_table} (batch_id, number, action, applied_at)"
            )


def delete_rows(batch_id: int) -> None:
    """Forget the rows of a batch none of whose rows are applied (its file previewed
    again). One statement: the ORM's delete() would load every row to set the move-ins
    and notices that point at them to NULL, and nothing points at a row not applied
    (the database's own foreign keys refuse the delete if something did)."""
    with connection.cursor() as cursor:
        table = ImportRow._meta.db_table  # a constant: the value is a parameter
        cursor.execute(f"DELETE FROM {table} WHERE batch_id = %s", [batch_id])  # noqa: S608


def reset_applied(batch_id: int) -> None:
    """Before replanning rows already stored (the same file uploaded again): forget what
    applying recorded."""
    ImportRow.objects.filter(batch_id=batch_id).update(
        result="", new_event=False, opened_verification=False, applied_at=None, to_verify=False
    )


def update_plan(batch_id: int, rows) -> None:
    """Replan one chunk of rows already stored: set action and to_verify in a few set
    updates (one per distinct pair)."""
    rows_of_batch = ImportRow.objects.filter(batch_id=batch_id)
    groups: dict[tuple[str, bool], list[int]] = {}
    for row in rows:
        groups.setdefault((row.action, bool(row.data.get("to_verify"))), []).append(row.number)
    for (action, to_verify), numbers in groups.items():
        for start in range(0, len(numbers), 5000):
            rows_of_batch.filter(number__in=numbers[start : start + 5000]).update(
                action=action, to_verify=to_verify
            )
