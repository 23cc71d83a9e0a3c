"""The youth list's pages: every youth exactly once in the list's order, first / previous /
next / last with the filters kept, and the same number of queries on the first and the
last page (the page's ids come first; the per-row columns only for the page's rows)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import valid_personnummer
from youths.models import Enrolment, Verification, Youth
from youths.summary import case_summary_refresh

pytestmark = [pytest.mark.django_db]
N_YOUTHS = 230  # ten pages of 25 (KAA_PAGE_SIZE), the last one short


@pytest.fixture
def register(home, coordinator, entry_reason):
    youths = []
    for index in range(N_YOUTHS):
        youth = Youth(
            municipality=home,
            personnummer=valid_personnummer(dt.date(2007 + index % 3, 1 + index % 12, 9)),
            # Few last names, so that first name and personnummer decide the order too.
            first_name=f"F{index % 7}",
            last_name=f"L{index % 5}",
            assigned_to=coordinator if index % 2 else None,
        )
        youth.derive_dates()
        youths.append(youth)
    Youth.objects.bulk_create(youths)
    today = timezone.localdate()
    Enrolment.objects.bulk_create(
        Enrolment(youth=youth, start_date=today - dt.timedelta(days=30), entry_reason=entry_reason)
        for youth in youths[::3]
    )
    Verification.objects.bulk_create(
        Verification(youth=youth, opened_on=today, source="manual") for youth in youths[1::3]
    )
    case_summary_refresh([youth.pk for youth in youths])  # written past the services
    return youths


def _expected(**filters):
    queryset = Youth.objects.with_status(on=timezone.localdate()).filter(**filters)
    return list(
        queryset.order_by("last_name", "first_name", "personnummer").values_list("pk", "status")
    )


def _walk(client, params):
    """Every page of the list, following the "Nästa" links' page numbers."""
    listed, counts, number = [], [], 1
    # The session's first page records its start (a write the later pages skip).
    client.get(reverse("youths:list"), params)
    while True:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("youths:list"), {**params, "page": number})
        assert response.status_code == 200
        counts.append(len(queries))
        page = response.context["page"]
        assert page.number == number
        listed += [(youth.pk, youth.status) for youth in response.context["youths"]]
        if not page.has_next():
            return listed, counts, page.paginator.num_pages
        number += 1


def test_every_page_lists_each_youth_once_in_order(client_for, coordinator, register):
    listed, counts, pages = _walk(client_for(coordinator), {"coordinator": "all"})
    assert listed == _expected()
    assert pages == 10
    # The last page costs what the first one does.
    assert len(set(counts)) == 1, counts


def test_filtered_pages_keep_their_filter(client_for, coordinator, register):
    listed, counts, _pages = _walk(
        client_for(coordinator), {"coordinator": "all", "status": "att_utreda"}
    )
    expected = _expected(status="att_utreda")
    assert listed == expected and len(expected) > 25
    assert len(set(counts)) == 1, counts
    assert counts[0] <= 8, counts


def test_drill_down_pages(client_for, coordinator, register):
    listed, counts, _pages = _walk(
        client_for(coordinator), {"coordinator": "all", "figur": "i_malgrupp"}
    )
    assert listed == _expected(status="i_malgrupp")
    assert len(set(counts)) == 1, counts
    # Session, user, memberships (read once, the access check included), the
    # coordinators of the form, the count (from the summary alone), the page's ids, its
    # rows, the audit rows.
    assert counts[0] <= 8, counts


def test_first_previous_next_last_links(client_for, coordinator, register):
    client = client_for(coordinator)
    params = {"coordinator": "none", "age": ""}
    Youth.objects.filter(assigned_to__isnull=False).update(assigned_to=None)
    middle = client.get(reverse("youths:list"), {**params, "page": 3})
    pages = middle.context["page"].paginator.num_pages
    assert pages == 10
    html = middle.content.decode()
    for number, label in ((1, "Första"), (2, "Föregående"), (4, "Nästa"), (pages, "Sista")):
        link = f'href="?coordinator=none&amp;age=&amp;page={number}"'
        assert link in html, label
        assert f">{label}</a>" in html, label
    assert f"Sida 3 av {pages}" in html
    last = client.get(reverse("youths:list"), {**params, "page": pages}).content.decode()
    assert ">Nästa</a>" not in last and ">Sista</a>" not in last
    assert ">Första</a>" in last


def test_a_page_past_the_end_shows_the_last(client_for, coordinator, register):
    response = client_for(coordinator).get(
        reverse("youths:list"), {"coordinator": "all", "page": 999}
    )
    page = response.context["page"]
    assert page.number == page.paginator.num_pages
    assert [y.pk for y in response.context["youths"]] == [pk for pk, _s in _expected()[-5:]]


def test_outsider_sees_none_of_them(client_for, outsider, register):
    response = client_for(outsider).get(reverse("youths:list"), {"coordinator": "all"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
