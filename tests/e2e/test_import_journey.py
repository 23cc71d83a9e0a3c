"""The administrator's import in a real browser: upload a list, read the preview,
confirm, see the result, and find a new youth in Att göra."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, valid_personnummer
from tests.e2e.conftest import axe_violations, log_in
from tests.youths.imports.conftest import INFLYTTADE_HEADER, csv_bytes, inflyttad

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fixed_today():
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC), tick=True):
        yield dt.date(2026, 11, 22)


def test_upload_preview_confirm_result_and_att_gora(
    page: Page, live_server, administrator, fixed_today, tmp_path
):
    number = valid_personnummer(dt.date(2008, 6, 6))
    rows = [
        INFLYTTADE_HEADER,
        inflyttad(number, first="Ingrid", last="Importsson", origin="Utlandet"),
        inflyttad(valid_personnummer(dt.date(2012, 1, 1)), first="Liten"),  # too young
        inflyttad("123", first="Felaktig"),
    ]
    path = tmp_path / "inflyttade.csv"
    path.write_bytes(csv_bytes(rows))

    log_in(page, live_server, administrator.username, PASSWORD)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Importera listor"
    ).click()
    expect(page.get_by_role("heading", name="Importera listor", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Inflyttade", exact=True).check()
    page.get_by_label("Fil (xlsx eller csv)").set_input_files(str(path))
    page.get_by_role("button", name="Ladda upp och förhandsgranska").click()

    expect(page.get_by_role("heading", name=re.compile("Förhandsgranskning"))).to_be_visible()
    expect(page.locator('[data-count="created"]')).to_have_text("1")
    expect(page.locator('[data-count="errors"]')).to_have_text("1")
    expect(page.locator('[data-count="under_skolplikt"]')).to_have_text("1")
    expect(page.get_by_text("Inflyttad från utlandet")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Bekräfta och lägg in").click()
    expect(page.get_by_role("heading", name="Resultat")).to_be_visible()
    expect(page.locator('[data-count="created"]')).to_have_text("1")
    expect(page.locator("#batch-status")).to_have_text("Inlagd")
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner felrapport (xlsx)").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Att göra").click()
    page.goto(f"{live_server.url}/att-gora/?vy=all")
    section = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("Att utreda"))
    )
    expect(section.get_by_role("link", name="Importsson, Ingrid")).to_be_visible()
    expect(section.get_by_text("Inflyttad från utlandet")).to_be_visible()
