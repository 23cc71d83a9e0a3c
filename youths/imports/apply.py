"""Applying a batch: set-based SQL over the batch's own rows, chunk by chunk.

Every statement reads the stored rows of one chunk (`batch`, row numbers lo..hi) that
are not applied yet, and the chunk ends by marking its rows applied, all in one
transaction. One applier at a time holds the batch (`exclusive`) and hands each chunk to
one of its connections. A worker killed in the middle rolls its chunks back; the next
run applies exactly the chunks that are left, so every row is applied once. The same
SQL runs on PostgreSQL and SQLite (`ON CONFLICT`, `UPDATE ... FROM`).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import NOT_PROVIDED, Max, Min
from django.utils import timezone

from kaa.models import AuditAction, AuditEvent
from youths.imports.models import (
    ImportBatch,
    ImportKind,
    ImportRow,
    MoveIn,
    School,
    SchoolEvent,
    SchoolNotice,
)
from youths.models import Enrolment, Verification, Youth
from youths.summary import case_summary_insert_new, case_summary_refresh

_OWN = {
    "id",
    "municipality",
    "personnummer",
    "birth_date",
    "turns_20_on",
    "first_name",
    "last_name",
    "street_address",
    "postal_code",
    "postal_town",
    "phone",
    "email",
    "created_at",
    "updated_at",
}
UPDATABLE = (
    "first_name",
    "last_name",
    "street_address",
    "postal_code",
    "postal_town",
    "phone",
    "email",
)


def _t(model) -> str:
    return model._meta.db_table


def _youth_defaults() -> list[tuple[str, object]]:
    """Columns of Youth this module does not set itself, with their defaults, so that a
    field added to Youth (e.g. a version counter) gets its default in the bulk insert."""
    out = []
    for field in Youth._meta.concrete_fields:
        # A generated column (sex) is computed by the database and never written.
        if field.name in _OWN or field.generated:
            continue
        if field.default is not NOT_PROVIDED:
            value = field.default() if callable(field.default) else field.default
            out.append((field.column, field.get_db_prep_save(value, connection)))
        elif not field.null:
            out.append((field.column, ""))
    return out


def _has_version() -> bool:
    return any(f.name == "version" for f in Youth._meta.concrete_fields)


def _json(value: dict) -> tuple[str, str]:
    placeholder = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    return placeholder, json.dumps(value)


# The first key of the advisory lock that `exclusive` takes, the batch's id the second.
_LOCK_SPACE = 8


@contextmanager
def exclusive(batch: ImportBatch) -> Iterator[None]:
    """Hold the batch for one applier at a time, across the transactions of its chunks.

    A second delivery of the task (redelivered while the first still runs, or the
    sweeper's) waits here until the first applier has ended, and then finds nothing left
    to do, or the rows a dead one left behind. A session lock rather than a transaction's:
    the chunks commit one by one, on more than one connection. PostgreSQL releases it
    when the holder's connection ends, also when its worker was killed."""
    if connection.vendor != "postgresql":  # SQLite writes one transaction at a time
        yield
        return
    with connection.cursor() as c:
        c.execute("SELECT pg_advisory_lock(%s, %s)", [_LOCK_SPACE, batch.pk])
    try:
        yield
    finally:
        try:
            with connection.cursor() as c:
                c.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_SPACE, batch.pk])
        except DatabaseError:
            if connection.is_usable():
                raise
            # The connection is gone, and the lock with it.


def apply_rows(batch: ImportBatch, *, user, today: dt.date) -> None:
    """Apply the rows not applied yet, chunk by chunk, each chunk in its own transaction.
    Call it inside `exclusive(batch)`."""
    bounds = ImportRow.objects.filter(batch_id=batch.pk, applied_at__isnull=True).aggregate(
        first=Min("number"), last=Max("number")
    )
    first, last = bounds["first"], bounds["last"]
    if first is None:
        return
    size = settings.IMPORT_APPLY_CHUNK
    chunks = [(lo, lo + size) for lo in range(first, last + 1, size)]
    figures = _Figures(batch.municipality_id)

    def apply_one(lo: int, hi: int) -> None:
        figures.refresh()
        with transaction.atomic():
            apply_chunk(batch, lo, hi, user=user, today=today, figures=figures)

    _run(chunks, apply_one, workers=_workers(len(chunks)))


