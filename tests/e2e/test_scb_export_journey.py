"""An administrator's SCB report in the browser: check → an error → fix it on the youth
page → check again → create the file → download."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import axe_violations
from tests.scb_export.conftest import contact, enrol, youth

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_check_fix_check_download(page: Page, live_server, administrator, home, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(dt.datetime(2026, 8, 15, 9, 0, tzinfo=dt.UTC), tick=True):
        # Turned 20 on 2026-03-15, but nobody closed the enrolment.
        y = youth(home, dt.date(2006, 3, 15), 601, first_name="Tove", last_name="Tjugo")
        enrol(y, dt.date(2025, 9, 1))
        contact(y, dt.date(2026, 2, 1), "arbete")
        other = youth(home, dt.date(2008, 1, 1), 602, first_name="Olle", last_name="Ok")
        enrol(other, dt.date(2026, 1, 10))
        contact(other, dt.date(2026, 2, 1), "praktik")

        page.goto(f"{live_server.url}/konto/logga-in/")
        page.get_by_label("Användarnamn").fill("admin")
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.get_by_role("link", name="SCB-rapport").click()
        expect(page.get_by_role("heading", name="SCB-rapport")).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_label("Halvår").select_option("2026H1")
        page.get_by_role("button", name="Kontrollera").click()

        expect(page.get_by_role("heading", name="1 fel")).to_be_visible()
        expect(page.get_by_text(re.compile("fyllde 20 år 2026-03-15"))).to_be_visible()
        assert axe_violations(page) == []
        expect(page.get_by_role("button", name="Skapa fil")).to_have_count(0)
        page.get_by_role("link", name="Tove Tjugo").click()

        # Fix it where the register is kept: close the enrolment on the birthday.
        expect(page.get_by_role("heading", name="Tove Tjugo")).to_be_visible()
        page.get_by_role("link", name="Avsluta").click()
        page.get_by_label("Datum då aktivitetsansvaret upphörde").fill("2026-03-15")
        page.get_by_label("Orsak").select_option(label="4 – Fyllt 20 år")
        page.get_by_role("button", name="Avsluta").click()
        expect(page.get_by_text("Inskrivningen är avslutad.")).to_be_visible()

        page.get_by_role("link", name="SCB-rapport").click()
        page.get_by_label("Halvår").select_option("2026H1")
        page.get_by_role("button", name="Kontrollera").click()
        expect(page.get_by_text("Inga fel.")).to_be_visible()
        page.get_by_role("button", name="Skapa fil").click()
        expect(page.get_by_text("Filen är nu periodens export")).to_be_visible()
        with page.expect_download() as info:
            page.get_by_role("link", name=re.compile("Ladda ner kaa-1880-2026H1.csv")).click()
        target = tmp_path / "ut.csv"
        info.value.save_as(target)
        lines = target.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("Kommun;Personnummer;Registreringsdatum")
        assert f"1880;{y.personnummer};2025-09-01;1;;;;;;;2026-03-15;4" in lines
        assert len(lines) == 4
