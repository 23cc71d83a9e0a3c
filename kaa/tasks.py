import logging

from celery import shared_task

from kaa.logreview import purge_audit_events

logger = logging.getLogger(__name__)


@shared_task(name="kaa.tasks.purge_old_audit_events")
def purge_old_audit_events() -> int:
    deleted = purge_audit_events()
    logger.info("purged %s audit rows past the retention period", deleted)
    return deleted


@shared_task(name="kaa.tasks.purge_form_submissions")
def purge_form_submissions() -> int:
    from kaa.idempotency import purge_form_submissions as purge

    deleted = purge()
    logger.info("purged %s used form tokens", deleted)
    return deleted
