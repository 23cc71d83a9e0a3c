"""On today (the list's default) the status filters and the drill-downs read the casework
summary's columns; they must list exactly the youths the enrolment rule gives, at the
boundaries too: turning 20 today, an enrolment ending yesterday or today, an open
verification beside an enrolment, a youth with two enrolments."""

import datetime as dt

import pytest
import time_machine
from django.db.models import Exists, OuterRef

from kaa.models import Code
from tests.conftest import code
from youths import selectors
from youths.figures import FigureFilter
from youths.models import Enrolment, Verification, Youth
from youths.querysets import Status

pytestmark = [pytest.mark.django_db]
TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def today():
    with time_machine.travel(dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC), tick=False):
        yield TODAY


def _years_ago(years: int, days: int = 0) -> dt.date:
    return TODAY.replace(year=TODAY.year - years) + dt.timedelta(days=days)


@pytest.fixture
def boundaries(today, make_youth, entry_reason, exit_moved):
    unknown = code(Code.ListName.ENTRY_REASON, "okand")
    cases = {}

    def youth(name, birth=None):
        cases[name] = make_youth(first_name=name, birth=birth or _years_ago(18))
        return cases[name]

    def enrol(who, start, end=None, reason=entry_reason):
        Enrolment.objects.create(
            youth=who,
            start_date=start,
            end_date=end,
            entry_reason=reason,
            exit_reason=exit_moved if end else None,
        )

    day = dt.timedelta(days=1)
    enrol(youth("open"), TODAY - 40 * day)
    enrol(youth("turns_20_today", _years_ago(20)), TODAY - 40 * day)
    enrol(youth("turns_20_tomorrow", _years_ago(20, days=1)), TODAY - 40 * day)
    enrol(youth("ended_yesterday"), TODAY - 40 * day, TODAY - day)
    enrol(youth("ended_today"), TODAY - 40 * day, TODAY)
    enrol(youth("ends_tomorrow"), TODAY - 40 * day, TODAY + day)
    enrol(youth("starts_today"), TODAY, reason=unknown)
    # Two enrolments: the earlier one's orsak is unknown, the current one's is not.
    two = youth("two_enrolments")
    enrol(two, TODAY - 300 * day, TODAY - 100 * day, reason=unknown)
    enrol(two, TODAY - 50 * day)
    # Two enrolments, the latter ended: out of the group, with a known earlier orsak.
    two_ended = youth("two_ended")
    enrol(two_ended, TODAY - 300 * day, TODAY - 100 * day)
    enrol(two_ended, TODAY - 50 * day, TODAY - 10 * day, reason=unknown)
    verified = youth("verification_and_enrolment")
    enrol(verified, TODAY - 40 * day, reason=unknown)
    Verification.objects.create(youth=verified, opened_on=TODAY - 3 * day, source="manual")
    Verification.objects.create(
        youth=youth("verification_only"), opened_on=TODAY - 20 * day, source="manual"
    )
    Verification.objects.create(
        youth=youth("verification_resolved"),
        opened_on=TODAY - 20 * day,
        resolved_on=TODAY - day,
        source="manual",
    )
    youth("nothing")
    return cases


def _names(queryset):
    return set(queryset.values_list("first_name", flat=True))


def _exact(status):
    """The rule from the source tables (Youth.objects.with_status), not the summary."""
    return _names(Youth.objects.with_status(on=TODAY).filter(status=status))


def _listed(user, municipality, **filters):
    return _names(
        selectors.youth_list(
            user=user, municipality_id=municipality.pk, on=TODAY, coordinator="all", **filters
        )
    )


def test_status_filters_from_the_summary_match_the_rule(coordinator, home, boundaries):
    expected_in_group = {
        "open",
        "turns_20_tomorrow",
        "ends_tomorrow",
        "starts_today",
        "two_enrolments",
        "verification_and_enrolment",
    }
    assert _exact(Status.IN_GROUP) == expected_in_group
    assert _exact(Status.TO_VERIFY) == {"verification_only"}
    for status in Status.values:
        assert _listed(coordinator, home, status=status) == _exact(status), status


def _figure(user, municipality, **query):
    figure = FigureFilter.from_query(query)
    return _listed(user, municipality, figure=figure, figure_period=figure.period(today=TODAY))


def test_drill_downs_by_orsak_from_the_summary_match_the_covering_enrolment(
    coordinator, home, boundaries, entry_reason
):
    covering = Enrolment.objects.covering(TODAY).filter(youth=OuterRef("pk"))
    in_group = Youth.objects.filter(Exists(covering))
    unknown = in_group.filter(Exists(covering.filter(entry_reason__key="okand")))
    assert _names(unknown) == {"starts_today", "verification_and_enrolment"}
    assert _figure(coordinator, home, figur="saknar_orsak") == _names(unknown)
    assert _figure(coordinator, home, figur="orsak", orsak=entry_reason.value) == (
        _names(in_group) - _names(unknown)
    )
    assert _figure(coordinator, home, figur="i_malgrupp") == _names(in_group)


def test_an_earlier_half_year_reads_the_enrolments(coordinator, home, boundaries):
    # On 2026-06-30 only "two_enrolments" and "two_ended" were enrolled (their first
    # enrolments, until 2026-08-14); "two_enrolments" began with an unknown orsak.
    assert _figure(coordinator, home, figur="i_malgrupp", halvar="2026H1") == {
        "two_enrolments",
        "two_ended",
    }
    assert _figure(coordinator, home, figur="saknar_orsak", halvar="2026H1") == {"two_enrolments"}
