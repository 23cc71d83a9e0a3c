"""Every page that shows a youth's data writes a read row, forms included, so the log
follow-up's "reads of protected-identity youths" sees them all."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from kaa import logreview
from kaa.models import AuditAction, AuditEvent
from tests.urlwalk import all_routes, build_world, fill

pytestmark = [pytest.mark.django_db]

READS = [AuditAction.YOUTH_VIEW, AuditAction.ACCESS_LOG_VIEW]


@pytest.fixture(autouse=True)
def fixed_today():
    with time_machine.travel(dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def world(make_youth, coordinator, administrator, entry_reason):
    return build_world(
        make_youth=make_youth,
        coordinator=coordinator,
        administrator=administrator,
        entry_reason=entry_reason,
    )


def _youth_routes():
    return [route for route in all_routes() if "pk" in route.params and "ungdomar/" in route.route]


def _reads(user, youth) -> int:
    return AuditEvent.objects.filter(user=user, youth_id=youth.pk, action__in=READS).count()


def _protected_reads(user, youth) -> int:
    review = logreview.review(
        municipality_id=youth.municipality_id, start=dt.date(2026, 11, 1), end=dt.date(2026, 12, 1)
    )
    return sum(
        row["count"]
        for row in review.protected_reads
        if row["username"] == user.username and row["youth_id"] == youth.pk
    )


def test_the_walk_reaches_the_edit_and_casework_forms():
    names = {route.name for route in _youth_routes()}
    assert {"youths:edit", "youths:detail", "actions:contact_create", "actions:action_step"} <= (
        names
    )


@pytest.mark.parametrize("persona", ["administrator", "coordinator"])
def test_every_page_showing_a_youth_writes_a_read(request, client_for, world, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    youth = world["youth"]
    shown = []
    for route in _youth_routes():
        for kwargs in fill(route, world):
            url = reverse(route.name, kwargs=kwargs)
            before, protected_before = _reads(user, youth), _protected_reads(user, youth)
            response = client.get(url)
            if response.status_code == 405:
                # A POST-only page: an empty form comes back with its errors and the youth.
                response = client.post(url, {})
            if response.status_code != 200:
                continue
            if youth.last_name not in response.content.decode():
                continue
            shown.append(route.name)
            assert _reads(user, youth) == before + 1, f"{url} showed the youth without a read row"
            assert _protected_reads(user, youth) == protected_before + 1, url
    # The pages named in the finding are among those checked.
    expected = {"youths:edit", "actions:contact_create", "actions:plan_revise"}
    if persona == "administrator":
        expected |= {"youths:access_log"}
    assert expected <= set(shown)


def test_the_edit_page_read_names_the_page(client_for, coordinator, world):
    youth = world["youth"]
    response = client_for(coordinator).get(reverse("youths:edit", args=[youth.pk]))
    assert "Hemliga gatan 1" in response.content.decode()  # skyddad folkbokföring, shown here
    event = AuditEvent.objects.get(user=coordinator, youth_id=youth.pk)
    assert event.action == AuditAction.YOUTH_VIEW and event.detail == {"page": "youths:edit"}


def test_a_successful_save_records_no_read_of_its_own(client_for, coordinator, world):
    youth = world["youth"]
    client_for(coordinator).post(
        reverse("actions:plan_revise", args=[youth.pk]), {"goal": "Nytt mål", "steps": "Steg"}
    )
    # The redirect lands on the youth page, which is the one read.
    assert not AuditEvent.objects.filter(action=AuditAction.YOUTH_VIEW).exists()
