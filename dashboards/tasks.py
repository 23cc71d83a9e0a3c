"""Periodic and on-demand rebuilding of the overview's figures (ids in, idempotent)."""

import datetime as dt
import logging

from celery import shared_task

from dashboards.services import (
    caseload_trends_rebuild,
    monthly_figures_rebuild,
    overview_snapshot_rebuild,
)
from kaa.models import Municipality

logger = logging.getLogger(__name__)


@shared_task(name="dashboards.tasks.rebuild_monthly_figures")
def rebuild_monthly_figures(
    municipality_id: int | None = None, today_iso: str | None = None
) -> int:
    """The monthly figures, the day's overview and the coordinators' caseload trends of
    one municipality, or of every municipality that has youths (the nightly run)."""
    today = dt.date.fromisoformat(today_iso) if today_iso else None
    if municipality_id is not None:
        ids = list(Municipality.objects.filter(pk=municipality_id).values_list("pk", flat=True))
    else:
        ids = list(
            Municipality.objects.filter(youths__isnull=False)
            .distinct()
            .values_list("pk", flat=True)
        )
    rebuilt = 0
    for pk in ids:
        monthly_figures_rebuild(municipality_id=pk, today=today)
        overview_snapshot_rebuild(municipality_id=pk, today=today)
        caseload_trends_rebuild(municipality_id=pk, today=today)
        rebuilt += 1
    logger.info("monthly figures rebuilt for %s municipalities", rebuilt)
    return rebuilt
