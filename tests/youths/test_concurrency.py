"""Checks-then-writes of the register under real concurrent requests on PostgreSQL."""

import pytest
from django.test import Client
from django.urls import reverse

from kaa.models import AuditAction, AuditEvent
from tests.concurrency import run_concurrently
from youths.models import Verification

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("attempt", range(3))
def test_five_clicks_on_markera_att_utreda_open_one_verification(make_youth, coordinator, attempt):
    youth = make_youth(assigned_to=coordinator)
    url = reverse("youths:verification_open", args=[youth.pk])
    clients = [Client() for _ in range(5)]
    for client in clients:
        client.force_login(coordinator)
        # A first request warms the session up, so that the five posts below reach the
        # service together.
        client.get(url)

    def post(index):
        return clients[index].post(url, {"note": f"Klick {index}"}).status_code

    results = run_concurrently(5, post)
    assert results == [302] * 5
    assert Verification.objects.filter(youth=youth, resolved_on__isnull=True).count() == 1
    assert (
        AuditEvent.objects.filter(action=AuditAction.VERIFICATION_OPEN, youth_id=youth.pk).count()
        == 1
    )


def test_two_saves_from_one_version_at_once_lose_nothing(make_youth, coordinator, colleague):
    from kaa.versioning import EditBase, StaleEdit
    from youths.services import YOUTH_FIELDS, youth_update

    youth = make_youth(assigned_to=coordinator, phone="070-1111111", street_address="Storgatan 1")
    shown = {name: getattr(youth, name) for name in YOUTH_FIELDS}
    base = EditBase(version=youth.version, values=shown)
    edits = [
        (coordinator, {**shown, "phone": "070-2222222"}),
        (colleague, {**shown, "street_address": "Nygatan 5"}),
    ]

    def save(index):
        user, values = edits[index]
        return youth_update(acting_user=user, youth=youth, based_on=base, **values)

    results = run_concurrently(2, save)
    refused = [r for r in results if isinstance(r, StaleEdit)]
    assert len(refused) == 1, results
    assert not [r for r in results if isinstance(r, Exception) and r not in refused]
    youth.refresh_from_db()
    # The first save is kept whole; the second wrote nothing and was told so.
    assert (youth.phone, youth.street_address) in [
        ("070-2222222", "Storgatan 1"),
        ("070-1111111", "Nygatan 5"),
    ]
    assert youth.version == base.version + 1
