"""Celery tasks of imports. They take ids, are enqueued on commit, and are idempotent:
the state of a batch lives in PostgreSQL, each step claims it with a conditional update,
and applying is keyed by (batch, row number)."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from youths.imports import services
from youths.imports.models import ImportBatch
from youths.imports.reader import UnreadableFile

logger = logging.getLogger(__name__)
Status = ImportBatch.Status


def _count_attempt(batch_id: int) -> int | None:
    """Count this delivery; None when the batch is gone. Past the cap the batch fails."""
    ImportBatch.objects.filter(pk=batch_id).update(attempts=F("attempts") + 1)
    attempts = ImportBatch.objects.filter(pk=batch_id).values_list("attempts", flat=True).first()
    if attempts is not None and attempts > settings.IMPORT_MAX_ATTEMPTS:
        services.import_batch_fail(
            batch_id=batch_id,
            reason=f"Avbröts efter {settings.IMPORT_MAX_ATTEMPTS} försök. Ladda upp filen igen.",
        )
        return None
    return attempts


@shared_task(name="youths.imports.tasks.preview_batch")
def preview_batch(batch_id: int) -> None:
    if _count_attempt(batch_id) is None:
        return
    try:
        services.import_batch_preview(batch_id=batch_id)
    except ImportBatch.DoesNotExist:
        logger.info("import batch %s is gone", batch_id)
    except UnreadableFile:
        logger.info("import batch %s could not be read", batch_id)
    else:
        ImportBatch.objects.filter(pk=batch_id).update(attempts=0)


@shared_task(name="youths.imports.tasks.apply_batch")
def apply_batch(batch_id: int) -> None:
    if _count_attempt(batch_id) is None:
        return
    try:
        services.import_batch_apply(batch_id=batch_id)
    except ImportBatch.DoesNotExist:
        logger.info("import batch %s is gone", batch_id)


@shared_task(name="youths.imports.tasks.sweep_import_batches")
def sweep_import_batches(now_iso: str | None = None) -> int:
    """Re-enqueue batches left waiting or running without progress (a lost message, a
    worker that died after the broker gave up). Running a step twice changes nothing."""
    now = dt.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    stale = now - dt.timedelta(minutes=settings.IMPORT_STUCK_MINUTES)
    swept = 0
    for batch_id, status in ImportBatch.objects.filter(
        status__in=[Status.UPLOADED, Status.PARSING, Status.QUEUED, Status.APPLYING],
        status_changed_at__lt=stale,
    ).values_list("pk", "status"):
        ImportBatch.objects.filter(pk=batch_id).update(status_changed_at=now)
        if status in (Status.UPLOADED, Status.PARSING):
            preview_batch.delay(batch_id)
        else:
            apply_batch.delay(batch_id)
        swept += 1
    if swept:
        logger.info("re-enqueued %s stuck import batches", swept)
    return swept
