"""The data-quality figure "avslutad åtgärd med okänd sysselsättning efter" on today, read
from the casework summary's latest such end, against the exact rule over the åtgärder:
an end before the half-year, a later end with a known sysselsättning, two ends."""

import datetime as dt

import pytest

from actions.services import action_end
from dashboards import selectors
from kaa.access import youths_visible_to
from kaa.models import Code
from tests.conftest import code
from tests.dashboards.conftest import TODAY, action, enrol
from youths import figures as figure_rules
from youths.figures import FigureFilter, period_for

pytestmark = [pytest.mark.django_db]

FIGURE = "avslutad_okand"
HALF_START = dt.date(2026, 7, 1)


@pytest.fixture
def cases(make_youth, home):
    def ended(person, end, occupation):
        start = end - dt.timedelta(days=20)
        return action(
            person,
            "vagledning",
            offered_on=start,
            response="ja",
            responded_on=start,
            start_date=start,
            end_date=end,
            occupation_after=occupation,
        )

    def youth(name):
        person = make_youth(first_name=name, birth=dt.date(2008, 4, 4))
        enrol(person, dt.date(2026, 1, 10), "aldrig_paborjat")
        return person

    ended(youth("InHalf"), dt.date(2026, 9, 1), "okand")
    ended(youth("OnFirstDay"), HALF_START, "okand")
    ended(youth("Today"), TODAY, "okand")
    ended(youth("BeforeHalf"), HALF_START - dt.timedelta(days=1), "okand")
    ended(youth("Known"), dt.date(2026, 9, 1), "arbete")
    # An okänd end in the half-year stays counted when a later åtgärd ends known.
    later_known = youth("ThenKnown")
    ended(later_known, dt.date(2026, 8, 1), "okand")
    ended(later_known, dt.date(2026, 10, 1), "arbete")
    # The earliest okänd end lies before the half-year, the latest in it.
    twice = youth("Twice")
    ended(twice, dt.date(2026, 3, 1), "okand")
    ended(twice, dt.date(2026, 10, 1), "okand")
    # Not in the group, still a data-quality case (the panel reads all youths).
    ended(make_youth(first_name="Outside", birth=dt.date(2008, 5, 5)), TODAY, "okand")


EXPECTED = {"InHalf", "OnFirstDay", "Today", "ThenKnown", "Twice", "Outside"}


def _listed(user, home):
    youths = youths_visible_to(user, municipality=home.pk)
    return set(
        FigureFilter(figure=FIGURE)
        .apply(youths, period_for(TODAY))
        .values_list("first_name", flat=True)
    )


def _counted(user, home):
    data = selectors.overview(youths_visible_to(user, municipality=home.pk), period_for(TODAY))
    return data.quality[FIGURE]


def test_summary_answers_as_the_exact_rule(cases, rektor, home, monkeypatch):
    assert _listed(rektor, home) == EXPECTED
    assert _counted(rektor, home) == len(EXPECTED)
    # The same youths by the exact rule over the åtgärder (a past half-year's path).
    monkeypatch.setattr(figure_rules, "_is_current", lambda period: False)
    assert _listed(rektor, home) == EXPECTED
    assert _counted(rektor, home) == len(EXPECTED)


@pytest.mark.summary_by_services
def test_ending_an_action_with_okand_puts_the_youth_on_the_list(
    make_youth, rektor, home, coordinator
):
    person = make_youth(first_name="Ending", birth=dt.date(2008, 4, 4))
    enrol(person, dt.date(2026, 1, 10), "aldrig_paborjat")
    running = action(
        person,
        "vagledning",
        offered_on=dt.date(2026, 9, 1),
        response="ja",
        responded_on=dt.date(2026, 9, 1),
        start_date=dt.date(2026, 9, 1),
    )
    assert "Ending" not in _listed(rektor, home)
    action_end(
        acting_user=coordinator,
        action=running,
        end_date=TODAY,
        end_reason="Klar",
        occupation_after=code(Code.ListName.OCCUPATION, "okand"),
    )
    assert "Ending" in _listed(rektor, home)
