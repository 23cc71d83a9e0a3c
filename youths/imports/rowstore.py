"""Writing a batch's rows: COPY on PostgreSQL, bulk_create elsewhere (SQLite for `make run`)."""

from __future__ import annotations

import io
import json
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection

from youths.imports.models import ImportBatch, ImportRow

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
# The text columns first: a row's text is escaped for COPY in one pass over the joined
# cells (see _line). Then the columns whose values never need escaping.
COLUMNS = (
    "values",
    "errors",
    *_TEXT,
    "verify_reason",
    "suggested_code",
    "batch_id",
    "number",
    *_DATES,
    "from_abroad",
    "action",
    "to_verify",
    "result",
    "new_event",
    "opened_verification",
)
# The tabs between the text columns of a line when none of their cells holds one.
_TEXT_TABS = len(_TEXT) + 3
# One encoder for every row: json.dumps(..., ensure_ascii=False) builds one per call.
_json = json.JSONEncoder(ensure_ascii=False).encode


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
    get = row.data.get
    texts = [_json(row.values), _json(row.errors) if row.errors else "[]"]
    texts += [get(name) or "" for name in _TEXT]
    texts.append(row.verify_reason[:200])
    texts.append(row.suggested_code)
    text = "\t".join(texts)
    # Four scans of the whole line instead of four per cell; a cell with a backslash,
    # tab or line break (JSON escapes its own) sends the line the long way.
    if "\\" in text or "\n" in text or "\r" in text or text.count("\t") != _TEXT_TABS:
        text = "\t".join([_text(value) for value in texts])
    birth, turns_20, event_date = get("birth_date"), get("turns_20_on"), get("event_date")
    return "\t".join(
        (
            text,
            batch,
            str(row.number),
            birth.isoformat() if birth is not None else "\\N",
            turns_20.isoformat() if turns_20 is not None else "\\N",
            event_date.isoformat() if event_date is not None else "\\N",
            "t" if get("from_abroad") else "f",
            row.action,
            "t" if get("to_verify") else "f",
            "",  # result
            "f",  # new_event
            "f",  # opened_verification
        )
    )


def _copy_sql() -> str:
    quoted = ", ".join(connection.ops.quote_name(name) for name in COLUMNS)
    return f"COPY {ImportRow._meta.db_table} ({quoted}) FROM STDIN"


def insert_rows(batch_id: int, rows) -> None:
    """Write one chunk of parsed rows (with their plan): the rows are written once."""
    if connection.vendor != "postgresql":
        ImportRow.objects.bulk_create(
            (ImportRow(**_fields(batch_id, row)) for row in rows), batch_size=1000
        )
        return
    buffer = io.StringIO(_lines(batch_id, rows))
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(_copy_sql(), buffer)


def _lines(batch_id: int, rows) -> str:
    batch = str(batch_id)
    return "".join([_line(batch, row) + "\n" for row in rows])


class RowWriter:
    """Writes chunks of rows by COPY on a second thread, so that PostgreSQL stores one
    chunk (parses it, checks its foreign key, fills the (batch, number) index) while
    Python validates and plans the next: the two use both cores instead of taking turns.

    The rows go over the caller's connection, in its transaction. psycopg2 does not keep
    another statement off a connection while a COPY streams into it, so the caller calls
    `wait()` before a query of its own; `write()` and leaving the block wait as well.
    Elsewhere than PostgreSQL (SQLite for `make run`) `write()` is `insert_rows()`.
    """

    def __init__(self, batch_id: int):
        self.batch_id = batch_id
        self._pending: Future | None = None
        self._executor: ThreadPoolExecutor | None = None

    def __enter__(self) -> RowWriter:
        if connection.vendor == "postgresql":
            # Each row's batch is checked as its COPY ends, on the writer's thread, rather
            # than all at once when the transaction commits (the key is deferred).
            self._batch_key = _batch_key()
            _set_constraint(self._batch_key, "IMMEDIATE")
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rowstore")
        return self

    def write(self, rows) -> None:
        if self._executor is None:
            insert_rows(self.batch_id, rows)
            return
        text = _lines(self.batch_id, rows)  # built here: it needs the interpreter anyway
        self.wait()
        self._pending = self._executor.submit(_copy, connection.connection, _copy_sql(), text)

    def wait(self) -> None:
        """Until the chunk being written is in (raises what writing it raised)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def __exit__(self, exc_type, exc, traceback) -> None:
        if self._executor is None:
            return
        try:
            self.wait()
        except Exception:
            if exc is None:
                raise
            # The caller's own error is the one to report; the rollback undoes both.
        finally:
            self._executor.shutdown()
        if exc is None:
            _set_constraint(self._batch_key, "DEFERRED")


def _batch_key() -> str:
    """The name of the foreign key from the rows to their batch."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f'"
            " AND conrelid = %s::regclass AND confrelid = %s::regclass",
            [ImportRow._meta.db_table, ImportBatch._meta.db_table],
        )
        return cursor.fetchone()[0]


def _set_constraint(name: str, mode: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {connection.ops.quote_name(name)} {mode}")


def _copy(raw_connection, sql: str, text: str) -> None:
    # The whole chunk in one read: psycopg2 takes the interpreter's lock for each read,
    # and waits for it while the other thread validates.
    with raw_connection.cursor() as cursor:
        cursor.copy_expert(sql, io.StringIO(text), size=len(text) + 1)


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
