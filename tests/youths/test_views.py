"""Every youth page: the happy path, the outsider's 404 and the forbidden role's 403."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from kaa.models import AuditAction, AuditEvent, Code
from tests.conftest import code, valid_personnummer
from youths.models import Enrolment, Guardian, Verification, Youth

TODAY = dt.date(2026, 11, 22)

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def fixed_today():
    with time_machine.travel(dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def youth(make_youth, coordinator, entry_reason):
    youth = make_youth(first_name="Saga", last_name="Lind", birth=dt.date(2008, 5, 17))
    youth.assigned_to = coordinator
    youth.save()
    Enrolment.objects.create(
        youth=youth, start_date=dt.date(2026, 6, 15), entry_reason=entry_reason
    )
    return youth


def _errors(response) -> str:
    return response.content.decode()


class TestYouthList:
    def test_coordinator_sees_own_caseload_and_the_read_is_audited(
        self, client_for, coordinator, colleague, youth, make_youth
    ):
        others = make_youth(first_name="Other", last_name="Person", assigned_to=colleague)
        response = client_for(coordinator).get(reverse("youths:list"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Lind, Saga" in html
        assert "Person, Other" not in html  # the default is "Mina ungdomar"
        assert youth.personnummer[:8] + "-" + youth.personnummer[8:] in html
        listed = AuditEvent.objects.filter(action=AuditAction.YOUTH_LIST, user=coordinator)
        assert list(listed.values_list("youth_id", flat=True)) == [youth.pk]
        assert others.pk not in listed.values_list("youth_id", flat=True)

    def test_filters_all_search_status_age(self, client_for, coordinator, youth, make_youth):
        make_youth(first_name="Nils", last_name="Berg", birth=dt.date(2010, 1, 1))
        client = client_for(coordinator)
        html = client.get(reverse("youths:list"), {"coordinator": "all"}).content.decode()
        assert "Berg, Nils" in html and "Lind, Saga" in html
        make_youth(first_name="Nils", last_name="Lindberg", birth=dt.date(2010, 1, 1))
        html = client.post(
            reverse("youths:search"), {"coordinator": "all", "q": "lind"}, follow=True
        ).content.decode()
        assert "Lind, Saga" in html and "Lindberg, Nils" in html and "Berg, Nils" not in html
        # One match opens the youth.
        formatted = f"{youth.personnummer[2:8]}-{youth.personnummer[8:]}"
        response = client.post(reverse("youths:search"), {"coordinator": "all", "q": formatted})
        assert response["Location"] == reverse("youths:detail", args=[youth.pk])
        html = client.get(
            reverse("youths:list"), {"coordinator": "all", "status": "i_malgrupp"}
        ).content.decode()
        assert "Lind, Saga" in html and "Berg, Nils" not in html
        html = client.get(
            reverse("youths:list"), {"coordinator": "all", "age": "16"}
        ).content.decode()
        assert "Berg, Nils" in html and "Lind, Saga" not in html
        html = client.get(reverse("youths:list"), {"coordinator": "none"}).content.decode()
        assert "Berg, Nils" in html and "Lind, Saga" not in html

    def test_outsider_never_sees_youths_of_another_municipality(self, client_for, outsider, youth):
        response = client_for(outsider).get(reverse("youths:list"), {"coordinator": "all"})
        assert response.status_code == 200
        assert "Lind" not in response.content.decode()

    def test_rektor_reads_the_list_of_all(self, client_for, rektor, youth):
        response = client_for(rektor).get(reverse("youths:list"))
        assert response.status_code == 200
        assert "Lind, Saga" in response.content.decode()

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("youths:list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_paging_keeps_filters_and_query_count_is_bounded(
        self, client_for, coordinator, make_youth, django_assert_max_num_queries, settings
    ):
        settings.KAA_PAGE_SIZE = 10
        for index in range(35):
            make_youth(first_name=f"Namn{index:02d}", last_name="Serie", assigned_to=coordinator)
        client = client_for(coordinator)
        results = client.post(reverse("youths:search"), {"q": "serie", "coordinator": "mine"})
        # 14: the page (its ids, then its rows), and one count of the matches outside
        # the chosen filters.
        with django_assert_max_num_queries(14):
            response = client.get(results["Location"] + "&page=2")
        html = response.content.decode()
        assert "Sida 2 av 4" in html
        token = results["Location"].split("sok=")[1].split("&")[0]
        assert f"sok={token}" in html and "page=3" in html and "serie" not in results["Location"]
        assert html.count("Serie, Namn") == 10


class TestYouthRegister:
    def post(self, client, **overrides):
        data = {
            "personnummer_text": valid_personnummer(dt.date(2009, 3, 4)),
            "first_name": "Ella",
            "last_name": "Åström",
            "phone": "070-1740605",
            "initial_state": "enrol",
            "start_date": "2026-11-01",
            "entry_reason": code(Code.ListName.ENTRY_REASON, "aldrig_paborjat").pk,
        }
        data.update(overrides)
        return client.post(reverse("youths:create"), data)

    def test_register_and_enrol(self, client_for, coordinator):
        response = self.post(client_for(coordinator))
        youth = Youth.objects.get(last_name="Åström")
        assert response.status_code == 302
        assert response["Location"] == reverse("youths:detail", args=[youth.pk])
        assert youth.enrolments.get().start_date == dt.date(2026, 11, 1)
        assert youth.assigned_to is None
        actions = set(AuditEvent.objects.filter(youth_id=youth.pk).values_list("action", flat=True))
        assert {AuditAction.YOUTH_CREATE, AuditAction.ENROLMENT_CREATE} <= actions

    def test_register_to_verify(self, client_for, coordinator):
        self.post(
            client_for(coordinator), initial_state="verify", verification_note="Ny i kommunen"
        )
        youth = Youth.objects.get(last_name="Åström")
        assert youth.verifications.get().note == "Ny i kommunen"
        assert not youth.enrolments.exists()

    def test_bad_personnummer_comes_back_filled_with_a_swedish_message(
        self, client_for, coordinator
    ):
        response = self.post(client_for(coordinator), personnummer_text="20090304-1235")
        html = response.content.decode()
        assert response.status_code == 200
        assert "kontrollsiffra stämmer inte" in html
        assert 'value="Åström"' in html and 'value="070-1740605"' in html
        assert not Youth.objects.exists()

    def test_us_style_date_is_refused(self, client_for, coordinator):
        response = self.post(client_for(coordinator), start_date="11/01/2026")
        assert response.status_code == 200
        assert "ÅÅÅÅ-MM-DD" in response.content.decode()
        assert not Youth.objects.exists()

    def test_service_error_keeps_the_form_and_writes_nothing(self, client_for, coordinator):
        response = self.post(client_for(coordinator), start_date="2026-12-01")
        assert response.status_code == 200
        assert "framtiden" in response.content.decode()
        assert not Youth.objects.exists()  # the registration and enrolment are one transaction

    def test_duplicate_in_same_municipality(self, client_for, coordinator, youth):
        response = self.post(client_for(coordinator), personnummer_text=youth.personnummer)
        assert "finns redan" in response.content.decode()
        assert Youth.objects.count() == 1

    def test_rektor_may_not_register(self, client_for, rektor):
        assert client_for(rektor).get(reverse("youths:create")).status_code == 403
        assert self.post(client_for(rektor)).status_code == 403
        assert not Youth.objects.exists()

    def test_user_without_membership_gets_403(self, client_for, django_user_model):
        stranger = django_user_model.objects.create_user("ingen", password="x" * 12)
        assert client_for(stranger).get(reverse("youths:create")).status_code == 403


class TestYouthDetail:
    def test_shows_facts_and_audits_the_read(self, client_for, coordinator, youth):
        response = client_for(coordinator).get(reverse("youths:detail", args=[youth.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Saga Lind" in html and youth.personnummer[:8] + "-" in html
        assert "2028-05-17" in html  # turns 20
        assert "I målgruppen" in html
        assert (
            AuditEvent.objects.filter(
                action=AuditAction.YOUTH_VIEW, youth_id=youth.pk, user=coordinator
            ).count()
            == 1
        )

    def test_protected_identity_hides_the_address(self, client_for, coordinator, youth):
        youth.street_address = "Hemliga gatan 1"
        youth.protected_identity = True
        youth.save()
        html = (
            client_for(coordinator).get(reverse("youths:detail", args=[youth.pk])).content.decode()
        )
        assert "Hemliga gatan" not in html
        assert "skyddad folkbokföring" in html.lower()

    def test_outsider_gets_404_and_nothing_is_audited_as_read(self, client_for, outsider, youth):
        response = client_for(outsider).get(reverse("youths:detail", args=[youth.pk]))
        assert response.status_code == 404
        assert not AuditEvent.objects.filter(action=AuditAction.YOUTH_VIEW).exists()

    def test_rektor_reads_without_change_links(self, client_for, rektor, youth):
        html = client_for(rektor).get(reverse("youths:detail", args=[youth.pk])).content.decode()
        assert "Saga Lind" in html
        assert reverse("youths:edit", args=[youth.pk]) not in html

    def test_query_count_is_bounded(
        self, client_for, coordinator, youth, django_assert_max_num_queries
    ):
        client = client_for(coordinator)
        # 23: the page, plus school notices and move-ins (with the lists behind them), and
        # who took each later step of an åtgärd (one read of the audit trail).
        with django_assert_max_num_queries(23):
            client.get(reverse("youths:detail", args=[youth.pk]))


class TestYouthChanges:
    def test_edit(self, client_for, coordinator, youth):
        url = reverse("youths:edit", args=[youth.pk])
        client = client_for(coordinator)
        assert client.get(url).status_code == 200
        data = {
            "first_name": "Saga",
            "last_name": "Lind",
            "phone": "070-1740111",
            "email": "s@example.invalid",
        }
        assert client.post(url, data).status_code == 302
        youth.refresh_from_db()
        assert youth.phone == "070-1740111"
        event = AuditEvent.objects.get(action=AuditAction.YOUTH_UPDATE)
        assert event.detail == {"fields": ["email", "phone"]}
        assert "070" not in str(event.detail)

    def test_edit_bad_email_keeps_input(self, client_for, coordinator, youth):
        url = reverse("youths:edit", args=[youth.pk])
        response = client_for(coordinator).post(
            url, {"first_name": "Sagax", "last_name": "Lind", "email": "inte-en-adress"}
        )
        assert response.status_code == 200
        assert 'value="Sagax"' in response.content.decode()
        youth.refresh_from_db()
        assert youth.first_name == "Saga"

    @pytest.mark.parametrize(
        "name", ["edit", "enrolment_create", "verification_open", "guardian_add"]
    )
    def test_forms_404_for_outsider_403_for_rektor(self, client_for, outsider, rektor, youth, name):
        url = reverse(f"youths:{name}", args=[youth.pk])
        assert client_for(outsider).get(url).status_code == 404
        assert client_for(rektor).get(url).status_code == 403
        assert client_for(rektor).post(url, {}).status_code == 403

    def test_assign_to_colleague(self, client_for, coordinator, colleague, youth):
        response = client_for(coordinator).post(
            reverse("youths:assign", args=[youth.pk]), {"assignee": colleague.pk}
        )
        assert response.status_code == 302
        youth.refresh_from_db()
        assert youth.assigned_to == colleague
        assert (
            AuditEvent.objects.get(action=AuditAction.YOUTH_ASSIGN).detail["to_user_id"]
            == colleague.pk
        )

    def test_assign_to_outsider_is_refused(self, client_for, coordinator, outsider, youth):
        response = client_for(coordinator).post(
            reverse("youths:assign", args=[youth.pk]), {"assignee": outsider.pk}
        )
        assert response.status_code == 200
        youth.refresh_from_db()
        assert youth.assigned_to != outsider

    def test_assign_forbidden_and_hidden(self, client_for, rektor, outsider, colleague, youth):
        url = reverse("youths:assign", args=[youth.pk])
        assert client_for(outsider).post(url, {"assignee": ""}).status_code == 404
        assert client_for(rektor).post(url, {"assignee": colleague.pk}).status_code == 403
        youth.refresh_from_db()
        assert youth.assigned_to != colleague

    def test_close_enrolment_and_enrol_again(self, client_for, coordinator, youth, exit_moved):
        enrolment = youth.enrolments.get()
        client = client_for(coordinator)
        url = reverse("youths:enrolment_close", args=[youth.pk, enrolment.pk])
        response = client.post(url, {"end_date": "2026-06-01", "exit_reason": exit_moved.pk})
        assert "före inskrivningsdatum" in response.content.decode()
        response = client.post(url, {"end_date": "2026-10-01", "exit_reason": exit_moved.pk})
        assert response.status_code == 302
        enrolment.refresh_from_db()
        assert enrolment.end_date == dt.date(2026, 10, 1)
        response = client.post(url, {"end_date": "2026-10-02", "exit_reason": exit_moved.pk})
        assert "redan avslutad" in response.content.decode()
        response = client.post(
            reverse("youths:enrolment_create", args=[youth.pk]),
            {"start_date": "2026-11-02", "entry_reason": enrolment.entry_reason_id},
        )
        assert response.status_code == 302
        assert youth.enrolments.count() == 2

    def test_enrolment_of_another_youth_is_404(
        self, client_for, coordinator, youth, make_youth, entry_reason
    ):
        other = make_youth(first_name="B", last_name="C")
        other_enrolment = Enrolment.objects.create(
            youth=other, start_date=dt.date(2026, 1, 1), entry_reason=entry_reason
        )
        url = reverse("youths:enrolment_close", args=[youth.pk, other_enrolment.pk])
        assert client_for(coordinator).get(url).status_code == 404

    def test_verification_open_and_resolve(self, client_for, coordinator, make_youth):
        youth = make_youth(first_name="Vera", last_name="Utreda")
        client = client_for(coordinator)
        client.post(
            reverse("youths:verification_open", args=[youth.pk]), {"note": "Avbrottsanmälan"}
        )
        verification = Verification.objects.get(youth=youth)
        url = reverse("youths:verification_resolve", args=[youth.pk, verification.pk])
        response = client.post(url, {"outcome": "ej_malgrupp", "note": "Går på annan skola"})
        assert response.status_code == 302
        verification.refresh_from_db()
        assert verification.resolved_on == TODAY and verification.outcome == "ej_malgrupp"

    def test_guardian_add_and_remove(self, client_for, coordinator, make_youth):
        youth = make_youth(birth=dt.date(2010, 2, 3))
        client = client_for(coordinator)
        response = client.post(
            reverse("youths:guardian_add", args=[youth.pk]),
            {"name": "Vera Lind", "phone": "070-1740222"},
        )
        assert response.status_code == 302
        guardian = Guardian.objects.get(youth=youth)
        client.post(reverse("youths:guardian_remove", args=[youth.pk, guardian.pk]))
        assert not Guardian.objects.exists()

    def test_guardian_refused_for_adult(self, client_for, coordinator, make_youth):
        adult = make_youth(birth=dt.date(2007, 1, 1))
        response = client_for(coordinator).post(
            reverse("youths:guardian_add", args=[adult.pk]), {"name": "Någon"}
        )
        assert "under 18 år" in response.content.decode()
        assert not Guardian.objects.exists()


class TestAccessLog:
    def test_administrator_reads_the_log_and_that_read_is_logged(
        self, client_for, administrator, coordinator, youth
    ):
        client_for(coordinator).get(reverse("youths:detail", args=[youth.pk]))
        client = client_for(administrator)
        response = client.get(reverse("youths:access_log", args=[youth.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "samordnare" in html and "Visade ungdom" in html
        assert AuditEvent.objects.filter(
            action=AuditAction.ACCESS_LOG_VIEW, user=administrator, youth_id=youth.pk
        ).exists()

    def test_details_are_in_swedish_words(
        self, client_for, administrator, coordinator, colleague, youth
    ):
        client = client_for(administrator)
        client.post(reverse("youths:assign", args=[youth.pk]), {"assignee": colleague.pk})
        client.get(reverse("youths:list"), {"coordinator": "all"})
        html = client.get(reverse("youths:access_log", args=[youth.pk])).content.decode()
        assert f"Till: {colleague.display_name()}" in html
        assert "Lista: Ungdomslistan" in html
        assert "user_id" not in html and "youth_list" not in html

    def test_coordinator_403_outsider_404(self, client_for, coordinator, outsider, youth):
        url = reverse("youths:access_log", args=[youth.pk])
        assert client_for(coordinator).get(url).status_code == 403
        assert client_for(outsider).get(url).status_code == 404