def apply_chunk(
    batch: ImportBatch, lo: int, hi: int, *, user, today: dt.date, figures: _Figures
) -> bool:
    """Apply the rows lo..hi-1 not applied yet, inside the caller's transaction. Returns
    whether there were any.

    Their stored rows are locked first, so a chunk is applied once even by two
    transactions at once: the second waits for the first and then finds the rows
    applied, or, if the first rolled back, applies them itself. That happens when a
    worker is killed: its connection that held `exclusive` may end before the one still
    running a chunk's statement, and the next applier then reaches the same rows."""
    lock = " FOR NO KEY UPDATE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as c:
        c.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {_t(ImportRow)} WHERE batch_id = %s "
            f"AND number >= %s AND number < %s AND applied_at IS NULL{lock}) AS r",
            [batch.pk, lo, hi],
        )
        if not c.fetchone()[0]:
            return False
    _apply_chunk(batch, lo, hi, user=user, today=today, figures=figures)
    return True


def _workers(chunks: int) -> int:
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # SQLite writes one transaction at a time. Inside the caller's transaction the
        # chunks commit with it, and other connections would not see its rows.
        return 1
    return max(1, min(settings.IMPORT_APPLY_WORKERS, chunks))


def _run(chunks: list[tuple[int, int]], apply_chunk, *, workers: int) -> None:
    """Apply `chunks` on `workers` connections: this thread's, and each further
    thread's own (closed when it ends).

    PostgreSQL runs each connection's statements on one core, and the statements of a
    chunk (with the foreign-key checks at its commit) are nearly all of the work: two
    connections use both cores of a small server. The chunks of a batch touch distinct
    youths (a personnummer is in a list once), so they do not wait for each other."""
    pending = iter(chunks)
    lock = threading.Lock()
    failed = threading.Event()
    errors: list[BaseException] = []

    def work() -> None:
        while not failed.is_set():
            with lock:
                bounds = next(pending, None)
            if bounds is None:
                return
            try:
                apply_chunk(*bounds)
            except BaseException as error:
                failed.set()
                errors.append(error)
                return

    def in_thread() -> None:
        try:
            work()
        finally:
            connection.close()

    threads = [threading.Thread(target=in_thread) for _ in range(workers - 1)]
    for thread in threads:
        thread.start()
    work()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


class _Figures:
    """The municipality's youths at the last ANALYZE of this run, and created since.

    Each lookup of a youth by (municipality, personnummer) must use the unique index.
    On figures that say the municipality has (almost) no youths, an index that leads
    with the municipality looks as selective, and each lookup scans the municipality:
    the figures are made fresh whenever the youths created since the last ANALYZE are
    as many as the municipality had then, so they never show fewer than half of its
    youths. That is a handful of ANALYZEs per list, not one per chunk: each samples
    the whole register (about 0.1 s at 100 000 youths, more in a large register).
    Outside the chunks' transactions and one connection at a time: two ANALYZEs of a
    table wait for each other until the end of the transaction that ran the first."""

    def __init__(self, municipality_id: int) -> None:
        self.municipality_id = municipality_id
        self.analyzed: int | None = None
        self.created = 0
        self._lock = threading.Lock()

    def refresh(self) -> None:
        if connection.vendor != "postgresql":
            return
        with self._lock:
            if self.analyzed is not None and self.created < max(self.analyzed, 1):
                return
            youth_t = _t(Youth)
            with connection.cursor() as c:
                c.execute(f"ANALYZE {youth_t} (municipality_id)")
                c.execute(
                    f"SELECT COUNT(*) FROM {youth_t} WHERE municipality_id = %s",
                    [self.municipality_id],
                )
                self.analyzed, self.created = c.fetchone()[0], 0

    def add(self, created: int) -> None:
        with self._lock:
            self.created += created


