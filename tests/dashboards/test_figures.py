"""Each figure of the overview against the hand-built register (conftest.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from dashboards import selectors
from dashboards.models import CaseloadTrend, MonthlyFigure, OverviewSnapshot
from dashboards.services import (
    caseload_trend_past,
    monthly_figures_rebuild,
    overview_snapshot_rebuild,
)
from dashboards.tasks import rebuild_monthly_figures
from kaa.access import youths_visible_to
from tests.dashboards.conftest import TODAY
from youths.figures import Period, period_for, period_of_half_year
from youths.models import Youth

pytestmark = [pytest.mark.django_db]


def figures(user, home, period=None):
    youths = youths_visible_to(user, municipality=home.pk)
    return selectors.overview(youths, period or period_for(TODAY))


def test_sex_is_derived_from_the_personnummer(register):
    sexes = dict(Youth.objects.values_list("first_name", "sex"))
    assert sexes["Anna"] == "K" and sexes["Cilla"] == "K" and sexes["Ella"] == "K"
    assert sexes["Bo"] == "M" and sexes["Dan"] == "M" and sexes["Frank"] == "M"
    for youth in Youth.objects.all():
        assert (youth.sex == "K") == youth.is_female


def test_in_group_by_sex_and_age(register, rektor, home):
    data = figures(rektor, home)
    # Cilla turned 20 during the half-year and Ella's enrolment ended: not in the group.
    assert data.in_group.total == 4
    assert data.in_group.by_sex == {"K": 1, "M": 3}
    assert data.in_group.by_age == {17: 1, 18: 2, 19: 1}
    assert data.in_group.by_sex_age == {("M", 17): 1, ("K", 18): 1, ("M", 18): 1, ("M", 19): 1}
    assert data.ages == [17, 18, 19]


def test_contact_and_action_figures(register, rektor, home):
    data = figures(rektor, home)
    totals = {key: split.total for key, split in data.figures.items()}
    assert totals == {
        "kontaktade": 3,  # Anna, Dan (an attempt counts), Frank
        "ej_kontaktade": 1,  # Bo
        "aldrig_nadda": 2,  # Bo; Dan was reached only in his earlier enrolment
        "i_atgard": 1,  # Dan
        "tackat_nej": 1,  # Frank declined after an earlier yes
        "okand_sysselsattning": 2,  # Bo (none recorded), Frank (okänd)
        "forsenad_uppfoljning": 2,  # Dan (contact's date), Anna (åtgärd's date)
    }
    assert data.figures["kontaktade"].by_sex == {"K": 1, "M": 2}
    assert data.figures["aldrig_nadda"].by_sex == {"K": 0, "M": 2}


def test_entry_reasons_outcomes_and_quality(register, rektor, home):
    data = figures(rektor, home)
    reasons = {r["value"]: (r["split"].by_sex["K"], r["split"].by_sex["M"]) for r in data.reasons}
    assert reasons == {"1": (1, 0), "9": (0, 1), "2": (0, 1), "3": (0, 1)}
    outcomes = {kind["label"]: kind["counts"] for kind in data.outcomes}
    assert outcomes == {
        "Kartläggning": {"studier": 1, "arbete": 0, "annat": 0, "okand": 0},
        "Praktik": {"studier": 0, "arbete": 0, "annat": 0, "okand": 1},
    }
    assert data.quality == {
        "saknar_orsak": 1,
        "avslutad_okand": 1,
        "att_utreda_lange": 1,
        "anmalan_ej_hanterad": 2,  # Bo and Ivar
    }


def test_a_day_earlier_in_the_half_year_counts_the_youth_turning_20(register, rektor, home):
    data = figures(rektor, home, Period(start=dt.date(2026, 7, 1), on=dt.date(2026, 9, 14)))
    # Cilla is in on the day before her 20th birthday, and so is Ella (enrolled until 10-01).
    assert data.in_group.total == 6
    assert data.in_group.by_sex == {"K": 3, "M": 3}
    on_birthday = figures(rektor, home, Period(start=dt.date(2026, 7, 1), on=dt.date(2026, 9, 15)))
    assert on_birthday.in_group.total == 5


def test_a_past_half_year_is_read_on_its_last_day(register, rektor, home):
    period = period_of_half_year(dt.date(2026, 1, 1), today=TODAY)
    assert period == Period(start=dt.date(2026, 1, 1), on=dt.date(2026, 6, 30))
    data = figures(rektor, home, period)
    # Anna, Bo, Cilla, Ella and Dan's second enrolment (from 2026-06-20).
    assert data.in_group.total == 5
    assert data.figures["kontaktade"].total == 0
    assert data.quality["avslutad_okand"] == 0


def test_caseload_scope_counts_only_the_coordinators_youths(register, coordinator, home):
    youths = youths_visible_to(coordinator, municipality=home.pk).filter(assigned_to=coordinator)
    data = selectors.overview(youths, period_for(TODAY))
    assert data.in_group.total == 2  # Anna and Dan
    assert data.figures["forsenad_uppfoljning"].total == 2


def test_outsider_counts_nothing_of_another_municipality(register, outsider, home):
    assert figures(outsider, home).in_group.total == 0


def test_monthly_figures_are_rebuilt_idempotently(register, home):
    assert monthly_figures_rebuild(municipality_id=home.pk, today=TODAY) == 36
    rows = {f.month_end: (f.in_group, f.women, f.men) for f in MonthlyFigure.objects.all()}
    assert len(rows) == 36
    assert min(rows) == dt.date(2023, 11, 30) and max(rows) == dt.date(2026, 10, 31)
    assert rows[dt.date(2025, 5, 31)] == (1, 0, 1)  # Dan's first enrolment
    assert rows[dt.date(2025, 12, 31)] == (1, 0, 1)  # Bo
    assert rows[dt.date(2026, 6, 30)] == (5, 3, 2)
    assert rows[dt.date(2026, 8, 31)] == (6, 3, 3)  # Cilla still under 20, Frank in
    assert rows[dt.date(2026, 9, 30)] == (5, 2, 3)  # Cilla turned 20 on 09-15
    first = MonthlyFigure.objects.get(month_end=dt.date(2026, 6, 30))
    # By kön and age on the month's last day: Ella 16, Anna 18, Cilla 19; Dan 17, Bo 18.
    assert first.by_sex_age == [
        ["K", 16, 1],
        ["K", 18, 1],
        ["K", 19, 1],
        ["M", 17, 1],
        ["M", 18, 1],
    ]
    # Bo turns 19 on 2026-10-01: 18 on the last day of September.
    september = MonthlyFigure.objects.get(month_end=dt.date(2026, 9, 30))
    assert september.by_sex_age == [["K", 16, 1], ["K", 18, 1], ["M", 17, 1], ["M", 18, 2]]
    assert MonthlyFigure.objects.get(month_end=dt.date(2025, 3, 31)).by_sex_age == [["M", 15, 1]]
    assert MonthlyFigure.objects.get(month_end=dt.date(2024, 3, 31)).by_sex_age == []
    # A second run rewrites the same rows (and their time), never adds any.
    rebuild_monthly_figures(municipality_id=home.pk, today_iso=TODAY.isoformat())
    assert MonthlyFigure.objects.count() == 36
    again = MonthlyFigure.objects.get(month_end=dt.date(2026, 6, 30))
    assert (again.pk, again.in_group) == (first.pk, 5)


def test_half_year_trend_reads_the_monthly_figures(register, rektor, home):
    monthly_figures_rebuild(municipality_id=home.pk, today=TODAY)
    data = figures(rektor, home)
    trend = selectors.half_year_trend(
        municipality_id=home.pk, period=period_for(TODAY), current=data.in_group
    )
    assert [p.label for p in trend] == [
        "2024 H1",
        "2024 H2",
        "2025 H1",
        "2025 H2",
        "2026 H1",
        "2026 H2",
    ]
    assert [p.in_group for p in trend] == [0, 0, 0, 1, 5, 4]
    assert trend[-1].live and trend[-1].computed_at is None
    assert all(p.computed_at is not None for p in trend[:-1])


def test_half_year_trend_splits_by_sex_and_age(register, rektor, home):
    monthly_figures_rebuild(municipality_id=home.pk, today=TODAY)
    data = figures(rektor, home)
    trend = selectors.half_year_trend(
        municipality_id=home.pk, period=period_for(TODAY), current=data.in_group
    )
    h1 = trend[-2]
    assert (h1.label, h1.split.by_age) == ("2026 H1", {16: 1, 17: 1, 18: 2, 19: 1})
    assert h1.split.by_sex_age[("K", 19)] == 1 and h1.split.by_sex_age[("M", 18)] == 1
    # The running half-year: today's split.
    assert trend[-1].split.by_age == {17: 1, 18: 2, 19: 1}
    assert selectors.trend_ages(trend) == [16, 17, 18, 19]


def test_a_stored_month_without_the_age_split_says_so(register, rektor, home):
    monthly_figures_rebuild(municipality_id=home.pk, today=TODAY)
    # A row computed before the split existed: counts, but no ages until the next rebuild.
    MonthlyFigure.objects.filter(month_end=dt.date(2026, 6, 30)).update(by_sex_age=[])
    trend = selectors.half_year_trend(
        municipality_id=home.pk, period=period_for(TODAY), current=None
    )
    assert (trend[-2].in_group, trend[-2].split) == (5, None)
    assert trend[-3].split is not None and trend[-3].split.total == 1


def test_caseload_trend_counts_the_past_half_years_of_the_caseload(register, coordinator, home):
    youths = youths_visible_to(coordinator, municipality=home.pk).filter(assigned_to=coordinator)
    period = period_for(TODAY)
    current = selectors.overview(youths, period).in_group
    # No monthly figures stored: the caseload's trend does not need them.
    assert not MonthlyFigure.objects.exists()
    past, computed_at = caseload_trend_past(
        caseload=youths, coordinator_id=coordinator.pk, municipality_id=home.pk, today=TODAY
    )
    trend = selectors.caseload_trend(
        period=period, past=past, computed_at=computed_at, current=current
    )
    assert [p.label for p in trend][-2:] == ["2026 H1", "2026 H2"]
    # Anna (K) and Dan (M): Dan's first enrolment ended 2025-06-01, Anna's began 2026.
    assert [p.in_group for p in trend] == [0, 0, 0, 0, 2, 2]
    assert [(p.women, p.men) for p in trend[-2:]] == [(1, 1), (1, 1)]
    assert trend[-2].on == dt.date(2026, 6, 30) and not trend[-2].live
    assert trend[-2].split.by_sex_age == {("K", 18): 1, ("M", 17): 1}
    assert trend[-1].live and trend[-1].on == TODAY and trend[-1].computed_at is None
    assert all(p.computed_at == computed_at for p in trend[:-1])


def test_caseload_trend_is_stored_for_the_day(register, coordinator, home):
    youths = youths_visible_to(coordinator, municipality=home.pk).filter(assigned_to=coordinator)
    first, computed_at = caseload_trend_past(
        caseload=youths, coordinator_id=coordinator.pk, municipality_id=home.pk, today=TODAY
    )
    assert CaseloadTrend.objects.filter(coordinator=coordinator, on=TODAY).count() == 1
    # Bo (in the group on 2025-12-31 and 2026-06-30) joins the caseload: the day's stored
    # count stands, labelled with its time, until the next day or the nightly run.
    Youth.objects.filter(pk=register["Bo"].pk).update(assigned_to=coordinator)
    again, again_at = caseload_trend_past(
        caseload=youths, coordinator_id=coordinator.pk, municipality_id=home.pk, today=TODAY
    )
    assert (again, again_at) == (first, computed_at)
    tomorrow = TODAY + dt.timedelta(days=1)
    later, _at = caseload_trend_past(
        caseload=youths, coordinator_id=coordinator.pk, municipality_id=home.pk, today=tomorrow
    )
    assert later[dt.date(2026, 6, 30)].total == 3
    assert later[dt.date(2025, 12, 31)].by_sex == {"K": 0, "M": 1}


def test_nightly_run_counts_every_caseload_in_one_pass(register, coordinator, colleague, home):
    Youth.objects.filter(pk=register["Frank"].pk).update(assigned_to=colleague)
    Youth.objects.filter(pk=register["Hugo"].pk).update(assigned_to=colleague)
    # A stale day beyond the week kept is dropped.
    CaseloadTrend.objects.create(
        coordinator=coordinator,
        municipality=home,
        on=TODAY - dt.timedelta(days=30),
        computed_at=timezone.now(),
    )
    rebuild_monthly_figures(municipality_id=home.pk, today_iso=TODAY.isoformat())
    rows = {row.coordinator_id: row for row in CaseloadTrend.objects.filter(on=TODAY)}
    assert set(rows) == {coordinator.pk, colleague.pk}
    assert CaseloadTrend.objects.count() == 2

    def totals(row):
        return [sum(n for _sex, _age, n in split) for _end, split in row.points]

    assert [end for end, _split in rows[coordinator.pk].points] == [
        "2024-06-30",
        "2024-12-31",
        "2025-06-30",
        "2025-12-31",
        "2026-06-30",
    ]
    assert totals(rows[coordinator.pk]) == [0, 0, 0, 0, 2]
    # Frank's enrolment began 2026-07-01; Hugo was never enrolled.
    assert totals(rows[colleague.pk]) == [0, 0, 0, 0, 0]
    # The same as the day's first view counts for one coordinator.
    youths = youths_visible_to(coordinator, municipality=home.pk).filter(assigned_to=coordinator)
    CaseloadTrend.objects.all().delete()
    live, _at = caseload_trend_past(
        caseload=youths, coordinator_id=coordinator.pk, municipality_id=home.pk, today=TODAY
    )
    assert CaseloadTrend.objects.get().points == rows[coordinator.pk].points
    assert live[dt.date(2026, 6, 30)].by_sex_age == {("K", 18): 1, ("M", 17): 1}
    # Running it twice leaves one row per coordinator and day.
    rebuild_monthly_figures(municipality_id=home.pk, today_iso=TODAY.isoformat())
    rebuild_monthly_figures(municipality_id=home.pk, today_iso=TODAY.isoformat())
    assert CaseloadTrend.objects.filter(on=TODAY).count() == 2


def test_trend_says_when_figures_are_missing(register, home):
    trend = selectors.half_year_trend(
        municipality_id=home.pk, period=period_for(TODAY), current=None
    )
    assert [p.in_group for p in trend] == [None] * 6


def test_stored_overview_is_the_computed_one(register, rektor, home):
    data = figures(rektor, home)
    assert selectors.overview_from_json(selectors.overview_to_json(data)) == data
    old = OverviewSnapshot.objects.create(
        municipality=home, on=TODAY - dt.timedelta(days=8), computed_at=timezone.now(), data={}
    )
    snapshot = overview_snapshot_rebuild(municipality_id=home.pk, today=TODAY)
    again = overview_snapshot_rebuild(municipality_id=home.pk, today=TODAY)
    assert selectors.overview_from_json(again.data) == data
    # One row per day, rewritten; a week-old day is dropped by the job.
    assert list(OverviewSnapshot.objects.values_list("on", flat=True)) == [TODAY]
    assert snapshot.on == again.on and not OverviewSnapshot.objects.filter(pk=old.pk).exists()
