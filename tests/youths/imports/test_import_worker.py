"""Fault injection: a real worker against Redis is SIGKILLed in the middle of applying a
10 000-row list; after recovery every row is applied exactly once."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.db.models import Count

from kaa.celery import app
from kaa.models import AuditEvent, Municipality
from tests.youths.imports.conftest import INFLYTTADE_HEADER, csv_bytes, inflyttad
from youths.imports import services
from youths.imports.models import ImportBatch, ImportKind, ImportRow, MoveIn
from youths.imports.tasks import sweep_import_batches
from youths.models import Verification, Youth
from youths.personnummer import luhn_ok

FALLBACK_BROKER = "redis://127.0.0.1:6379/14"
ROWS = 10_000
# Chunks of this many rows: the kill lands between or inside one of 20 chunks.
CHUNK = 500
# Longest time without any change of the batch before the test gives up: a worker's
# start-up on a loaded machine, or Redis giving a killed worker's message back.
STALL = 240
ROOT = Path(__file__).resolve().parents[3]


def synthetic_personnummer(i: int) -> str:
    """A distinct valid number per i, born 2006-12-01 .. 2010-10 (all in the group on
    2026-11-22)."""
    birth = dt.date(2006, 12, 1) + dt.timedelta(days=i % 1400)
    base = f"{birth:%y%m%d}{100 + i // 1400:03d}"
    check = next(d for d in range(10) if luhn_ok(base + str(d)))
    return f"{birth.year}{base[2:]}{check}"


def _drop_cached_connections():
    app._pool = None
    app.amqp._producer_pool = None


def _clean_broker(url: str) -> None:
    # Only this suite's own broker database: leftovers of an earlier run would be
    # redelivered to the workers below.
    client = redis.Redis.from_url(url)
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")


def _worker(broker: str) -> subprocess.Popen:
    settings = connection.settings_dict
    db_url = (
        f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DATABASE_URL": db_url,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # Short enough that the killed worker's message comes back within the test.
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "IMPORT_APPLY_CHUNK": str(CHUNK),
        "IMPORT_MAX_ATTEMPTS": "20",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "kaa", "worker", "--pool=solo", "-l", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _state(batch_id: int) -> tuple[str, int, str]:
    return ImportBatch.objects.filter(pk=batch_id).values_list("status", "rows_done", "failure")[0]


def _wait_while_progressing(
    done, *, batch_id: int, worker: subprocess.Popen, stall: float, step: float = 0.02
):
    """Wait until `done(state)`, as long as the batch moves: the time allowed is `stall`
    seconds without any change of its status or rows done, not a fixed total, so a slow
    machine makes the test slower but not red. Fails at once when the worker process
    exits or the batch fails."""
    last, last_change = None, time.monotonic()
    while True:
        state = _state(batch_id)
        if done(state):
            return state
        assert state[0] != ImportBatch.Status.FAILED, f"the batch failed: {state[2]}"
        assert worker.poll() is None, f"the worker exited with {worker.returncode}"
        if state[:2] != last:
            last, last_change = state[:2], time.monotonic()
        assert time.monotonic() - last_change < stall, f"no progress in {stall} s: {state}"
        time.sleep(step)


@pytest.fixture
def broker():
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    url = saved["broker_url"] or FALLBACK_BROKER
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    _drop_cached_connections()
    _clean_broker(url)
    try:
        yield url
    finally:
        app.conf.update(saved)
        _drop_cached_connections()
        _clean_broker(url)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_sigkill_mid_apply_loses_and_doubles_nothing(broker):
    municipality = Municipality.objects.get(code="1814")
    rows = [INFLYTTADE_HEADER] + [inflyttad(synthetic_personnummer(i)) for i in range(ROWS)]
    batch, _ = services.import_batch_upload(
        acting_user=None,
        municipality=municipality,
        kind=ImportKind.INFLYTTADE,
        file_name="stor.csv",
        content=csv_bytes(rows),
    )
    batch = services.import_batch_preview(batch_id=batch.pk, today=dt.date(2026, 11, 22))
    assert batch.preview_counts["created"] == ROWS

    first = _worker(broker)
    workers = [first]
    try:
        services.import_batch_confirm(acting_user=None, batch=batch)  # enqueued on commit

        # A worker starting on a busy machine takes a while; once it has taken the task
        # the batch is applying and moves on chunk by chunk. Killed while it does.
        _wait_while_progressing(
            lambda state: state[1] > 0, batch_id=batch.pk, worker=first, stall=STALL
        )
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        done_at_kill = ImportRow.objects.filter(batch=batch, applied_at__isnull=False).count()
        assert 0 < done_at_kill < ROWS
        assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.APPLYING

        second = _worker(broker)
        workers.append(second)
        # Redis gives the killed worker's message back after the visibility timeout; the
        # sweeper re-enqueues the batch as well. Either way it is applied once.
        sweep_import_batches.delay((dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat())

        _wait_while_progressing(
            lambda state: state[0] == ImportBatch.Status.APPLIED,
            batch_id=batch.pk,
            worker=second,
            stall=STALL,
            step=0.2,
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(20)
                except subprocess.TimeoutExpired:
                    worker.kill()

    # 0 lost, 0 duplicated.
    assert not ImportRow.objects.filter(batch=batch, applied_at__isnull=True).exists()
    assert Youth.objects.filter(municipality=municipality).count() == ROWS
    assert not Youth.objects.values("personnummer").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert MoveIn.objects.count() == ROWS
    assert Verification.objects.count() == ROWS
    assert AuditEvent.objects.filter(action="youth.create").count() == ROWS
    counts = ImportBatch.objects.get(pk=batch.pk).applied_counts
    assert (counts["created"], counts["to_verify"], counts["unchanged"]) == (ROWS, ROWS, 0)
