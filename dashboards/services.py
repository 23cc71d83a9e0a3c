"""Rebuilding the monthly figures. Idempotent: each run overwrites the same rows."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from dashboards.models import CaseloadTrend, MonthlyFigure, OverviewSnapshot
from dashboards.selectors import (
    Split,
    caseload_splits,
    group_split,
    overview,
    overview_from_json,
    overview_to_json,
    past_half_year_ends,
    split_from_json,
    split_to_json,
)
from youths.figures import period_for
from youths.models import Youth

logger = logging.getLogger(__name__)

MONTHS_KEPT = 36  # six half-years of trend
SNAPSHOT_DAYS_KEPT = 7


def month_ends(*, before: dt.date, count: int = MONTHS_KEPT) -> list[dt.date]:
    """The last days of the `count` complete months before `before`, oldest first."""
    ends = []
    end = before.replace(day=1) - dt.timedelta(days=1)
    for _ in range(count):
        ends.append(end)
        end = end.replace(day=1) - dt.timedelta(days=1)
    return list(reversed(ends))


def monthly_figures_rebuild(
    *, municipality_id: int, today: dt.date | None = None, months: int = MONTHS_KEPT
) -> int:
    """Count the group on each of the last `months` month-ends and store the counts.

    One aggregate query per month-end, through `Youth.objects.in_target_group`, by kön
    and by age on the month-end; rows are upserted on (municipality, month_end), so
    running it twice changes nothing twice.
    """
    today = today or timezone.localdate()
    computed_at = timezone.now()
    youths = Youth.objects.filter(municipality_id=municipality_id)
    rows = []
    for end in month_ends(before=today, count=months):
        split = group_split(youths, on=end)
        rows.append(
            MonthlyFigure(
                municipality_id=municipality_id,
                month_end=end,
                in_group=split.total,
                women=split.by_sex.get("K", 0),
                men=split.by_sex.get("M", 0),
                by_sex_age=sorted([sex, age, n] for (sex, age), n in split.by_sex_age.items()),
                computed_at=computed_at,
            )
        )
    with transaction.atomic():
        MonthlyFigure.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["municipality", "month_end"],
            update_fields=["in_group", "women", "men", "by_sex_age", "computed_at"],
        )
    logger.info("monthly figures rebuilt municipality=%s months=%s", municipality_id, len(rows))
    return len(rows)


def last_computed(municipality_id: int) -> dt.datetime | None:
    return (
        MonthlyFigure.objects.filter(municipality_id=municipality_id)
        .order_by("-computed_at")
        .values_list("computed_at", flat=True)
        .first()
    )


def overview_snapshot_rebuild(
    *, municipality_id: int, today: dt.date | None = None, prune: bool = True
) -> OverviewSnapshot:
    """Compute the municipality's overview for `today` and store it (upsert on the day:
    running it twice, or two first views at once, leaves one row). `prune` drops days
    older than a week (the job does; a page view need not)."""
    today = today or timezone.localdate()
    data = overview(Youth.objects.filter(municipality_id=municipality_id), period_for(today))
    snapshot = OverviewSnapshot(
        municipality_id=municipality_id,
        on=today,
        computed_at=timezone.now(),
        data=overview_to_json(data),
    )
    OverviewSnapshot.objects.bulk_create(
        [snapshot],
        update_conflicts=True,
        unique_fields=["municipality", "on"],
        update_fields=["computed_at", "data"],
    )
    if prune:
        OverviewSnapshot.objects.filter(
            municipality_id=municipality_id,
            on__lt=today - dt.timedelta(days=SNAPSHOT_DAYS_KEPT),
        ).delete()
    logger.info("overview computed municipality=%s", municipality_id)
    return snapshot


def municipality_overview(*, municipality_id: int, today: dt.date):
    """The day's overview of the whole municipality and when it was computed: the stored
    one, or computed now by the day's first view."""
    snapshot = OverviewSnapshot.objects.filter(municipality_id=municipality_id, on=today).first()
    if snapshot is None:
        snapshot = overview_snapshot_rebuild(
            municipality_id=municipality_id, today=today, prune=False
        )
    return overview_from_json(snapshot.data), snapshot.computed_at


def _caseload_rows(
    splits: dict[int, dict[dt.date, Split]],
    coordinator_ids,
    *,
    municipality_id: int,
    today: dt.date,
    ends: list[dt.date],
) -> list[CaseloadTrend]:
    computed_at = timezone.now()
    return [
        CaseloadTrend(
            coordinator_id=coordinator_id,
            municipality_id=municipality_id,
            on=today,
            computed_at=computed_at,
            points=[
                [end.isoformat(), split_to_json(splits.get(coordinator_id, {}).get(end, Split()))]
                for end in ends
            ],
        )
        for coordinator_id in coordinator_ids
    ]


def _caseload_store(rows: list[CaseloadTrend]) -> None:
    # Upsert on the day: a second run, or two first views at once, leave one row.
    CaseloadTrend.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["coordinator", "municipality", "on"],
        update_fields=["computed_at", "points"],
    )


def caseload_trends_rebuild(*, municipality_id: int, today: dt.date | None = None) -> int:
    """Count the past half-years of every coordinator's caseload in the municipality for
    `today` (one query for all of them) and store them; drop days older than a week.
    Returns the number of coordinators."""
    today = today or timezone.localdate()
    ends = past_half_year_ends(period_for(today))
    youths = Youth.objects.filter(municipality_id=municipality_id)
    coordinator_ids = sorted(
        set(
            youths.filter(assigned_to__isnull=False)
            .order_by()
            .values_list("assigned_to_id", flat=True)
            .distinct()
        )
    )
    splits = caseload_splits(youths, ends=ends)
    rows = _caseload_rows(
        splits, coordinator_ids, municipality_id=municipality_id, today=today, ends=ends
    )
    with transaction.atomic():
        _caseload_store(rows)
        CaseloadTrend.objects.filter(
            municipality_id=municipality_id,
            on__lt=today - dt.timedelta(days=SNAPSHOT_DAYS_KEPT),
        ).delete()
    logger.info(
        "caseload trends computed municipality=%s coordinators=%s",
        municipality_id,
        len(rows),
    )
    return len(rows)


def caseload_trend_past(
    *, caseload, coordinator_id: int, municipality_id: int, today: dt.date
) -> tuple[dict[dt.date, Split], dt.datetime]:
    """A coordinator's caseload in the group at the past half-years' ends, and when it
    was counted: the day's stored count, or counted now over `caseload` (the youths
    assigned to them, through the access helper) by the day's first view."""
    stored = (
        CaseloadTrend.objects.filter(
            coordinator_id=coordinator_id, municipality_id=municipality_id, on=today
        )
        .only("computed_at", "points")
        .first()
    )
    if stored is None:
        ends = past_half_year_ends(period_for(today))
        splits = caseload_splits(caseload, ends=ends)
        (stored,) = _caseload_rows(
            splits, [coordinator_id], municipality_id=municipality_id, today=today, ends=ends
        )
        _caseload_store([stored])
    past = {dt.date.fromisoformat(end): split_from_json(rows) for end, rows in stored.points}
    return past, stored.computed_at
