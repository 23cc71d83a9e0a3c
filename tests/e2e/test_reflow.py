"""No page scrolls sideways (WCAG 2.1 SC 1.4.10 Reflow; axe does not test it) on a laptop
(1280 x 800) or a phone (390 x 844), for every role's main pages; the header stays on one
line at 1280 px; the header search finds a youth from any page."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from actions.models import Action, PlanRevision
from tests.conftest import PASSWORD, code
from tests.e2e.conftest import log_in
from youths.models import Contact, Enrolment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"laptop": (1280, 800), "phone": (390, 844)}


@pytest.fixture
def casework(make_youth, coordinator, entry_reason):
    youth = make_youth(
        first_name="Vidar",
        last_name="Långnamnsson-Bredare",
        birth=dt.date(2009, 4, 4),
        assigned_to=coordinator,
        street_address="En mycket lång gatuadress med många ord 123",
    )
    Enrolment.objects.create(youth=youth, start_date=dt.date(2026, 1, 1), entry_reason=entry_reason)
    kind = code("atgard", "vagledning")
    for index in range(4):
        Action.objects.create(
            youth=youth,
            kind=kind,
            responsible="annan_aktor",
            responsible_name="Arbetsförmedlingen Örebro län, enheten för unga",
            content="Ett långt innehåll som beskriver åtgärden med många ord " * 2,
            offered_on=dt.date(2026, 2, 1 + index),
            response="ja",
            responded_on=dt.date(2026, 2, 2 + index),
            start_date=dt.date(2026, 2, 3 + index),
            follow_up_on=dt.date(2026, 12, 1),
        )
    for index in range(60):
        Contact.objects.create(
            youth=youth,
            at=timezone.now() - dt.timedelta(days=index + 1),
            channel="sms",
            reached=False,
            note="Inget svar, försöker igen nästa vecka via sms och telefon",
            next_follow_up=dt.date(2026, 12, 1) if index == 0 else None,
        )
    PlanRevision.objects.create(youth=youth, goal="Börja studera")
    PlanRevision.objects.create(youth=youth, goal="Börja studera till hösten")
    for index in range(12):
        other = make_youth(
            first_name=f"Ung{index}", last_name="Efternamnsson", assigned_to=coordinator
        )
        Enrolment.objects.create(
            youth=other, start_date=dt.date(2026, 9, 1), entry_reason=entry_reason
        )
    return youth


def document_overflow(page: Page) -> int:
    """How many CSS pixels the document is wider than the viewport."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


def test_no_page_scrolls_sideways(
    page: Page, live_server, coordinator, rektor, administrator, casework
):
    y = f"/ungdomar/{casework.pk}/"
    pages = {
        "samordnare": ["/att-gora/", "/att-gora/?vy=all", "/ungdomar/", "/ungdomar/ny/", y],
        "rektor": ["/att-gora/", "/att-gora/?vy=all", "/ungdomar/?coordinator=all", y],
        "admin": [
            "/att-gora/",
            "/att-gora/?vy=all&avsnitt=unreached",
            "/ungdomar/?coordinator=all",
            y,
            "/administration/anvandare/",
            "/administration/logguppfoljning/",
            "/kodlistor/",
        ],
    }
    failures = {}
    for username, urls in pages.items():
        page.context.clear_cookies()
        page.set_viewport_size({"width": 1280, "height": 800})
        log_in(page, live_server, username, PASSWORD)
        for name, (width, height) in VIEWPORTS.items():
            page.set_viewport_size({"width": width, "height": height})
            for url in urls:
                page.goto(f"{live_server.url}{url}")
                if (extra := document_overflow(page)) > 0:
                    failures[f"{username} {name} {url}"] = extra
        # The header is one line at 1280 px: the brand, the menu and the search share it.
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(f"{live_server.url}/att-gora/")
        header = page.locator("header.navbar").bounding_box()
        assert header["height"] < 80, (username, header)
    assert failures == {}


def test_header_search_opens_the_youth(page: Page, live_server, coordinator, casework):
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, "samordnare", PASSWORD)
    page.goto(f"{live_server.url}/kodlistor/")
    box = page.get_by_role("searchbox", name="Sök ungdom").first
    box.fill("langnamnsson")
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vidar Långnamnsson-Bredare")
    assert "langnamnsson" not in page.url
    # The next planned follow-up is at the top of the youth page.
    expect(page.locator("#nasta-uppfoljning")).to_contain_text("2026-12-01")
