"""Import tasks: the sweeper re-enqueues stuck batches, the attempt cap fails a batch."""

import datetime as dt

from django.utils import timezone

from tests.conftest import valid_personnummer
from tests.youths.imports.conftest import INFLYTTADE_HEADER, csv_bytes, inflyttad
from youths.imports import services
from youths.imports.models import ImportBatch, ImportKind
from youths.imports.tasks import apply_batch, preview_batch, sweep_import_batches
from youths.models import Youth


def _batch(municipality):
    rows = [INFLYTTADE_HEADER, inflyttad(valid_personnummer(dt.date(2008, 3, 3)))]
    batch, _ = services.import_batch_upload(
        acting_user=None,
        municipality=municipality,
        kind=ImportKind.INFLYTTADE,
        file_name="a.csv",
        content=csv_bytes(rows),
    )
    return batch


def test_sweeper_re_enqueues_a_stuck_batch_once_it_is_stale(db, other_municipality, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    batch = _batch(other_municipality)
    # Uploaded, but the message to read it was lost.
    assert sweep_import_batches() == 0  # not stale yet
    later = timezone.now() + dt.timedelta(minutes=settings.IMPORT_STUCK_MINUTES + 1)
    assert sweep_import_batches(later.isoformat()) == 1  # runs the preview in-process
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW
    # Confirmed, then the worker died and the broker forgot the message.
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)
    later = timezone.now() + dt.timedelta(minutes=settings.IMPORT_STUCK_MINUTES + 1)
    assert sweep_import_batches(later.isoformat()) == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED
    assert Youth.objects.count() == 1
    assert sweep_import_batches(later.isoformat()) == 0  # nothing left to sweep


def test_attempt_cap_marks_the_batch_failed_with_the_reason(db, other_municipality, settings):
    settings.IMPORT_MAX_ATTEMPTS = 2
    batch = _batch(other_municipality)
    preview_batch(batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.QUEUED, attempts=settings.IMPORT_MAX_ATTEMPTS
    )
    apply_batch(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "Avbröts efter 2 försök" in batch.failure
    assert not Youth.objects.exists()


def test_tasks_tolerate_a_deleted_batch(db):
    preview_batch(999_999)
    apply_batch(999_999)
    assert not ImportBatch.objects.exists()
