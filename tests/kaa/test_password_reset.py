"""A local account's password is reset by e-mail; a single sign-on account gets nothing."""

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = [pytest.mark.django_db]


def test_password_reset_by_email(client, coordinator):
    assert "Glömt lösenordet?" in client.get(reverse("login")).content.decode()
    response = client.post(reverse("password_reset"), {"email": coordinator.email}, follow=True)
    assert "Länken är skickad" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "KAA: nytt lösenord"
    link = re.search(r"https?://[^/]+(/konto/losenord/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    new = "Ett-nytt-lösenord-2026"
    response = client.post(form_url, {"new_password1": new, "new_password2": new}, follow=True)
    assert "Lösenordet är bytt" in response.content.decode()
    login = {"username": coordinator.username, "password": new}
    assert client.post(reverse("login"), login).status_code == 302
    # The link works once.
    client.logout()
    assert "Länken gäller inte längre" in client.get(link, follow=True).content.decode()


def test_single_sign_on_account_gets_no_mail(client, coordinator):
    coordinator.set_unusable_password()
    coordinator.save()
    client.post(reverse("password_reset"), {"email": coordinator.email})
    assert mail.outbox == []
