"""The one rule of time (youths/rules.py): skolplikt, the 20th birthday, which enrolment an
event belongs to, and date sanity. Property tests check the Python rule against the SQL."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaa.models import Municipality
from tests.conftest import valid_personnummer
from youths import rules
from youths.models import Enrolment, Youth
from youths.personnummer import age_on

TODAY = dt.date(2026, 11, 22)

births = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


def test_skolplikt_ends_with_the_spring_term_of_the_year_of_16():
    assert rules.skolplikt_end(dt.date(2010, 1, 1)) == dt.date(2026, 6, 30)
    assert rules.skolplikt_end(dt.date(2010, 12, 31)) == dt.date(2026, 6, 30)
    assert rules.earliest_enrolment(dt.date(2010, 12, 31)) == dt.date(2026, 7, 1)


def test_skolplikt_end_follows_the_municipality_term():
    municipality = Municipality(spring_term_end_month=6, spring_term_end_day=12)
    assert rules.skolplikt_end(dt.date(2010, 3, 3), municipality=municipality) == dt.date(
        2026, 6, 12
    )
    # A day past the month's end means the month's last day.
    municipality = Municipality(spring_term_end_month=6, spring_term_end_day=31)
    assert rules.skolplikt_end(dt.date(2010, 3, 3), municipality=municipality) == dt.date(
        2026, 6, 30
    )


@given(births)
def test_skolplikt_ends_in_the_year_the_youth_turns_16(birth):
    end = rules.skolplikt_end(birth)
    assert end.year == birth.year + 16
    assert age_on(birth, end) in (15, 16)
    assert (end.month, end.day) == (6, 30)


@given(births)
def test_turns_20_on_is_the_first_day_of_age_20(birth):
    birthday = rules.turns_20_on(birth)
    assert age_on(birth, birthday) == 20
    assert age_on(birth, birthday - dt.timedelta(days=1)) == 19


def test_29_february_turns_20_on_1_march_in_a_common_year():
    assert rules.turns_20_on(dt.date(2008, 2, 29)) == dt.date(2028, 2, 29)
    assert rules.turns_20_on(dt.date(2007, 2, 28)) == dt.date(2027, 2, 28)
    assert rules.turns_20_on(dt.date(2004, 2, 29)) == dt.date(2024, 2, 29)
    assert rules.turns_20_on(dt.date(2005, 3, 1)) == dt.date(2025, 3, 1)
    # Born 2008-02-29: 2028 is a leap year, but 18 falls in 2026, which is not.
    from youths.personnummer import birthday_of_age

    assert birthday_of_age(dt.date(2008, 2, 29), 18) == dt.date(2026, 3, 1)


class _E:
    def __init__(self, start, end=None):
        self.start_date, self.end_date = start, end


@given(
    start=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 1, 1)),
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=2000)),
    day=st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2036, 1, 1)),
    turns_20=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2036, 1, 1)),
)
def test_enrolment_for_holds_start_to_end_exclusive_and_before_20(start, length, day, turns_20):
    end = None if length is None else start + dt.timedelta(days=length)
    enrolment = _E(start, end)
    found = rules.enrolment_for([enrolment], day, turns_20=turns_20)
    expected = start <= day and (end is None or day < end) and day < turns_20
    assert (found is enrolment) == expected


def test_enrolment_for_picks_the_enrolment_of_the_day():
    first = _E(dt.date(2025, 1, 1), dt.date(2025, 6, 1))
    second = _E(dt.date(2025, 6, 1))
    turns_20 = dt.date(2027, 1, 1)
    assert rules.enrolment_for([first, second], dt.date(2025, 5, 31), turns_20=turns_20) is first
    # The end date is the first day outside: an event on it belongs to the next one.
    assert rules.enrolment_for([first, second], dt.date(2025, 6, 1), turns_20=turns_20) is second
    assert rules.enrolment_for([first, second], dt.date(2024, 12, 31), turns_20=turns_20) is None
    assert rules.enrolment_for([first, second], turns_20, turns_20=turns_20) is None


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    offset=st.integers(min_value=-400, max_value=1800),
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=900)),
)
def test_sql_and_python_agree_on_the_rule(home, entry_reason, exit_moved, offset, length):
    """Enrolment.objects.covering, Youth.objects.in_target_group and enrolment_for are one
    rule: they agree on every day around an enrolment and the 20th birthday."""
    birth = dt.date(2007, 2, 28)
    youth = Youth.objects.create(
        municipality=home,
        personnummer=valid_personnummer(birth),
        first_name="Regel",
        last_name="Test",
    )
    start = dt.date(2025, 8, 1)
    end = None if length is None else start + dt.timedelta(days=length)
    Enrolment.objects.create(
        youth=youth,
        start_date=start,
        end_date=end,
        entry_reason=entry_reason,
        exit_reason=None if end is None else exit_moved,
    )
    day = start + dt.timedelta(days=offset)
    enrolments = list(youth.enrolments.all())
    python = rules.enrolment_for(enrolments, day) is not None
    assert Enrolment.objects.covering(day).filter(youth=youth).exists() == python
    assert Youth.objects.in_target_group(on=day).filter(pk=youth.pk).exists() == python
    status = Youth.objects.with_status(on=day).get(pk=youth.pk).status
    assert (status == "i_malgrupp") == python
    youth.delete()


# Date sanity ---------------------------------------------------------------------------


def test_date_error_refuses_what_cannot_be_right():
    birth = dt.date(2008, 5, 17)
    assert rules.date_error(dt.date(1, 1, 1), today=TODAY) is not None
    assert "2015-01-01" in rules.date_error(dt.date(1990, 1, 1), today=TODAY)
    before_birth = rules.date_error(
        dt.date(2016, 1, 1), today=TODAY, birth_date=dt.date(2017, 1, 1)
    )
    assert "2017-01-01" in before_birth
    assert "framtiden" in rules.date_error(TODAY + dt.timedelta(days=1), today=TODAY)
    assert rules.date_error(TODAY + dt.timedelta(days=1), today=TODAY, future=True) is None
    assert rules.date_error(dt.date(9999, 12, 31), today=TODAY, future=True) is not None
    assert rules.date_error(TODAY, today=TODAY, birth_date=birth) is None
    assert rules.date_error(None, today=TODAY) is None


def test_check_date_raises_or_collects():
    with pytest.raises(ValidationError) as raised:
        rules.check_date(dt.date(1, 1, 1), field="start_date", today=TODAY)
    assert "start_date" in raised.value.message_dict
    errors = {}
    rules.check_date(dt.date(1, 1, 1), field="at", today=TODAY, errors=errors)
    assert list(errors) == ["at"]


@given(
    day=st.dates(),
    birth=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2015, 1, 1)),
    future=st.booleans(),
)
def test_date_error_is_none_exactly_for_sane_dates(day, birth, future):
    latest = rules.latest_future_date(TODAY) if future else TODAY
    sane = max(rules.EARLIEST_DATE, birth) <= day <= latest
    message = rules.date_error(day, today=TODAY, birth_date=birth, future=future)
    assert (message is None) == sane


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_birth_date_error_allows_only_register_ages(birth):
    age = age_on(birth, TODAY)
    allowed = rules.REGISTER_MIN_AGE <= age <= rules.REGISTER_MAX_AGE
    assert (rules.birth_date_error(birth, today=TODAY) is None) == allowed
