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
