"""An administrator deactivates a user: history kept, login blocked, session ended."""

import pytest
from django.test import Client
from django.urls import reverse

from kaa.models import AuditAction, AuditEvent, Membership
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db]


def log_in(username) -> int:
    """A login through the login page; the status (302 = logged in)."""
    data = {"username": username, "password": PASSWORD}
    return Client().post(reverse("login"), data).status_code


def test_deactivate_blocks_login_and_keeps_history(administrator, colleague):
    colleague_client = Client()
    colleague_client.force_login(colleague)
    assert colleague_client.get(reverse("youths:list")).status_code == 200
    membership = Membership.objects.get(user=colleague)
    admin_client = Client()
    admin_client.force_login(administrator)
    response = admin_client.post(
        reverse("user_set_active", args=[membership.pk]), {"active": "0"}, follow=True
    )
    assert "Användaren är inaktiverad" in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.is_active is False
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.USER_CHANGE, detail__change="deactivated"
    ).exists()
    # The open session ends at its next request, and a new login is refused.
    assert colleague_client.get(reverse("youths:list")).status_code == 302
    assert log_in(colleague.username) == 200
    # Reactivated, the user can log in again.
    admin_client.post(reverse("user_set_active", args=[membership.pk]), {"active": "1"})
    assert log_in(colleague.username) == 302


def test_cannot_deactivate_oneself_and_only_admins_may(
    client_for, administrator, coordinator, colleague
):
    own = Membership.objects.get(user=administrator)
    response = client_for(administrator).post(
        reverse("user_set_active", args=[own.pk]), {"active": "0"}, follow=True
    )
    assert "Du kan inte inaktivera dig själv." in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active
    other = Membership.objects.get(user=colleague)
    url = reverse("user_set_active", args=[other.pk])
    assert client_for(coordinator).post(url, {"active": "0"}).status_code == 403
