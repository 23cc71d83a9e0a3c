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


def _escape(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def insert_rows(batch_id: int, rows) -> None:
    if connection.vendor != "postgresql":
        ImportRow.objects.bulk_create(
            (ImportRow(**_fields(batch_id, row)) for row in rows), batch_size=1000
        )
        return
    table = ImportRow._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(name) for name in COLUMNS)
    # One COPY per 10 000 rows keeps the text buffer small (peak memory of a big list).
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            buffer = io.StringIO()
            for row in rows[start : start + 10_000]:
                fields = _fields(batch_id, row)
                buffer.write("\t".join(_escape(fields[name]) for name in COLUMNS))
                buffer.write("\n")
            buffer.seek(0)
            cursor.cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", buffer)


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL's autovacuum lags behind)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {ImportRow._meta.db_table}")


def update_plan(batch_id: int, rows) -> None:
    """Replan rows already stored (the same file uploaded again): reset what applying
    recorded, then set action and to_verify in a few set updates (one per distinct pair)."""
    rows_of_batch = ImportRow.objects.filter(batch_id=batch_id)
    rows_of_batch.update(
        result="", new_event=False, opened_verification=False, applied_at=None, to_verify=False
    )
    groups: dict[tuple[str, bool], list[int]] = {}
    for row in rows:
        groups.setdefault((row.action, bool(row.data.get("to_verify"))), []).append(row.number)
    for (action, to_verify), numbers in groups.items():
        for start in range(0, len(numbers), 5000):
            rows_of_batch.filter(number__in=numbers[start : start + 5000]).update(
                action=action, to_verify=to_verify
            )