_CHUNK_COLUMNS = (
    "id",
    "number",
    "personnummer",
    "birth_date",
    "turns_20_on",
    *UPDATABLE,
    "event_date",
    "moved_from",
    "from_abroad",
    "school_code",
    "school_name",
    "principal",
    "program",
    "event",
    "contact_person",
    "verify_reason",
    "suggested_code",
)
# A narrow temporary copy of the chunk's rows with every decision worked out once, when
# it is made: the stored rows are written once at the end, and the copy is updated only
# where a decision needs an id created on the way (a new youth, a new verification).
CHUNK = "import_chunk"
# Closes every EXISTS below so that each is a probe of an index per row of the chunk.
# Without it PostgreSQL may turn an EXISTS into a hashed subplan, built from every
# move-in, notice, enrolment or open verification of the register, once per chunk: on
# statistics that lag behind the rows the import adds, that looks cheap, and it grows
# with the register (at the 15th chunk of a 100 000-row list, 66 500 move-ins hashed
# three times over: 180 of the statement's 200 ms). An OFFSET, even 0, is what keeps the
# planner from rewriting the EXISTS; LIMIT 1 makes it valid SQL on SQLite too.
_PROBE = "LIMIT 1 OFFSET 0"


def _decisions(batch: ImportBatch, *, today: dt.date) -> tuple[str, list]:
    """SELECT of the chunk's rows in the target group with the youth they are about
    (NULL: to be created) and what applying does with each, against the register as it
    is inside the chunk's transaction. Parameters: municipality, batch, lo, hi."""
    rows, youth_t, enr_t, ver_t = _t(ImportRow), _t(Youth), _t(Enrolment), _t(Verification)
    columns = ", ".join(f"r.{col}" for col in _CHUNK_COLUMNS)
    if batch.kind == ImportKind.INFLYTTADE:
        move_t = _t(MoveIn)
        new_event = (
            f"NOT EXISTS (SELECT 1 FROM {move_t} m WHERE m.youth_id = y.id "
            f"AND m.moved_in_on = r.event_date {_PROBE})"
        )
        # A known youth is updated only from newer data: a move-in later than every one known.
        changed = " OR ".join(f"(r.{f} <> '' AND r.{f} <> y.{f})" for f in UPDATABLE)
        result = (
            f"CASE WHEN y.id IS NULL THEN 'created' WHEN NOT EXISTS (SELECT 1 FROM {move_t} m "
            f"WHERE m.youth_id = y.id AND m.moved_in_on >= r.event_date {_PROBE}) AND ({changed}) "
            f"THEN 'updated' ELSE 'unchanged' END"
        )
    else:
        school_t, notice_t = _t(School), _t(SchoolNotice)
        new_event = (
            f"NOT EXISTS (SELECT 1 FROM {notice_t} n JOIN {school_t} s ON s.id = n.school_id "
            f"WHERE n.youth_id = y.id AND s.code = r.school_code AND n.event = r.event "
            f"AND n.event_date = r.event_date {_PROBE})"
        )
        result = (
            f"CASE WHEN y.id IS NULL THEN 'created' WHEN {new_event} THEN 'updated' "
            f"ELSE 'unchanged' END"
        )
    in_group = (
        f"EXISTS (SELECT 1 FROM {enr_t} e JOIN {youth_t} ey ON ey.id = e.youth_id "
        f"WHERE e.youth_id = d.youth_id AND e.start_date <= %s AND (e.end_date IS NULL "
        f"OR e.end_date > %s) AND ey.turns_20_on > %s {_PROBE})"
    )
    if batch.kind == ImportKind.INFLYTTADE:
        verifies, verify_params = f"NOT {in_group}", [today, today, today]
    else:
        # avbrott/slutat: the youth may belong to the group; börjat for an enrolled youth:
        # the enrolment may end. frånvaro is kept for preventive follow-up only.
        open_enrolment = (
            f"EXISTS (SELECT 1 FROM {enr_t} e WHERE e.youth_id = d.youth_id "
            f"AND e.end_date IS NULL {_PROBE})"
        )
        verifies = (
            f"((d.event IN (%s, %s) AND NOT {in_group}) OR (d.event = %s AND {open_enrolment}))"
        )
        verify_params = [SchoolEvent.DROPOUT, SchoolEvent.LEFT, today, today, today]
        verify_params.append(SchoolEvent.STARTED)
    decided = (
        f"SELECT {columns}, y.id AS youth_id, {new_event} AS new_event, {result} AS result "
        f"FROM {rows} AS r LEFT JOIN {youth_t} AS y ON y.municipality_id = %s "
        f"AND y.personnummer = r.personnummer "
        f"WHERE r.batch_id = %s AND r.number >= %s AND r.number < %s "
        f"AND r.applied_at IS NULL AND r.action IN ('create', 'update', 'unchanged')"
    )
    verified = f"SELECT d.*, (d.new_event AND {verifies}) AS to_verify FROM ({decided}) AS d"
    opened = (
        f"SELECT v.*, (v.to_verify AND NOT EXISTS (SELECT 1 FROM {ver_t} ov "
        f"WHERE ov.youth_id = v.youth_id AND ov.resolved_on IS NULL {_PROBE})) "
        f"AS opened_verification FROM ({verified}) AS v"
    )
    if connection.vendor != "postgresql":
        sql = (
            f"SELECT o.*, CAST(NULL AS bigint) AS verification_id, FALSE AS inserted "
            f"FROM ({opened}) AS o"
        )
        return sql, verify_params
    # The youths and verifications to be created get their ids here, from their tables'
    # sequences, so that the inserts below write them and nothing is written back into
    # this table for each new row (a second pass over all of it, in two statements).
    kept = ", ".join(
        f"o.{col}"
        for col in (*_CHUNK_COLUMNS, "new_event", "result", "to_verify", "opened_verification")
    )
    sql = (
        f"SELECT {kept}, COALESCE(o.youth_id, nextval(CAST(%s AS regclass))) AS youth_id, "
        f"o.youth_id IS NULL AS inserted, CASE WHEN o.opened_verification "
        f"THEN nextval(CAST(%s AS regclass)) END AS verification_id FROM ({opened}) AS o"
    )
    return sql, [_sequence(Youth), _sequence(Verification), *verify_params]


