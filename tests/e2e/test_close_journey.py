"""Closing an enrolment in the browser: refused with the offending entries linked, then
closed with the running åtgärd ended on the same day."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from actions.models import Action
from tests.conftest import PASSWORD, code
from tests.e2e.conftest import axe_violations, log_in
from youths.models import Contact, Enrolment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_close_refused_then_done(page: Page, live_server, coordinator, make_youth, entry_reason):
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC), tick=True):
        youth = make_youth(
            first_name="Stina", last_name="Slut", birth=dt.date(2008, 4, 4), assigned_to=coordinator
        )
        Enrolment.objects.create(
            youth=youth, start_date=dt.date(2026, 9, 1), entry_reason=entry_reason
        )
        Contact.objects.create(
            youth=youth,
            at=timezone.make_aware(dt.datetime(2026, 11, 10, 10, 0)),
            channel="sms",
            reached=False,
        )
        action = Action.objects.create(
            youth=youth,
            kind=code("atgard", "vagledning"),
            offered_on=dt.date(2026, 10, 15),
            response="ja",
            responded_on=dt.date(2026, 10, 15),
            start_date=dt.date(2026, 10, 15),
        )

        log_in(page, live_server, "samordnare", PASSWORD)
        page.goto(f"{live_server.url}/ungdomar/{youth.pk}/")
        page.get_by_role("link", name="Avsluta", exact=True).first.click()
        expect(page.get_by_role("heading", name="Avsluta inskrivning")).to_be_visible()
        expect(page.get_by_text("Pågående åtgärder som avslutas samma dag")).to_be_visible()

        page.get_by_label("Datum då aktivitetsansvaret upphörde").fill("2026-10-01")
        page.locator("#id_exit_reason").select_option(label="5 – Flyttat från kommunen")
        page.get_by_label("Sysselsättning efter pågående åtgärder").select_option(
            label="21 – Arbete"
        )
        page.get_by_role("button", name="Avsluta").click()
        expect(page.get_by_text("Kontakt 2026-11-10")).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_role("link", name=re.compile("Åtgärd .*2026-10-15")).click()
        expect(page).to_have_url(re.compile(rf"/ungdomar/{youth.pk}/#atgard-{action.pk}$"))

        # Back on the youth page: close again, with an end date after the entries.
        page.get_by_role("link", name="Avsluta", exact=True).first.click()
        page.get_by_label("Datum då aktivitetsansvaret upphörde").fill("2026-11-20")
        page.locator("#id_exit_reason").select_option(label="5 – Flyttat från kommunen")
        page.get_by_label("Sysselsättning efter pågående åtgärder").select_option(
            label="21 – Arbete"
        )
        page.get_by_role("button", name="Avsluta").click()
        expect(page.get_by_text("Inskrivningen är avslutad.")).to_be_visible()
        action.refresh_from_db()
        assert action.end_date == dt.date(2026, 11, 20)
        assert action.occupation_after.key == "arbete"
