"""The idle timeout in the browser: the warning, "Fortsätt arbeta", and a form that comes
back filled after the session ran out and the user logged in again."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from youths.models import Enrolment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def youth(make_youth, coordinator, entry_reason):
    youth = make_youth(first_name="Tid", last_name="Gräns", assigned_to=coordinator)
    Enrolment.objects.create(youth=youth, start_date=dt.date(2026, 1, 1), entry_reason=entry_reason)
    return youth


def test_keep_working_hides_the_warning(page: Page, live_server, coordinator, settings):
    settings.SESSION_IDLE_TIMEOUT = 125
    settings.SESSION_WARNING_BEFORE = 120
    log_in(page, live_server, "samordnare", PASSWORD)
    warning = page.get_by_role("alertdialog")
    expect(warning).to_be_visible()
    expect(page.get_by_role("button", name="Fortsätt arbeta")).to_be_focused()
    page.get_by_role("button", name="Fortsätt arbeta").click()
    expect(warning).to_be_hidden()


def test_form_survives_the_timeout(page: Page, live_server, coordinator, youth, settings):
    settings.SESSION_IDLE_TIMEOUT = 6
    settings.SESSION_WARNING_BEFORE = 4
    log_in(page, live_server, "samordnare", PASSWORD)
    page.goto(f"{live_server.url}/ungdomar/{youth.pk}/kontakt/ny/")
    page.get_by_label("Anteckning").fill("Skrivet innan utloggningen")
    # The session runs out; the page saves the draft and goes to the login page.
    expect(page).to_have_url(re.compile(r"/konto/logga-in/"), timeout=15000)
    settings.SESSION_IDLE_TIMEOUT = 1800
    page.get_by_label("Användarnamn").fill("samordnare")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(re.compile(rf"/ungdomar/{youth.pk}/kontakt/ny/"))
    expect(page.get_by_label("Anteckning")).to_have_value("Skrivet innan utloggningen")
    expect(page.get_by_text("Det du skrev innan du loggades ut är återställt.")).to_be_visible()
