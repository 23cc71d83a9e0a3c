"""The coordinator's first journey in a real browser: log in, search, register a youth,
find the youth in the list."""

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, valid_personnummer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fixed_today():
    # The registration date, the youth's age and skolplikt all depend on today.
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC), tick=True):
        yield dt.date(2026, 11, 22)


def test_login_search_register_and_find(
    page: Page, live_server, coordinator, make_youth, fixed_today
):
    make_youth(first_name="Befintlig", last_name="Ungdom", assigned_to=coordinator)
    number = valid_personnummer(dt.date(2009, 8, 14))

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/konto/logga-in/"))
    page.get_by_label("Användarnamn").fill("samordnare")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", name="Att göra")).to_be_visible()
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Mina ungdomar"
    ).click()
    expect(page.get_by_role("heading", name="Mina ungdomar")).to_be_visible()
    expect(page.get_by_role("link", name="Ungdom, Befintlig")).to_be_visible()

    # Search finds nobody yet for the new number.
    page.get_by_label("Sök namn eller personnummer").fill(number)
    page.get_by_role("search", name="Sök och filtrera").get_by_role("button", name="Sök").click()
    expect(page.get_by_text("Inga ungdomar matchar sökningen.")).to_be_visible()
    assert number[8:] not in page.url  # the search is posted, never in the URL

    page.get_by_role("link", name="Registrera ungdom").first.click()
    page.get_by_label("Personnummer eller samordningsnummer").fill(f"{number[2:8]}-{number[8:]}")
    page.get_by_label("Förnamn").fill("Märta")
    page.get_by_label("Efternamn").fill("Öberg")
    page.get_by_label("Telefon").fill("070-1740123")
    page.get_by_label("Ansvarig samordnare").select_option(label="Samordnare Testsson")
    page.get_by_label("Skriv in i aktivitetsansvaret nu").check()
    page.get_by_label("Inskrivningsdatum").fill(fixed_today.isoformat())
    page.get_by_label("Orsak till inskrivning").select_option(
        label="3 – Aldrig påbörjat gymnasieutbildning"
    )
    page.get_by_role("button", name="Registrera").click()

    expect(page.get_by_role("heading", name="Märta Öberg")).to_be_visible()
    expect(page.get_by_text(f"{number[:8]}-{number[8:]}")).to_be_visible()
    expect(page.get_by_text("I målgruppen").first).to_be_visible()

    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Mina ungdomar"
    ).click()
    # Two matches: the list, under an opaque token.
    page.get_by_label("Sök namn eller personnummer").fill("G")
    page.get_by_role("search", name="Sök och filtrera").get_by_role("button", name="Sök").click()
    expect(page.get_by_role("link", name="Öberg, Märta")).to_be_visible()
    expect(page.get_by_role("link", name="Ungdom, Befintlig")).to_be_visible()
    expect(page.get_by_text("2 ungdomar", exact=True)).to_be_visible()
    assert "sok=" in page.url and "q=" not in page.url

    # Exactly one match opens the youth.
    page.get_by_label("Sök namn eller personnummer").fill("öberg")
    page.get_by_role("search", name="Sök och filtrera").get_by_role("button", name="Sök").click()
    expect(page.get_by_role("heading", name="Märta Öberg")).to_be_visible()


def test_bad_personnummer_is_explained_and_the_form_kept(page: Page, live_server, coordinator):
    page.goto(f"{live_server.url}/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("samordnare")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.goto(f"{live_server.url}/ungdomar/ny/")
    page.get_by_label("Personnummer eller samordningsnummer").fill("20090814-1230")
    page.get_by_label("Förnamn").fill("Kvar")
    page.get_by_label("Efternamn").fill("Ifylld")
    page.get_by_label("Endast registrera").check()
    page.get_by_role("button", name="Registrera").click()
    expect(page.get_by_text("Personnumrets kontrollsiffra stämmer inte.")).to_be_visible()
    expect(page.get_by_label("Förnamn")).to_have_value("Kvar")
