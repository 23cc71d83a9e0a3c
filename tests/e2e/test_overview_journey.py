"""The rektor's journey: log in to the overview, follow a figure to its youths, and read
the chart's numbers in its table."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, code, valid_personnummer
from tests.e2e.conftest import axe_violations, log_in
from youths.models import Enrolment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def group(make_youth, rektor):
    from django.utils import timezone

    today = timezone.localdate()
    reason = code("orsak_registrering", "aldrig_paborjat")
    youths = []
    for index, (first_name, female) in enumerate(
        [("Alva", True), ("Bertil", False), ("Cecilia", True)]
    ):
        birth = dt.date(today.year - 18, 3, 1 + index)
        youth = make_youth(
            first_name=first_name,
            last_name="Översiktsson",
            birth=birth,
            personnummer=valid_personnummer(birth, female=female),
        )
        Enrolment.objects.create(
            youth=youth, start_date=today - dt.timedelta(days=30), entry_reason=reason
        )
        youths.append(youth)
    return youths


def test_rektor_follows_a_figure_to_its_youths(page: Page, live_server, rektor, group):
    log_in(page, live_server, "rektor", PASSWORD)
    expect(page.get_by_role("heading", name="Översikt – Örebro")).to_be_visible()
    expect(page.get_by_role("heading", name="I målgruppen i dag: 3")).to_be_visible()
    # The chart's numbers as a table for screen readers: women and men per figure.
    table = page.locator("#figures-table")
    expect(table.locator("caption")).to_contain_text("tabell till diagrammet")
    row = table.get_by_role("row", name="Inte kontaktade detta halvår")
    expect(row.get_by_role("cell").nth(0)).to_have_text("2")
    expect(row.get_by_role("cell").nth(1)).to_have_text("1")
    expect(page.get_by_role("img", name="Kontakter och åtgärder per kön")).to_be_visible()
    assert axe_violations(page) == []
    # Follow "women in the group" to the list of those youths.
    group_table = page.get_by_role("table", name="Ungdomar i målgruppen per kön och ålder")
    group_table.get_by_role("row", name="Kvinnor").get_by_role("link").last.click()
    expect(page.get_by_text("Urval från Översikt")).to_be_visible()
    expect(page.locator("#result-count")).to_have_text("2 ungdomar")
    expect(page.get_by_role("link", name="Översiktsson, Alva")).to_be_visible()
    expect(page.get_by_role("link", name="Översiktsson, Cecilia")).to_be_visible()
    expect(page.get_by_role("link", name="Översiktsson, Bertil")).to_have_count(0)
    assert axe_violations(page) == []
    # The nämnd report, printable, passes axe too.
    page.goto(f"{live_server.url}/oversikt/namndrapport/")
    expect(page.get_by_role("link", name="Ladda ner som Excel (xlsx)")).to_be_visible()
    assert axe_violations(page) == []
