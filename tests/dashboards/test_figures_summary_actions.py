""" "I åtgärd", "tackade nej" and "okänd sysselsättning" on today, read from the casework
summary, against the exact rule over the source tables, on boundary cases: an åtgärd
ending today or later, two answers on one day, two contacts at one moment."""

import datetime as dt

import pytest

from actions.models import Action
from actions.services import action_end, action_respond, contact_log
from dashboards import selectors
from kaa.access import youths_visible_to
from kaa.models import Code
from tests.conftest import code, valid_personnummer
from tests.dashboards.conftest import TODAY, action, at, contact, enrol
from youths import figures as figure_rules
from youths.figures import FigureFilter, period_for
from youths.models import Contact, Youth
from youths.summary import case_summary_rebuild

pytestmark = [pytest.mark.django_db]

FIGURES = ("i_atgard", "tackat_nej", "okand_sysselsattning")
OCT = dt.date(2026, 10, 1)


@pytest.fixture
def cases(make_youth, home):
    def youth(name):
        person = make_youth(
            first_name=name,
            birth=dt.date(2008, 4, 4),
            personnummer=valid_personnummer(dt.date(2008, 4, 4), female=len(name) % 2 == 0),
        )
        enrol(person, dt.date(2026, 1, 10), "aldrig_paborjat")
        # A known sysselsättning, so only the occupation cases below count as okänd.
        contact(person, dt.date(2026, 2, 1), reached=True, occupation="arbete")
        return person

    def started(person, start, end=None):
        return action(
            person,
            "vagledning",
            offered_on=start,
            response="ja",
            responded_on=start,
            start_date=start,
            end_date=end,
            **({"occupation_after": "arbete"} if end else {}),
        )

    started(youth("Open"), OCT)
    # Ends after today: still running today.
    started(youth("EndsLater"), OCT, TODAY + dt.timedelta(days=9))
    # Ended today: not running on the day it ended.
    started(youth("EndedToday"), OCT, TODAY)
    action(youth("Offered"), "vagledning", offered_on=OCT)

    action(youth("Declined"), "coachning", offered_on=OCT, response="nej", responded_on=OCT)
    # Two answers on one day: the one recorded last stands.
    no_then_yes = youth("NoThenYes")
    action(no_then_yes, "coachning", offered_on=OCT, response="nej", responded_on=OCT)
    action(no_then_yes, "praktik", offered_on=OCT, response="ja", responded_on=OCT)
    yes_then_no = youth("YesThenNo")
    action(yes_then_no, "praktik", offered_on=OCT, response="ja", responded_on=OCT)
    action(yes_then_no, "coachning", offered_on=OCT, response="nej", responded_on=OCT)
    # Declined one offer while in another åtgärd: in åtgärd, not counted as declined.
    busy = youth("DeclinedBusy")
    started(busy, dt.date(2026, 9, 1))
    action(busy, "coachning", offered_on=OCT, response="nej", responded_on=dt.date(2026, 11, 1))
    # Declined after an åtgärd that ended: declined.
    after = youth("DeclinedAfter")
    started(after, dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    action(after, "coachning", offered_on=OCT, response="nej", responded_on=OCT)
    # Declined while an åtgärd runs until after today: in åtgärd.
    running = youth("DeclinedRunning")
    started(running, dt.date(2026, 9, 1), TODAY + dt.timedelta(days=1))
    action(running, "coachning", offered_on=OCT, response="nej", responded_on=OCT)

    nothing = make_youth(first_name="NoOccupation", birth=dt.date(2008, 4, 4))
    enrol(nothing, dt.date(2026, 1, 10), "aldrig_paborjat")
    contact(nothing, OCT, reached=False)
    contact(youth("LaterUnknown"), OCT, reached=True, occupation="okand")
    known = youth("UnknownThenKnown")
    contact(known, dt.date(2026, 9, 1), reached=True, occupation="okand")
    contact(known, OCT, reached=True, occupation="arbete")
    contact(known, dt.date(2026, 11, 1), reached=False)  # records no sysselsättning
    # Two contacts at one moment: the one recorded last stands.
    same = youth("SameMoment")
    contact(same, OCT, reached=True, occupation="arbete")
    contact(same, OCT, reached=True, occupation="okand")
    assert Contact.objects.filter(youth=same, at=at(OCT)).count() == 2


EXPECTED = {
    "i_atgard": {"Open", "EndsLater", "DeclinedBusy", "DeclinedRunning"},
    "tackat_nej": {"Declined", "YesThenNo", "DeclinedAfter"},
    "okand_sysselsattning": {"NoOccupation", "LaterUnknown", "SameMoment"},
}


def _listed(user, home):
    youths = youths_visible_to(user, municipality=home.pk)
    period = period_for(TODAY)
    return {
        figure: set(
            FigureFilter(figure=figure).apply(youths, period).values_list("first_name", flat=True)
        )
        for figure in FIGURES
    }


def _counted(user, home):
    data = selectors.overview(youths_visible_to(user, municipality=home.pk), period_for(TODAY))
    return {figure: data.figures[figure].total for figure in FIGURES}


def test_summary_answers_each_case_as_the_exact_rule(cases, rektor, home, monkeypatch):
    from_summary = _listed(rektor, home)
    counted = _counted(rektor, home)
    assert from_summary == EXPECTED
    assert counted == {figure: len(names) for figure, names in EXPECTED.items()}
    # The same youths by the exact rule over the source tables (a past half-year's path).
    monkeypatch.setattr(figure_rules, "_is_current", lambda period: False)
    assert _listed(rektor, home) == EXPECTED
    assert _counted(rektor, home) == counted


@pytest.mark.summary_by_services
def test_the_summary_follows_casework_through_the_services(cases, rektor, home, coordinator):
    # The register above was written past the services: summarise it as a rebuild does.
    case_summary_rebuild()
    assert _listed(rektor, home) == EXPECTED
    open_action = Action.objects.get(youth__first_name="Open")
    action_end(
        acting_user=coordinator,
        action=open_action,
        end_date=TODAY,
        end_reason="Klar",
        occupation_after=code(Code.ListName.OCCUPATION, "arbete"),
    )
    offer = action(open_action.youth, "praktik", offered_on=TODAY)
    action_respond(acting_user=coordinator, action=offer, accepted=False, on=TODAY)
    declined = Youth.objects.get(first_name="Declined")
    contact_log(
        acting_user=coordinator,
        youth=declined,
        at=at(TODAY),
        channel="telefon",
        reached=True,
        occupation=code(Code.ListName.OCCUPATION, "okand"),
    )
    listed = _listed(rektor, home)
    assert listed["i_atgard"] == EXPECTED["i_atgard"] - {"Open"}
    assert listed["tackat_nej"] == EXPECTED["tackat_nej"] | {"Open"}
    assert listed["okand_sysselsattning"] == EXPECTED["okand_sysselsattning"] | {"Declined"}
