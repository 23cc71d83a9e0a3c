"""In the browser: a stale edit is refused with both values side by side (and the page
passes axe), and a form sent twice writes once."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import axe_violations, log_in
from youths.models import Contact, Enrolment
from youths.services import youth_update

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_stale_edit_is_refused_side_by_side_and_saved_on_top(
    page: Page, live_server, coordinator, colleague, make_youth
):
    youth = make_youth(
        first_name="Elsa",
        last_name="Berg",
        phone="070-1111111",
        street_address="Storgatan 1",
        assigned_to=coordinator,
    )
    log_in(page, live_server, "samordnare", PASSWORD)
    page.goto(f"{live_server.url}/ungdomar/{youth.pk}/andra/")
    page.get_by_label("Utdelningsadress").fill("Nygatan 5")

    # Meanwhile a colleague saves a new phone number.
    youth_update(acting_user=colleague, youth=youth, phone="070-2222222")

    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text(re.compile("En kollega har sparat ändringar"))).to_be_visible()
    table = page.get_by_role("table", name="Skillnader mot det som är sparat nu")
    expect(table.get_by_role("row", name=re.compile("Telefon"))).to_contain_text("070-2222222")
    expect(table.get_by_role("row", name=re.compile("Utdelningsadress"))).to_contain_text(
        "Nygatan 5"
    )
    expect(page.get_by_label("Telefon")).to_have_value("070-2222222")
    expect(page.get_by_label("Utdelningsadress")).to_have_value("Nygatan 5")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Uppgifterna är sparade.")).to_be_visible()
    youth.refresh_from_db()
    assert (youth.phone, youth.street_address) == ("070-2222222", "Nygatan 5")


def test_contact_form_sent_twice_writes_one_contact(
    page: Page, live_server, coordinator, make_youth, entry_reason
):
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC), tick=True):
        youth = make_youth(first_name="Juni", last_name="Dahl", assigned_to=coordinator)
        Enrolment.objects.create(
            youth=youth, start_date=dt.date(2026, 9, 1), entry_reason=entry_reason
        )
        log_in(page, live_server, "samordnare", PASSWORD)
        page.goto(f"{live_server.url}/ungdomar/{youth.pk}/")
        page.get_by_label("Kanal").select_option(label="Sms")
        page.get_by_label("Nej, ej svar").check()
        # The same form sent twice, as a retried request would (both reach the server).
        statuses = page.evaluate(
            """async () => {
                const form = document.querySelector('form[aria-labelledby="contact-heading"]');
                const send = () => fetch(form.action, {
                    method: 'POST', body: new FormData(form), redirect: 'manual'});
                const answers = await Promise.all([send(), send()]);
                return answers.map(a => a.type);
            }"""
        )
        assert statuses == ["opaqueredirect", "opaqueredirect"]
        # And a double-click on the button of the same form (the same token).
        page.get_by_role("button", name="Spara kontakt").dblclick()
        expect(page.get_by_text("Kontakten är registrerad.").first).to_be_visible()
        assert Contact.objects.filter(youth=youth).count() == 1
