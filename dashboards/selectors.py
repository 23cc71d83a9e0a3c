"""Every figure of the overview with a handful of aggregate queries (never one per youth).

The conditions come from `youths.figures`, which the youth list uses for the drill-down,
so a list shows exactly the youths a figure counted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, DateField, F, Value

from dashboards.models import MonthlyFigure
from kaa.models import Code
from youths.figures import (
    OUTCOME_CATEGORIES,
    Period,
    age_on,
    ended_actions,
    entry_reason_field,
    half_year_end,
    half_year_label,
    half_year_start,
    in_group_figures,
    quality_conditions,
    with_in_group_figures,
)

SEXES = ("K", "M")
IN_GROUP_ORDER = (
    "kontaktade",
    "ej_kontaktade",
    "aldrig_nadda",
    "i_atgard",
    "tackat_nej",
    "okand_sysselsattning",
    "forsenad_uppfoljning",
)


@dataclass
class Split:
    """One figure: the total, per kön and per kön and age."""

    total: int = 0
    by_sex: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEXES, 0))
    by_age: dict[int, int] = field(default_factory=dict)
    by_sex_age: dict[tuple[str, int], int] = field(default_factory=dict)

    def add(self, sex: str, age: int | None, count: int) -> None:
        self.total += count
        self.by_sex[sex] = self.by_sex.get(sex, 0) + count
        if age is not None:
            self.by_age[age] = self.by_age.get(age, 0) + count
            self.by_sex_age[(sex, age)] = self.by_sex_age.get((sex, age), 0) + count


@dataclass
class Overview:
    period: Period
    in_group: Split
    figures: dict[str, Split]
    ages: list[int]
    reasons: list[dict]
    outcomes: list[dict]
    quality: dict[str, int]


def in_group_splits(youths, period: Period) -> tuple[Split, dict[str, Split]]:
    """The group on `period.on` and every in-group figure, by kön and age (one query)."""
    conditions = in_group_figures(period)
    aggregates = {
        key: Count("pk", filter=condition) if condition else Count("pk")
        for key, condition in conditions.items()
    }
    rows = (
        with_in_group_figures(youths, period)
        .annotate(age=age_on(period.on))
        .values("sex", "age")
        .annotate(**aggregates)
        .order_by()
    )
    splits = {key: Split() for key in conditions}
    for row in rows:
        for key in conditions:
            splits[key].add(row["sex"], row["age"], row[key])
    return splits.pop("i_malgrupp"), splits


def entry_reasons(youths, period: Period) -> list[dict]:
    """The group on `period.on` by orsak till registrering of the covering enrolment."""
    field = entry_reason_field(period)
    rows = (
        with_in_group_figures(youths, period, from_summary=field != "fig_entry_reason")
        .annotate(reason=F(field))
        .values("reason", "sex")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str, Split] = defaultdict(Split)
    for row in rows:
        counts[row["reason"]].add(row["sex"], None, row["n"])
    labels = {
        code.value: code.label
        for code in Code.objects.current(Code.ListName.ENTRY_REASON, on=period.on)
    }
    return [
        {"value": value, "label": labels.get(value, value), "split": split}
        for value, split in sorted(counts.items(), key=lambda item: -item[1].total)
    ]


def action_outcomes(youths, period: Period) -> list[dict]:
    """Per åtgärd type: youths whose åtgärd of that type ended in the period, by what
    they did after (studier, arbete, annat, okänd)."""
    rows = (
        ended_actions(period)
        .filter(youth__in=youths.values("pk"))
        .values("kind__value", "kind__label", "outcome")
        .annotate(n=Count("youth", distinct=True))
        .order_by()
    )
    kinds: dict[str, dict] = {}
    for row in rows:
        kind = kinds.setdefault(
            row["kind__value"],
            {
                "value": row["kind__value"],
                "label": row["kind__label"],
                "counts": dict.fromkeys(OUTCOME_CATEGORIES, 0),
            },
        )
        kind["counts"][row["outcome"]] += row["n"]
    return sorted(kinds.values(), key=lambda kind: _code_order(kind["value"]))


def _code_order(value: str):
    return (0, int(value)) if value.isdigit() else (1, value)


def data_quality(youths, period: Period) -> dict[str, int]:
    conditions = quality_conditions(period)
    return youths.aggregate(
        **{key: Count("pk", filter=condition) for key, condition in conditions.items()}
    )


def overview(youths, period: Period) -> Overview:
    """All figures over `youths` (already scoped by the access helper) on `period`."""
    in_group, figures = in_group_splits(youths, period)
    quality = data_quality(youths, period)
    quality["saknar_orsak"] = figures.pop("saknar_orsak").total
    ages = sorted(in_group.by_age)
    return Overview(
        period=period,
        in_group=in_group,
        figures={key: figures[key] for key in IN_GROUP_ORDER},
        ages=ages,
        reasons=entry_reasons(youths, period),
        outcomes=action_outcomes(youths, period),
        quality=quality,
    )


@dataclass
class TrendPoint:
    label: str
    on: dt.date
    in_group: int | None
    women: int | None
    men: int | None
    computed_at: dt.datetime | None
    live: bool = False
    # By kön and age on `on`; None where a stored row predates the split.
    split: Split | None = None


def _half_year_starts(period: Period, count: int) -> list[dt.date]:
    starts = []
    start = period.start
    for _ in range(count):
        starts.append(start)
        start = half_year_start(start - dt.timedelta(days=1))
    return list(reversed(starts))


def _live_point(label: str, on: dt.date, split: Split, *, live: bool = False) -> TrendPoint:
    return TrendPoint(
        label=label,
        on=on,
        in_group=split.total,
        women=split.by_sex.get("K", 0),
        men=split.by_sex.get("M", 0),
        computed_at=None,
        live=live,
        split=split,
    )


def half_year_trend(
    *, municipality_id: int, period: Period, current: Split | None, count: int = 6
) -> list[TrendPoint]:
    """The group on the last day of each of the `count` half-years up to `period`: past
    ones from the monthly figures (None if not computed yet), the running one live."""
    starts = _half_year_starts(period, count)
    ends = [half_year_end(s) for s in starts]
    stored = {
        figure.month_end: figure
        for figure in MonthlyFigure.objects.filter(
            municipality_id=municipality_id, month_end__in=ends
        )
    }
    points = []
    for start, end in zip(starts, ends, strict=True):
        if end >= period.on and current is not None:
            points.append(_live_point(half_year_label(start), period.on, current, live=True))
            continue
        figure = stored.get(end)
        points.append(
            TrendPoint(
                label=half_year_label(start),
                on=end,
                in_group=figure.in_group if figure else None,
                women=figure.women if figure else None,
                men=figure.men if figure else None,
                computed_at=figure.computed_at if figure else None,
                split=_stored_split(figure) if figure else None,
            )
        )
    return points


def _stored_split(figure: MonthlyFigure) -> Split | None:
    if not figure.by_sex_age and figure.in_group:
        return None  # computed before the age split existed
    split = Split()
    for sex, age, n in figure.by_sex_age:
        split.add(sex, age, n)
    return split


def past_half_year_ends(period: Period, count: int = 6) -> list[dt.date]:
    """The last days of the half-years of the trend that ended before `period.on`."""
    ends = [half_year_end(start) for start in _half_year_starts(period, count)]
    return [end for end in ends if end < period.on]


def caseload_splits(youths, *, ends: list[dt.date]) -> dict[int, dict[dt.date, Split]]:
    """The group on each of `ends` by responsible coordinator (the youths' assignment
    now), kön and age: one query, the days' counts as a UNION ALL. Coordinators none of
    whose youths was in the group on a day have no entry for it."""
    splits: dict[int, dict[dt.date, Split]] = defaultdict(dict)
    if not ends:
        return splits
    queries = [
        youths.filter(assigned_to__isnull=False)
        .in_target_group(on=end)
        .annotate(age=age_on(end), point=Value(end, output_field=DateField()))
        .values("assigned_to_id", "point", "sex", "age")
        .annotate(n=Count("pk"))
        .order_by()
        for end in ends
    ]
    for row in queries[0].union(*queries[1:], all=True):
        by_day = splits[row["assigned_to_id"]]
        by_day.setdefault(row["point"], Split()).add(row["sex"], row["age"], row["n"])
    return splits


def caseload_trend(
    *,
    period: Period,
    past: dict[dt.date, Split],
    computed_at: dt.datetime | None,
    current: Split,
    count: int = 6,
) -> list[TrendPoint]:
    """The trend of a coordinator's caseload: the past half-years as counted at
    `computed_at` (`past`, by the half-year's last day; a day missing there had nobody
    of the caseload in the group), the running one live from `current`."""
    points = []
    for start in _half_year_starts(period, count):
        end = half_year_end(start)
        if end < period.on:
            point = _live_point(half_year_label(start), end, past.get(end, Split()))
            point.computed_at = computed_at
        else:
            point = _live_point(half_year_label(start), period.on, current, live=True)
        points.append(point)
    return points


def _group_counts(youths, *, on: dt.date):
    return (
        youths.in_target_group(on=on)
        .annotate(age=age_on(on))
        .values("sex", "age")
        .annotate(n=Count("pk"))
        .order_by()
    )


def group_split(youths, *, on: dt.date) -> Split:
    """The youths in the group on `on`, by kön and age on that day (one query)."""
    split = Split()
    for row in _group_counts(youths, on=on):
        split.add(row["sex"], row["age"], row["n"])
    return split


def split_to_json(split: Split) -> list[list]:
    return sorted([sex, age, n] for (sex, age), n in split.by_sex_age.items())


def split_from_json(rows: list[list]) -> Split:
    split = Split()
    for sex, age, n in rows:
        split.add(sex, age, n)
    return split


def trend_ages(trend: list[TrendPoint]) -> list[int]:
    return sorted({age for point in trend if point.split for age in point.split.by_age})


def overview_to_json(data: Overview) -> dict:
    def split(s: Split) -> dict:
        return {
            "total": s.total,
            "by_sex": s.by_sex,
            "by_age": [[age, n] for age, n in s.by_age.items()],
            "by_sex_age": [[sex, age, n] for (sex, age), n in s.by_sex_age.items()],
        }

    return {
        "period": [data.period.start.isoformat(), data.period.on.isoformat()],
        "in_group": split(data.in_group),
        "figures": {key: split(value) for key, value in data.figures.items()},
        "ages": data.ages,
        "reasons": [
            {"value": r["value"], "label": r["label"], "split": split(r["split"])}
            for r in data.reasons
        ],
        "outcomes": data.outcomes,
        "quality": data.quality,
    }


def overview_from_json(raw: dict) -> Overview:
    def split(d: dict) -> Split:
        return Split(
            total=d["total"],
            by_sex=dict(d["by_sex"]),
            by_age={age: n for age, n in d["by_age"]},
            by_sex_age={(sex, age): n for sex, age, n in d["by_sex_age"]},
        )

    start, on = (dt.date.fromisoformat(day) for day in raw["period"])
    return Overview(
        period=Period(start=start, on=on),
        in_group=split(raw["in_group"]),
        figures={key: split(value) for key, value in raw["figures"].items()},
        ages=list(raw["ages"]),
        reasons=[
            {"value": r["value"], "label": r["label"], "split": split(r["split"])}
            for r in raw["reasons"]
        ],
        outcomes=list(raw["outcomes"]),
        quality=dict(raw["quality"]),
    )
