import logging

from celery import shared_task

from youths.services import enrolments_close_turned_20

logger = logging.getLogger(__name__)


@shared_task(name="youths.tasks.close_enrolments_turned_20")
def close_enrolments_turned_20(today_iso: str | None = None) -> int:
    """Nightly: close enrolments on the 20th birthday. Safe to run again at any time."""
    import datetime as dt

    today = dt.date.fromisoformat(today_iso) if today_iso else None
    run = enrolments_close_turned_20(today=today)
    # A misconfigured municipality is logged by the service; the others were served.
    return run.closed


@shared_task(name="youths.tasks.rebuild_case_summary")
def rebuild_case_summary() -> int:
    """Nightly: recompute every youth's casework summary from the source tables, so a
    row that a path outside the services left stale is right again by morning."""
    from youths.summary import case_summary_rebuild

    count = case_summary_rebuild()
    logger.info("rebuilt the casework summary of %s youths", count)
    return count


# The import tasks live with the imports; importing them here registers them with Celery.
from youths.imports import tasks as import_tasks  # noqa: E402, F401
