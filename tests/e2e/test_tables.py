"""Long lists keep their column headers in view while the page scrolls (a sticky header
that stays inside a scroll box of its own would scroll away with the page)."""

import datetime as dt

import pytest
from playwright.sync_api import Page

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from youths.models import Enrolment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def header_top(page: Page) -> float:
    return page.evaluate(
        "() => document.querySelector('main table thead th').getBoundingClientRect().top"
    )


def test_the_youth_lists_header_stays_in_view(
    page: Page, live_server, coordinator, make_youth, entry_reason
):
    for index in range(45):
        youth = make_youth(
            first_name=f"Ung{index:02d}", last_name="Listsson", assigned_to=coordinator
        )
        Enrolment.objects.create(
            youth=youth, start_date=dt.date(2026, 9, 1), entry_reason=entry_reason
        )
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, "samordnare", PASSWORD)
    page.goto(f"{live_server.url}/ungdomar/")
    before = header_top(page)
    assert before > 100  # below the page header at first
    page.evaluate("() => window.scrollTo(0, 450)")
    assert page.evaluate("() => window.scrollY") > before, "the list is long enough to scroll"
    assert 0 <= header_top(page) <= 2  # pinned to the top of the window


def test_every_long_list_has_a_sticky_header(
    page: Page, live_server, administrator, coordinator, make_youth
):
    youth = make_youth(assigned_to=coordinator)
    log_in(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server.url}/ungdomar/{youth.pk}/")  # a read, so the log has a row
    urls = [
        "/ungdomar/?coordinator=all",
        f"/ungdomar/{youth.pk}/registerutdrag/",
        "/administration/anvandare/",
        "/kodlistor/",
    ]
    not_sticky = []
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        position = page.evaluate(
            "() => getComputedStyle(document.querySelector('main table thead th')).position"
        )
        if position != "sticky":
            not_sticky.append((url, position))
    assert not_sticky == []
