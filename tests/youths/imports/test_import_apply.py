"""Applying a list on more than one connection: every row once, whoever applies it."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, transaction
from django.db.models import Count

from kaa.models import AuditEvent
from tests.conftest import valid_personnummer
from tests.youths.imports.conftest import INFLYTTADE_HEADER, csv_bytes, inflyttad
from youths.imports import apply as applying
from youths.imports import services
from youths.imports.models import ImportBatch, ImportKind, ImportRow, MoveIn
from youths.models import Verification, Youth
from youths.summary import CaseSummary

TODAY = dt.date(2026, 11, 22)
ROWS = 300
CHUNK = 20
# How long a test waits for another connection to block on a lock before it fails: a
# guard against a hang on a loaded machine, not a measurement.
LOCK_WAIT = 120


def _pnrs(n=ROWS) -> list[str]:
    return [valid_personnummer(dt.date(2008, 1, 1) + dt.timedelta(days=i)) for i in range(n)]


def _previewed(municipality, pnrs=None, *, first="Testa") -> ImportBatch:
    pnrs = pnrs or _pnrs()
    rows = [INFLYTTADE_HEADER] + [inflyttad(pnr, first=first) for pnr in pnrs]
    batch, _ = services.import_batch_upload(
        acting_user=None,
        municipality=municipality,
        kind=ImportKind.INFLYTTADE,
        file_name="lista.csv",
        content=csv_bytes(rows),
    )
    batch = services.import_batch_preview(batch_id=batch.pk, today=TODAY)
    assert batch.preview_counts["created"] == len(pnrs)
    return batch


def _assert_applied_once(batch: ImportBatch) -> None:
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert not ImportRow.objects.filter(batch=batch, applied_at__isnull=True).exists()
    assert Youth.objects.filter(municipality=batch.municipality).count() == ROWS
    assert not Youth.objects.values("personnummer").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert MoveIn.objects.count() == ROWS
    assert Verification.objects.count() == ROWS
    assert AuditEvent.objects.filter(action="youth.create").count() == ROWS
    assert AuditEvent.objects.filter(detail__import="applied", detail__batch=batch.pk).count() == 1
    # The progress counter is written in each chunk's transaction: once per row.
    assert batch.rows_done == batch.rows_total == ROWS
    counts = batch.applied_counts
    assert (counts["created"], counts["to_verify"], counts["unchanged"]) == (ROWS, ROWS, 0)


@pytest.fixture
def chunk_log(monkeypatch, settings):
    """Small chunks on two connections, and which thread applied which chunk."""
    settings.IMPORT_APPLY_CHUNK = CHUNK
    settings.IMPORT_APPLY_WORKERS = 2
    log = []
    lock = threading.Lock()
    real = applying.apply_chunk

    def logged(batch, lo, hi, **kwargs):
        applied = real(batch, lo, hi, **kwargs)
        with lock:
            log.append((threading.get_ident(), lo, applied))
        return applied

    monkeypatch.setattr(applying, "apply_chunk", logged)
    return log


def _in_thread(target, errors: list, name=None):
    def run():
        try:
            target()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_two_appliers_at_once_apply_every_row_once(other_municipality, chunk_log):
    batch = _previewed(other_municipality)
    start = threading.Barrier(2)
    errors = []
    results = []

    def apply():
        start.wait()
        results.append(services.import_batch_apply(batch_id=batch.pk, today=TODAY))

    appliers = [_in_thread(apply, errors) for _ in range(2)]
    for thread in appliers:
        thread.join()

    assert errors == []
    assert [r.status for r in results] == [ImportBatch.Status.APPLIED] * 2
    _assert_applied_once(batch)
    # Each chunk was applied by exactly one transaction, and the chunks were shared
    # between two connections.
    applied = [lo for _, lo, done in chunk_log if done]
    assert sorted(applied) == list(range(2, 2 + ROWS, CHUNK))
    assert len({thread for thread, _, done in chunk_log if done}) == 2


def _lock_waiters() -> int:
    with connection.cursor() as c:
        c.execute("SELECT COUNT(*) FROM pg_locks WHERE NOT granted")
        return c.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_chunk_still_running_elsewhere_is_applied_once(
    other_municipality, chunk_log, monkeypatch
):
    """A killed worker's connection that held the batch may end before the one running
    a chunk: the next applier must wait for that chunk, not apply its rows again."""
    batch = _previewed(other_municipality)
    lo = 2 + 3 * CHUNK
    in_chunk, release = threading.Event(), threading.Event()
    errors = []
    real = applying._apply_chunk

    def paused(*args, **kwargs):
        # The chunk's rows are claimed; it has written nothing yet.
        if threading.current_thread().name == "orphan":
            in_chunk.set()
            release.wait(LOCK_WAIT)
        return real(*args, **kwargs)

    monkeypatch.setattr(applying, "_apply_chunk", paused)

    def orphan():
        figures = applying._Figures(batch.municipality_id)
        with transaction.atomic():
            applying.apply_chunk(batch, lo, lo + CHUNK, user=None, today=TODAY, figures=figures)

    running = _in_thread(orphan, errors, name="orphan")
    assert in_chunk.wait(LOCK_WAIT)
    applier = _in_thread(
        lambda: services.import_batch_apply(batch_id=batch.pk, today=TODAY), errors
    )
    deadline = time.monotonic() + LOCK_WAIT
    while not _lock_waiters():
        assert time.monotonic() < deadline, "the applier never waited for the chunk"
        time.sleep(0.01)
    release.set()
    running.join()
    applier.join()

    assert errors == []
    _assert_applied_once(batch)
    # The orphan applied the chunk; the applier found its rows applied once they were.
    assert [done for _, start, done in chunk_log if start == lo] == [True, False]


@pytest.mark.django_db(transaction=True)
def test_two_lists_with_the_same_youths_at_once_create_each_youth_once(
    other_municipality, monkeypatch
):
    """Two lists name the same youths and are applied at once: the second waits for the
    first's new youths, then takes their ids and joins their open verifications instead
    of the ids it drew for them."""
    pnrs = _pnrs(CHUNK)
    first = _previewed(other_municipality, pnrs)
    second = _previewed(other_municipality, pnrs, first="Andra")
    inserted, release = threading.Event(), threading.Event()
    errors = []
    real = applying._youths_update

    def paused(*args, **kwargs):
        # The first list's youths are inserted, not committed.
        if threading.current_thread().name == "first":
            inserted.set()
            release.wait(LOCK_WAIT)
        return real(*args, **kwargs)

    monkeypatch.setattr(applying, "_youths_update", paused)
    running = _in_thread(
        lambda: services.import_batch_apply(batch_id=first.pk, today=TODAY), errors, name="first"
    )
    assert inserted.wait(LOCK_WAIT)
    waiting = _in_thread(
        lambda: services.import_batch_apply(batch_id=second.pk, today=TODAY), errors
    )
    deadline = time.monotonic() + LOCK_WAIT
    while not _lock_waiters():
        assert time.monotonic() < deadline, "the second list never waited for the first"
        time.sleep(0.01)
    release.set()
    running.join()
    waiting.join()

    assert errors == []
    assert Youth.objects.filter(municipality=other_municipality).count() == CHUNK
    assert Verification.objects.count() == CHUNK
    assert MoveIn.objects.count() == CHUNK
    by_pnr = {
        pnr: (youth, verification)
        for pnr, youth, verification in ImportRow.objects.filter(batch=first).values_list(
            "personnummer", "youth_id", "verification_id"
        )
    }
    assert Youth.objects.filter(pk__in=[y for y, _ in by_pnr.values()]).count() == CHUNK
    for pnr, youth, verification in ImportRow.objects.filter(batch=second).values_list(
        "personnummer", "youth_id", "verification_id"
    ):
        assert (youth, verification) == by_pnr[pnr]
    summaries = CaseSummary.objects.filter(youth__municipality=other_municipality)
    assert summaries.filter(verification_opened_on=TODAY).count() == CHUNK


@pytest.mark.django_db(transaction=True)
def test_a_failed_chunk_stops_the_run_and_the_next_run_applies_the_rest(
    other_municipality, chunk_log, monkeypatch
):
    batch = _previewed(other_municipality)
    logged = applying.apply_chunk
    broken = 2 + 7 * CHUNK

    def failing(batch, lo, hi, **kwargs):
        if lo == broken:
            raise RuntimeError("the database went away")
        return logged(batch, lo, hi, **kwargs)

    monkeypatch.setattr(applying, "apply_chunk", failing)
    with pytest.raises(RuntimeError):
        services.import_batch_apply(batch_id=batch.pk, today=TODAY)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLYING
    left = ImportRow.objects.filter(batch=batch, applied_at__isnull=True)
    assert left.filter(number__gte=broken, number__lt=broken + CHUNK).count() == CHUNK
    assert batch.rows_done == ROWS - left.count()

    monkeypatch.setattr(applying, "apply_chunk", logged)
    services.import_batch_apply(batch_id=batch.pk, today=TODAY)
    _assert_applied_once(batch)


def test_deleting_a_youth_clears_the_import_rows_that_name_it(db, other_municipality, settings):
    # The rows' links to the youth and verification have no constraint in the database
    # (they record what applying did); the ORM clears them when those are deleted.
    settings.IMPORT_APPLY_CHUNK = CHUNK
    batch = _previewed(other_municipality)
    services.import_batch_apply(batch_id=batch.pk, today=TODAY)
    row = ImportRow.objects.filter(batch=batch, youth__isnull=False).first()
    assert row.verification_id is not None
    row.youth.delete()
    row.refresh_from_db()
    assert (row.youth_id, row.verification_id) == (None, None)
