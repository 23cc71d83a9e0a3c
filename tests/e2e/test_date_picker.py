"""The calendar beside every date field: usable by keyboard alone, in Swedish whatever the
browser's language, and the field still takes a date typed by hand."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from actions.models import Action
from tests.conftest import PASSWORD
from tests.e2e.conftest import axe_violations, log_in
from youths.models import Enrolment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def offer_page(page: Page, live_server, coordinator, make_youth, entry_reason):
    youth = make_youth(first_name="Kim", last_name="Kalender", assigned_to=coordinator)
    Enrolment.objects.create(youth=youth, start_date=dt.date(2025, 1, 1), entry_reason=entry_reason)
    log_in(page, live_server, "samordnare", PASSWORD)
    page.goto(f"{live_server.url}/ungdomar/{youth.pk}/atgard/ny/")
    return youth


def focused(page: Page):
    return page.locator(":focus")


@pytest.mark.browser_context_args(locale="en-US", timezone_id="Europe/Stockholm")
def test_pick_a_day_with_the_keyboard_in_swedish(page: Page, offer_page):
    assert page.evaluate("navigator.language") == "en-US"
    field = page.get_by_label("Erbjuden")
    field.fill("2025-03-10")
    # Tab from the field to its calendar button, open it with Enter.
    field.focus()
    page.keyboard.press("Tab")
    expect(focused(page)).to_have_attribute("aria-haspopup", "dialog")
    page.keyboard.press("Enter")

    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    # Swedish month and weekday names, Monday first, though the browser speaks English.
    expect(dialog.get_by_role("heading")).to_have_text("mars 2025")
    headers = dialog.get_by_role("columnheader")
    expect(headers).to_have_text(["må", "ti", "on", "to", "fr", "lö", "sö"])
    expect(focused(page)).to_have_attribute("data-date", "2025-03-10")
    assert axe_violations(page) == []

    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    expect(focused(page)).to_have_attribute("data-date", "2025-03-18")
    page.keyboard.press("PageDown")
    expect(dialog.get_by_role("heading")).to_have_text("april 2025")
    page.keyboard.press("PageUp")
    page.keyboard.press("Enter")

    expect(dialog).to_be_hidden()
    expect(field).to_have_value("2025-03-18")
    expect(field).to_be_focused()
    assert axe_violations(page) == []


def test_escape_closes_without_changing_the_date(page: Page, offer_page):
    field = page.get_by_label("Erbjuden")
    field.fill("2025-12-31")
    field.press("Alt+ArrowDown")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading")).to_have_text("december 2025")
    page.keyboard.press("ArrowRight")  # 2026-01-01: the calendar turns the year
    expect(dialog.get_by_role("heading")).to_have_text("januari 2026")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(field).to_have_value("2025-12-31")


def test_a_typed_date_is_saved(page: Page, offer_page):
    page.get_by_label(re.compile(r"^\s*Åtgärd\*?\s*$")).select_option(
        label="2 – Studie- och yrkesvägledning"
    )
    page.get_by_label("Erbjuden").fill("2025-06-02")
    page.get_by_role("button", name="Spara erbjudandet").click()
    expect(page.get_by_text("Åtgärden är erbjuden.")).to_be_visible()
    assert Action.objects.get(youth=offer_page).offered_on == dt.date(2025, 6, 2)


def test_clicking_a_day(page: Page, offer_page):
    field = page.get_by_label("Erbjuden")
    field.fill("2025-02-01")
    page.get_by_role("button", name="Välj datum: Erbjuden").click()
    page.get_by_role("gridcell", name="14 februari 2025, fredag").click()
    expect(field).to_have_value("2025-02-14")


def test_the_open_calendar_fits_a_phone(page: Page, offer_page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.get_by_label("Erbjuden").fill("2025-05-05")
    page.get_by_role("button", name="Välj datum: Erbjuden").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    box = page.get_by_role("dialog").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    overflow = page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )
    assert overflow <= 0


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_without_javascript_the_field_is_plain_text(page: Page, offer_page):
    field = page.get_by_label("Erbjuden")
    expect(field).to_have_attribute("placeholder", "ÅÅÅÅ-MM-DD")
    expect(page.get_by_role("button", name="Välj datum: Erbjuden")).to_have_count(0)
    page.get_by_label(re.compile(r"^\s*Åtgärd\*?\s*$")).select_option(
        label="2 – Studie- och yrkesvägledning"
    )
    field.fill("2025-06-03")
    page.get_by_role("button", name="Spara erbjudandet").click()
    expect(page.get_by_text("Åtgärden är erbjuden.")).to_be_visible()
    assert Action.objects.get(youth=offer_page).offered_on == dt.date(2025, 6, 3)


def test_a_calendar_in_a_right_hand_column_stays_on_the_page(page: Page, offer_page):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(page.url.replace("atgard/ny/", ""))
    page.get_by_role("button", name="Välj datum: Nästa uppföljning").click()
    box = page.get_by_role("dialog").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280
    overflow = page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )
    assert overflow <= 0


def test_a_contacts_time_keeps_its_hour_when_the_day_is_picked(page: Page, offer_page):
    page.goto(page.url.replace("atgard/ny/", ""))
    field = page.get_by_label("Tidpunkt")
    field.fill("2025-03-10 14:30")
    page.get_by_role("button", name="Välj datum: Tidpunkt").focus()
    page.keyboard.press("Enter")
    expect(focused(page)).to_have_attribute("data-date", "2025-03-10")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    expect(field).to_have_value("2025-03-09 14:30")