def _sequence(model) -> str:
    with connection.cursor() as c:
        c.execute("SELECT pg_get_serial_sequence(%s, 'id')", [_t(model)])
        return c.fetchone()[0]


def _apply_chunk(
    batch: ImportBatch, lo: int, hi: int, *, user, today: dt.date, figures: _Figures
) -> None:
    now = timezone.now()
    rows = _t(ImportRow)
    youth_t = _t(Youth)
    m = batch.municipality_id
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            # Statements over a few thousand rows pass jit_above_cost, and compiling them
            # costs more than running them.
            c.execute("SET LOCAL jit = off")
            # Every statement joins a few thousand chunk rows to large tables through
            # unique indexes. Statistics lag behind a bulk load (the tables grow chunk by
            # chunk), and a hash join planned on them reads a whole table per statement.
            c.execute("SET LOCAL enable_hashjoin = off")
            c.execute("SET LOCAL enable_mergejoin = off")
        c.execute(f"DROP TABLE IF EXISTS {CHUNK}")
        decisions, verify_params = _decisions(batch, today=today)
        # The verification's parameters come first in the text, the rows' after.
        c.execute(
            f"CREATE TEMPORARY TABLE {CHUNK} AS {decisions}",
            [*verify_params, m, batch.pk, lo, hi],
        )
        extra = _youth_defaults()
        extra_cols = "".join(f", {col}" for col, _ in extra)
        extra_vals = "".join(", %s" for _ in extra)
        postgresql = connection.vendor == "postgresql"
        insert = (
            f"INSERT INTO {youth_t} ({'id, ' if postgresql else ''}municipality_id, "
            f"personnummer, birth_date, turns_20_on, first_name, last_name, street_address, "
            f"postal_code, postal_town, phone, email, created_at, updated_at{extra_cols}) "
            f"SELECT {'r.youth_id, ' if postgresql else ''}%s, r.personnummer, r.birth_date, "
            f"r.turns_20_on, r.first_name, r.last_name, r.street_address, r.postal_code, "
            f"r.postal_town, r.phone, r.email, %s, %s{extra_vals} "
            f"FROM {CHUNK} AS r WHERE r.result = 'created' "
            f"ON CONFLICT (municipality_id, personnummer) DO NOTHING"
        )
        c.execute(insert, [m, now, now, *[value for _, value in extra]])
        if postgresql:
            figures.add(c.rowcount)
            # A youth that another import created meanwhile keeps its own id; the one
            # drawn for it here is left unused.
            c.execute(
                f"UPDATE {CHUNK} SET inserted = FALSE, youth_id = (SELECT y.id FROM {youth_t} y "
                f"WHERE y.municipality_id = %s AND y.personnummer = {CHUNK}.personnummer) "
                f"WHERE inserted AND NOT EXISTS (SELECT 1 FROM {youth_t} y "
                f"WHERE y.id = {CHUNK}.youth_id)",
                [m],
            )
        else:
            c.execute(
                f"UPDATE {CHUNK} SET youth_id = (SELECT y.id FROM {youth_t} y "
                f"WHERE y.municipality_id = %s AND y.personnummer = {CHUNK}.personnummer) "
                f"WHERE youth_id IS NULL",
                [m],
            )
        if batch.kind == ImportKind.INFLYTTADE:
            _youths_update(c, now)
            _verifications(c, batch, user=user, today=today)
            _move_ins_insert(c)
        else:
            _schools_insert(c)
            _verifications(c, batch, user=user, today=today)
            _notices_insert(c, today)
        _audit(c, batch, user=user, now=now)
        c.execute(
            f"UPDATE {rows} SET youth_id = r.youth_id, result = r.result, new_event = r.new_event, "
            f"opened_verification = r.opened_verification, to_verify = r.to_verify, "
            f"verification_id = r.verification_id, applied_at = %s FROM {CHUNK} AS r "
            f"WHERE {rows}.id = r.id",
            [now],
        )
        done = c.rowcount
        c.execute(
            f"UPDATE {rows} SET applied_at = %s WHERE batch_id = %s AND number >= %s "
            f"AND number < %s AND applied_at IS NULL",
            [now, batch.pk, lo, hi],
        )
        done += c.rowcount
        # The casework summary of the youths this chunk created, put "att utreda" or gave
        # a new frånvaro notice (Att göra lists those for a preventive follow-up). The
        # rows of the youths it inserted are known without reading anything back, unless
        # a frånvaro notice came with the youth: those are refreshed with the others.
        absence = "COALESCE(new_event AND event = %s, FALSE)"
        if connection.vendor == "postgresql":
            case_summary_insert_new(
                f"SELECT youth_id, %s, turns_20_on, CASE WHEN opened_verification THEN %s END "
                f"FROM {CHUNK} WHERE inserted AND NOT {absence}",
                [m, today, SchoolEvent.ABSENCE],
            )
        c.execute(
            f"SELECT youth_id FROM {CHUNK} WHERE youth_id IS NOT NULL "
            f"AND (NOT inserted OR {absence}) "
            f"AND (result = 'created' OR opened_verification OR {absence})",
            [SchoolEvent.ABSENCE, SchoolEvent.ABSENCE],
        )
        case_summary_refresh([row[0] for row in c.fetchall()])
        c.execute(f"DROP TABLE {CHUNK}")
        # Progress and a heartbeat for the sweeper, rolled back with the chunk if it fails.
        c.execute(
            f"UPDATE {_t(ImportBatch)} SET status_changed_at = %s, rows_done = rows_done + %s "
            f"WHERE id = %s",
            [now, done, batch.pk],
        )
        if connection.vendor == "postgresql":
            # The foreign keys are checked at commit, one lookup of the referenced row
            # per new row. Three per new youth (the youth, its audit row, its casework
            # summary) look up the municipality, and on the 290 rows of that table the
            # planner's choice is a sequential scan: 10 microseconds a lookup, half of
            # all the checks' time (auto_explain). Only those lookups run after this.
            c.execute("SET LOCAL enable_seqscan = off")


