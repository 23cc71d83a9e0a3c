"""Every page passes axe-core (WCAG 2.1 A and AA) with no violations, and the main
journey works with the keyboard alone."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from actions.models import Action, Consent, PlanRevision
from tests.conftest import PASSWORD, code
from tests.e2e.conftest import axe_violations, log_in
from youths.models import Contact, Enrolment, Guardian, Verification

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(make_youth, administrator, coordinator, entry_reason):
    from django.utils import timezone

    youth = make_youth(
        first_name="Axel",
        last_name="Axesson",
        birth=dt.date(2010, 4, 4),
        assigned_to=coordinator,
        street_address="Gatan 1",
    )
    enrolment = Enrolment.objects.create(
        youth=youth, start_date=dt.date(2026, 1, 1), entry_reason=entry_reason
    )
    Guardian.objects.create(youth=youth, name="Vera Axesson", phone="070-1740999")
    kind = code("atgard", "vagledning")
    Action.objects.create(
        youth=youth,
        kind=kind,
        offered_on=dt.date(2026, 2, 1),
        response="ja",
        responded_on=dt.date(2026, 2, 2),
        start_date=dt.date(2026, 2, 3),
    )
    action = Action.objects.create(youth=youth, kind=kind, offered_on=dt.date(2026, 3, 1))
    Contact.objects.create(
        youth=youth,
        at=timezone.now() - dt.timedelta(days=3),
        channel="sms",
        reached=False,
        note="Ej svar",
    )
    PlanRevision.objects.create(youth=youth, goal="Börja studera")
    consent = Consent.objects.create(
        youth=youth, agency="Arbetsförmedlingen", scope="Kontakt", given_on=dt.date(2026, 2, 1)
    )
    to_verify = make_youth(first_name="Vilma", last_name="Utreds")
    verification = Verification.objects.create(
        youth=to_verify, opened_on=dt.date(2026, 11, 1), source="skola"
    )
    return {
        "youth": youth,
        "enrolment": enrolment,
        "action": action,
        "consent": consent,
        "to_verify": to_verify,
        "verification": verification,
    }


def test_every_page_passes_axe(page: Page, live_server, administrator, coordinator, register):
    youth = register["youth"]
    y = f"/ungdomar/{youth.pk}"
    anonymous = ["/konto/logga-in/", "/tillganglighet/"]
    pages = [
        "/att-gora/",
        "/att-gora/?vy=all",
        "/ungdomar/",
        "/ungdomar/?coordinator=all&status=i_malgrupp",
        "/ungdomar/ny/",
        f"{y}/",
        f"{y}/andra/",
        f"{y}/inskrivning/ny/",
        f"{y}/inskrivning/{register['enrolment'].pk}/avsluta/",
        f"{y}/utreda/",
        f"/ungdomar/{register['to_verify'].pk}/utreda/{register['verification'].pk}/",
        f"{y}/vardnadshavare/ny/",
        f"{y}/registerutdrag/",
        f"{y}/kontakt/ny/",
        f"{y}/atgard/ny/",
        f"{y}/atgard/{register['action'].pk}/svar/",
        f"{y}/planering/",
        f"{y}/samtycke/ny/",
        f"{y}/samtycke/{register['consent'].pk}/aterkalla/",
        "/administration/anvandare/",
        "/administration/anvandare/ny/",
        "/administration/anvandare/lagg-till/",
        f"/administration/medlemskap/{coordinator.memberships.get().pk}/",
        "/administration/uppfoljningsregler/",
        "/administration/logguppfoljning/",
        "/kodlistor/",
        "/oversikt/",
        "/oversikt/namndrapport/",
        "/ungdomar/?coordinator=all&figur=i_malgrupp&kon=K",
        "/tillganglighet/",
        "/finns-inte/",
    ]
    failures = {}
    for url in anonymous:
        page.goto(f"{live_server.url}{url}")
        if violations := axe_violations(page):
            failures[url] = violations
    log_in(page, live_server, "admin", PASSWORD)
    for url in pages:
        page.goto(f"{live_server.url}{url}")
        if violations := axe_violations(page):
            failures[url] = violations
    # A form with validation errors shown, and a 403 page.
    page.goto(f"{live_server.url}/ungdomar/ny/")
    page.get_by_role("button", name="Registrera").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    if violations := axe_violations(page):
        failures["/ungdomar/ny/ (fel)"] = violations
    page.context.clear_cookies()
    log_in(page, live_server, "samordnare", PASSWORD)
    page.goto(f"{live_server.url}/administration/anvandare/")
    expect(page.get_by_role("heading", name="Du har inte behörighet till detta")).to_be_visible()
    if violations := axe_violations(page):
        failures["403"] = violations
    print(f"\naxe checked {len(anonymous) + len(pages) + 2} pages")
    assert failures == {}


def test_keyboard_only_journey(page: Page, live_server, coordinator, register):
    page.goto(f"{live_server.url}/konto/logga-in/")
    expect(page.get_by_label("Användarnamn")).to_be_focused()  # autofocus
    page.keyboard.type("samordnare")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Att göra")).to_be_visible()
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_text("Hoppa till innehållet")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # To the youth with the keyboard: the menu link, then the youth's link, Enter each.
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Mina ungdomar"
    ).focus()
    page.keyboard.press("Enter")
    link = page.get_by_role("link", name="Axesson, Axel")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Axel Axesson")).to_be_visible()
    # Log a failed contact with the keyboard alone.
    page.get_by_label("Kanal").focus()
    page.keyboard.press("ArrowDown")  # telefon → sms
    page.get_by_label("Anteckning").focus()
    page.keyboard.type("Tangentbord")
    page.keyboard.press("Tab")  # next follow-up
    page.keyboard.press("Tab")  # its calendar button
    page.keyboard.press("Tab")  # save button
    expect(page.get_by_role("button", name="Spara kontakt")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Kontakten är registrerad.")).to_be_visible()
    assert Contact.objects.filter(note="Tangentbord").exists()
