"""Core pages: login audit, switching municipality, user administration, code lists."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from kaa.models import AuditAction, AuditEvent, Membership, Municipality, Role
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db]


def test_migrations_are_complete_and_linear():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


class TestLogin:
    def test_login_success_and_failure_are_audited(self, client, coordinator):
        response = client.post(reverse("login"), {"username": "samordnare", "password": "fel"})
        assert response.status_code == 200
        assert "användarnamn" in response.content.decode().lower()
        failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
        assert failed.username == "samordnare" and failed.user is None
        response = client.post(reverse("login"), {"username": "samordnare", "password": PASSWORD})
        assert response.status_code == 302
        assert AuditEvent.objects.filter(action=AuditAction.LOGIN, user=coordinator).count() == 1
        assert client.get(reverse("home")).status_code == 302

    def test_logout_is_post_only_and_audited(self, client_for, coordinator):
        client = client_for(coordinator)
        assert client.get(reverse("logout")).status_code == 405
        response = client.post(reverse("logout"), follow=True)
        assert response.redirect_chain[0][1] == 302
        assert "Du är utloggad." in response.content.decode()
        assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, user=coordinator).exists()

    def test_user_without_membership_sees_explanation(self, client_for, django_user_model):
        user = django_user_model.objects.create_user("ny", password=PASSWORD)
        response = client_for(user).get(reverse("home"))
        assert response.status_code == 403
        assert "inte kopplat till någon kommun" in response.content.decode()


class TestSwitchMunicipality:
    def test_member_of_two_switches_and_sees_the_other_youths(
        self, client_for, coordinator, home, other_municipality, make_youth
    ):
        Membership.objects.create(
            user=coordinator, municipality=other_municipality, role=Role.PRINCIPAL
        )
        there = make_youth(municipality=other_municipality, first_name="Lekeberg", last_name="Ung")
        client = client_for(coordinator)
        client.post(reverse("switch_municipality"), {"municipality": home.pk})
        assert client.get(reverse("youths:detail", args=[there.pk])).status_code == 404
        response = client.post(
            reverse("switch_municipality"),
            {"municipality": other_municipality.pk, "next": "/ungdomar/"},
        )
        assert response.status_code == 302
        assert client.get(reverse("youths:detail", args=[there.pk])).status_code == 200
        # As rektor there, the coordinator cannot register youths.
        assert client.get(reverse("youths:create")).status_code == 403

    def test_cannot_switch_to_a_municipality_one_is_not_a_member_of(
        self, client_for, coordinator, other_municipality, make_youth
    ):
        there = make_youth(municipality=other_municipality)
        client = client_for(coordinator)
        client.post(reverse("switch_municipality"), {"municipality": other_municipality.pk})
        assert client.get(reverse("youths:detail", args=[there.pk])).status_code == 404

    def test_open_redirect_is_refused(self, client_for, coordinator, home):
        response = client_for(coordinator).post(
            reverse("switch_municipality"),
            {"municipality": home.pk, "next": "https://evil.example/"},
        )
        assert response["Location"] == reverse("youths:list")


class TestUserAdministration:
    def test_list_shows_only_own_municipality(
        self, client_for, administrator, coordinator, outsider
    ):
        response = client_for(administrator).get(reverse("user_list"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "samordnare" in html and "utomstaende" not in html

    @pytest.mark.parametrize("name", ["user_list", "user_create", "membership_add"])
    def test_coordinator_and_rektor_are_forbidden(self, client_for, coordinator, rektor, name):
        assert client_for(coordinator).get(reverse(name)).status_code == 403
        assert client_for(rektor).get(reverse(name)).status_code == 403

    def test_create_user_with_role(self, client_for, administrator, home, django_user_model):
        response = client_for(administrator).post(
            reverse("user_create"),
            {
                "username": "nyanstalld",
                "first_name": "Ny",
                "last_name": "Anställd",
                "email": "ny@example.invalid",
                "role": Role.COORDINATOR,
                "password": "ett-långt-lösenord-42",
            },
        )
        assert response.status_code == 302
        user = django_user_model.objects.get(username="nyanstalld")
        assert user.check_password("ett-långt-lösenord-42")
        assert Membership.objects.get(user=user).municipality == home
        event = AuditEvent.objects.get(action=AuditAction.USER_CHANGE)
        assert event.detail == {"change": "created", "role": Role.COORDINATOR}

    def test_weak_password_is_refused_and_form_kept(
        self, client_for, administrator, django_user_model
    ):
        response = client_for(administrator).post(
            reverse("user_create"),
            {
                "username": "svag",
                "first_name": "S",
                "last_name": "V",
                "email": "s@example.invalid",
                "role": Role.COORDINATOR,
                "password": "12345678",
            },
        )
        assert response.status_code == 200
        assert 'value="svag"' in response.content.decode()
        assert not django_user_model.objects.filter(username="svag").exists()

    def test_add_existing_user_from_other_municipality(
        self, client_for, administrator, outsider, home
    ):
        response = client_for(administrator).post(
            reverse("membership_add"), {"email": outsider.email, "role": Role.PRINCIPAL}
        )
        assert response.status_code == 302
        assert Membership.objects.get(user=outsider, municipality=home).role == Role.PRINCIPAL

    def test_change_role_and_remove_member_releases_caseload(
        self, client_for, administrator, coordinator, make_youth
    ):
        youth = make_youth(assigned_to=coordinator)
        membership = Membership.objects.get(user=coordinator)
        client = client_for(administrator)
        client.post(reverse("membership_edit", args=[membership.pk]), {"role": Role.PRINCIPAL})
        membership.refresh_from_db()
        assert membership.role == Role.PRINCIPAL
        client.post(reverse("membership_remove", args=[membership.pk]))
        assert not Membership.objects.filter(pk=membership.pk).exists()
        youth.refresh_from_db()
        assert youth.assigned_to is None

    def test_last_administrator_cannot_be_removed(self, client_for, administrator):
        membership = Membership.objects.get(user=administrator)
        response = client_for(administrator).post(
            reverse("membership_remove", args=[membership.pk]), follow=True
        )
        assert "minst en administratör" in response.content.decode()
        assert Membership.objects.filter(pk=membership.pk).exists()

    def test_membership_of_other_municipality_is_404(self, client_for, administrator, outsider):
        membership = Membership.objects.get(user=outsider)
        client = client_for(administrator)
        assert client.get(reverse("membership_edit", args=[membership.pk])).status_code == 404
        assert client.post(reverse("membership_remove", args=[membership.pk])).status_code == 404
        assert Membership.objects.filter(pk=membership.pk).exists()


class TestCodeLists:
    def test_everyone_with_a_role_reads_code_lists_with_definitions(self, client_for, rektor):
        html = client_for(rektor).get(reverse("code_lists")).content.decode()
        assert "kaa-scb-2018" in html
        assert "Enstaka samtal" in html and "Fyllt 20 år" in html
        assert "skollagen 29 kap. 9 §" in html

    def test_without_membership_403(self, client_for, django_user_model):
        user = django_user_model.objects.create_user("x", password=PASSWORD)
        assert client_for(user).get(reverse("code_lists")).status_code == 403


def test_every_municipality_has_a_four_character_code(db):
    assert Municipality.objects.count() == 290
    assert Municipality.objects.get(code="0180").name == "Stockholm"
    assert all(len(c) == 4 for c in Municipality.objects.values_list("code", flat=True))


def test_personas_are_separated(db, coordinator, outsider):
    assert coordinator.memberships.get().municipality.code == "1880"
    assert outsider.memberships.get().municipality.code == "1814"