def _youths_update(c, now) -> None:
    youth_t = _t(Youth)
    sets = ", ".join(
        f"{f} = CASE WHEN r.{f} <> '' THEN r.{f} ELSE {youth_t}.{f} END" for f in UPDATABLE
    )
    if _has_version():
        sets += f", version = {youth_t}.version + 1"
    c.execute(f"SELECT 1 FROM {CHUNK} WHERE result = 'updated' LIMIT 1")
    if c.fetchone():
        c.execute(
            f"UPDATE {youth_t} SET {sets}, updated_at = %s FROM {CHUNK} AS r "
            f"WHERE r.youth_id = {youth_t}.id AND r.result = 'updated'",
            [now],
        )


def _move_ins_insert(c) -> None:
    # With the verification the move-in feeds, so the new rows are written once.
    c.execute(
        f"INSERT INTO {_t(MoveIn)} (youth_id, moved_in_on, moved_from, from_abroad, "
        f"source_row_id, verification_id) SELECT r.youth_id, r.event_date, r.moved_from, "
        f"r.from_abroad, r.id, CASE WHEN r.to_verify THEN r.verification_id END "
        f"FROM {CHUNK} AS r WHERE r.new_event ON CONFLICT (youth_id, moved_in_on) DO NOTHING"
    )


