"""A coordinator's day in the browser: Att göra → youth → a failed contact → an åtgärd
offered and declined → a month later the follow-up is on Att göra."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from youths.models import Enrolment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page) -> None:
    page.get_by_label("Användarnamn").fill("samordnare")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def test_failed_contact_declined_offer_monthly_follow_up(
    page: Page, live_server, coordinator, make_youth, entry_reason
):
    with time_machine.travel(
        dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC), tick=True
    ) as traveller:
        youth = make_youth(
            first_name="Juni", last_name="Dahl", birth=dt.date(2008, 3, 3), assigned_to=coordinator
        )
        Enrolment.objects.create(
            youth=youth, start_date=dt.date(2026, 9, 1), entry_reason=entry_reason
        )

        page.goto(f"{live_server.url}/konto/logga-in/")
        log_in(page)
        expect(page.get_by_role("heading", name=re.compile("Att göra"))).to_be_visible()
        unreached = page.get_by_role("region", name=re.compile("Inte nådda på länge"))
        unreached.get_by_role("link", name="Dahl, Juni").click()

        # A failed attempt in a few seconds: channel, "Nej, ej svar", save.
        expect(page.get_by_role("heading", name="Juni Dahl")).to_be_visible()
        page.get_by_label("Kanal").select_option(label="Sms")
        page.get_by_label("Nej, ej svar").check()
        page.get_by_label("Anteckning").fill("Ej svar på sms")
        page.get_by_role("button", name="Spara kontakt").click()
        expect(page.get_by_text("Kontakten är registrerad.")).to_be_visible()
        expect(page.get_by_text("Kontakt: Sms, ej svar")).to_be_visible()

        page.get_by_role("link", name="Erbjud åtgärd").click()
        page.get_by_label(re.compile(r"^\s*Åtgärd\*?\s*$")).select_option(
            label="2 – Studie- och yrkesvägledning"
        )
        page.get_by_role("button", name="Spara erbjudandet").click()
        expect(page.get_by_text("Åtgärden är erbjuden.")).to_be_visible()

        page.get_by_role("link", name="Registrera svar").click()
        page.get_by_label("Tackade nej").check()
        page.get_by_role("button", name="Spara svar").click()
        expect(page.get_by_role("cell", name="Tackade nej")).to_be_visible()

        # Not due yet today; a month later it is.
        page.get_by_role("link", name="Att göra").first.click()
        expect(page.get_by_role("region", name=re.compile("Tackade nej"))).to_have_count(0)
        traveller.move_to(dt.datetime(2026, 12, 23, 9, 0, tzinfo=dt.UTC))
        page.reload()
        if "/konto/logga-in/" in page.url:  # the session has expired over the month
            log_in(page)
        declined = page.get_by_role("region", name=re.compile("Tackade nej: månatlig uppföljning"))
        expect(declined.get_by_role("link", name="Dahl, Juni")).to_be_visible()
