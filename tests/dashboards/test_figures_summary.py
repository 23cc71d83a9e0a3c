"""Today's figures read from the casework summary equal the same figures read from the
source tables (the path a past half-year takes)."""

import pytest

from dashboards import selectors
from kaa.access import youths_visible_to
from tests.dashboards.conftest import TODAY
from youths import figures as figure_rules
from youths.figures import FigureFilter, period_for

pytestmark = [pytest.mark.django_db]


def overview(user, home):
    return selectors.overview(youths_visible_to(user, municipality=home.pk), period_for(TODAY))


def listed(user, home, figure):
    youths = youths_visible_to(user, municipality=home.pk)
    period = period_for(TODAY)
    return set(FigureFilter(figure=figure).apply(youths, period).values_list("pk", flat=True))


def test_summary_and_source_tables_count_the_same_youths(register, rektor, home, monkeypatch):
    from_summary = overview(rektor, home)
    figures = [*from_summary.figures, *from_summary.quality]
    lists = {figure: listed(rektor, home, figure) for figure in figures}
    monkeypatch.setattr(figure_rules, "_is_current", lambda period: False)
    from_sources = overview(rektor, home)
    assert {k: s.total for k, s in from_summary.figures.items()} == {
        k: s.total for k, s in from_sources.figures.items()
    }
    assert from_summary.quality == from_sources.quality
    assert from_summary.reasons and from_summary.reasons == from_sources.reasons
    assert lists == {figure: listed(rektor, home, figure) for figure in figures}
    # The register has youths in the figures the summary answers.
    assert lists["aldrig_nadda"] and lists["forsenad_uppfoljning"] and lists["kontaktade"]