def _schools_insert(c) -> None:
    c.execute(
        f"INSERT INTO {_t(School)} (code, name, principal) SELECT r.school_code, "
        f"MAX(r.school_name), MAX(r.principal) FROM {CHUNK} AS r WHERE r.school_code <> '' "
        f"GROUP BY r.school_code ON CONFLICT (code) DO NOTHING"
    )


def _notices_insert(c, today) -> None:
    school_t, notice_t = _t(School), _t(SchoolNotice)
    c.execute(
        f"INSERT INTO {notice_t} (youth_id, school_id, program, event, event_date, received_on, "
        f"contact_person, suggested_code, source_row_id, verification_id) SELECT r.youth_id, "
        f"(SELECT s.id FROM {school_t} s WHERE s.code = r.school_code), r.program, r.event, "
        f"r.event_date, %s, r.contact_person, r.suggested_code, r.id, "
        f"CASE WHEN r.to_verify THEN r.verification_id END FROM {CHUNK} AS r "
        f"WHERE r.new_event ON CONFLICT (youth_id, school_id, event, event_date) DO NOTHING",
        [today],
    )


def _verifications(c, batch, *, user, today) -> None:
    ver_t = _t(Verification)
    source = (
        Verification.Source.INFLYTTADE
        if batch.kind == ImportKind.INFLYTTADE
        else Verification.Source.SCHOOL_NOTICE
    )
    postgresql = connection.vendor == "postgresql"
    c.execute(
        f"INSERT INTO {ver_t} ({'id, ' if postgresql else ''}youth_id, opened_on, source, "
        f"note, outcome, resolution_note, created_by_id, observed_on, suggested_code) "
        f"SELECT {'r.verification_id, ' if postgresql else ''}r.youth_id, %s, %s, "
        f"r.verify_reason, '', '', %s, r.event_date, r.suggested_code FROM {CHUNK} AS r "
        f"WHERE r.opened_verification "
        f"ON CONFLICT (youth_id) WHERE resolved_on IS NULL DO NOTHING",
        [today, source, getattr(user, "pk", None)],
    )
    # The rows that attach to a verification already open, and on PostgreSQL those whose
    # verification was opened meanwhile by another import (the id drawn is left unused).
    unknown = "verification_id IS NULL"
    if postgresql:
        unknown = (
            f"({unknown} OR NOT EXISTS (SELECT 1 FROM {ver_t} v "
            f"WHERE v.id = {CHUNK}.verification_id))"
        )
    c.execute(
        f"UPDATE {CHUNK} SET verification_id = (SELECT v.id FROM {ver_t} v "
        f"WHERE v.youth_id = {CHUNK}.youth_id AND v.resolved_on IS NULL) "
        f"WHERE to_verify AND {unknown}"
    )


def _audit(c, batch, *, user, now) -> None:
    placeholder, detail = _json({"import_batch": batch.pk, "kind": batch.kind})
    username = getattr(user, "username", "") if user is not None else "system"
    c.execute(
        f"INSERT INTO {_t(AuditEvent)} (at, user_id, username, municipality_id, youth_id, action, "
        f"object_type, object_id, detail) SELECT %s, %s, %s, %s, r.youth_id, CASE r.result "
        f"WHEN 'created' THEN %s WHEN 'updated' THEN %s ELSE %s END, 'importrow', r.id, "
        f"{placeholder} FROM {CHUNK} AS r WHERE r.result IN ('created', 'updated') "
        f"OR r.opened_verification",
        [
            now,
            getattr(user, "pk", None),
            username,
            batch.municipality_id,
            AuditAction.YOUTH_CREATE,
            AuditAction.YOUTH_UPDATE,
            AuditAction.VERIFICATION_OPEN,
            detail,
        ],
    )
