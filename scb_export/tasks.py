"""The SCB export runs on a worker; the page shows its progress."""

import logging

from celery import shared_task

from scb_export import services

logger = logging.getLogger(__name__)


@shared_task
def export_run_task(run_id: int) -> None:
    """Build one run. Idempotent: only a queued (or abandoned) run is claimed, so a
    redelivered task does nothing twice."""
    if not services.export_run_claim(run_id):
        logger.info("scb export run %s not claimed (done, running or gone)", run_id)
        return
    try:
        services.export_run_execute(run_id)
    except Exception:
        services.export_run_fail(run_id)
        raise
