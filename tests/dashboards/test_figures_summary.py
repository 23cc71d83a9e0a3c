"""Today's figures read from the casework summary equal the same figures read from the
source tables (the path a past half-year takes)."""

import pytest
from django.urls import reverse

from dashboards import selectors
from kaa.access import youths_visible_to
from tests.dashboards.conftest import TODAY
from youths import figures as figure_rules
from youths.figures import FigureFilter, period_for

pytestmark = [pytest.mark.django_db]
FIGURES_FROM_SUMMARY = (
    "i_malgrupp",
    "kontaktade",
    "ej_kontaktade",
    "aldrig_nadda",
    "forsenad_uppfoljning",
    "saknar_orsak",
    "i_atgard",
    "tackat_nej",
    "okand_sysselsattning",
)


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


@pytest.mark.parametrize(
    "params",
    [
        {"status": "i_malgrupp"},
        {"status": "att_utreda"},
        {"status": "ej_aktuell"},
        *[{"figur": figure} for figure in FIGURES_FROM_SUMMARY],
        {"figur": "orsak", "orsak": "okand"},
        {"figur": "kontaktade", "status": "i_malgrupp"},
        {"figur": "i_malgrupp", "kon": "K"},
    ],
)
def test_list_counts_what_it_lists(client_for, rektor, register, home, params):
    """A status or a figure the summary answers is counted from the summary's rows alone
    (youths.selectors.youth_list_from_summary): that count must be the number of youths the
    page lists, which come from the youths joined to their summaries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kaa.models import Code

    if params.get("orsak"):
        params["orsak"] = Code.objects.get(
            list_name=Code.ListName.ENTRY_REASON, key=params["orsak"]
        ).value
    with CaptureQueriesContext(connection) as queries:
        response = client_for(rektor).get(reverse("youths:list"), {"coordinator": "all", **params})
    page = response.context["page"]
    assert page.object_list and page.paginator.count == len(page.object_list)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
    from_summary = '"youths_youth"' not in counts[0]
    assert from_summary == ("kon" not in params)
