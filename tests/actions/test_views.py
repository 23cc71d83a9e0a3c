"""Casework pages: happy path, outsider 404, rektor 403, and bounded queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Consent, PlanRevision
from kaa.models import AuditAction, AuditEvent
from youths.models import Contact

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


def add_events(youth, kind, n=200):
    """n events on the timeline: contacts and åtgärder in turn."""
    base = dt.date(2026, 9, 2)
    contacts, actions = [], []
    for index in range(n // 2):
        day = base + dt.timedelta(days=index % 80)
        contacts.append(
            Contact(
                youth=youth,
                at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
                channel="sms",
                reached=False,
                note=f"försök {index}",
            )
        )
        actions.append(Action(youth=youth, kind=kind, offered_on=day))
    Contact.objects.bulk_create(contacts)
    Action.objects.bulk_create(actions)


class TestTodoPage:
    def test_coordinator_sees_caseload_and_list_is_audited(self, client_for, coordinator, enrolled):
        response = client_for(coordinator).get(reverse("actions:todo"))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Inte nådda på länge" in html and "Ekdahl, Iris" in html
        assert AuditEvent.objects.filter(
            action=AuditAction.YOUTH_LIST, youth_id=enrolled.pk, detail__list="todo"
        ).exists()

    def test_outsider_sees_nothing_of_ours(self, client_for, outsider, enrolled):
        html = client_for(outsider).get(reverse("actions:todo"), {"vy": "all"}).content.decode()
        assert "Ekdahl" not in html and "Inget att göra i dag." in html

    def test_rektor_lands_on_counts_and_reads_all(self, client_for, rektor, enrolled):
        client = client_for(rektor)
        html = client.get(reverse("actions:todo")).content.decode()
        # The landing page is counts, not the municipality's list of names.
        assert "Ekdahl" not in html and "Inte nådda på länge" in html
        assert not AuditEvent.objects.filter(action=AuditAction.YOUTH_LIST).exists()
        html = client.get(reverse("actions:todo"), {"vy": "all"}).content.decode()
        assert "Ekdahl, Iris" in html

    def test_query_count_is_constant(
        self,
        client_for,
        coordinator,
        rektor,
        make_youth,
        entry_reason,
        django_assert_max_num_queries,
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from youths.imports.models import School, SchoolNotice
        from youths.models import Enrolment, Verification

        school = School.objects.create(code="12345678", name="Lekebergsskolan")

        def add(count, start):
            for index in range(start, start + count):
                youth = make_youth(
                    first_name=f"U{index:03d}", last_name="Many", assigned_to=coordinator
                )
                Enrolment.objects.create(
                    youth=youth, start_date=dt.date(2026, 9, 1), entry_reason=entry_reason
                )
                if index % 3 == 0:
                    Verification.objects.create(youth=youth, opened_on=dt.date(2026, 11, 1))
                if index % 4 == 1:
                    SchoolNotice.objects.create(
                        youth=youth,
                        school=school,
                        event="franvaro",
                        event_date=dt.date(2026, 11, 10),
                        received_on=dt.date(2026, 11, 12),
                    )

        def queries(client, params):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse("actions:todo"), params).status_code == 200
            return len(captured)

        views = [{}, {"vy": "all"}, {"vy": "none"}, {"avsnitt": "unreached"}]
        views += [{"avsnitt": "unreached", "sida": "2"}, {"vy": "all", "avsnitt": "verify"}]
        views += [{"vy": "all", "avsnitt": "absence"}]
        client = client_for(coordinator)
        add(60, 0)
        client.get(reverse("actions:todo"))  # the session's first page records its start
        few = [queries(client, params) for params in views]
        add(240, 60)
        # A few hundred youths in the sections: the same queries as with sixty.
        many = [queries(client, params) for params in views]
        assert many == few, (few, many)
        with django_assert_max_num_queries(30):
            response = client.get(reverse("actions:todo"))
        html = response.content.decode()
        # Capped per section, most overdue first, with a link to the rest.
        assert html.count("Many, U") == 30 and "Visa alla 300" in html
        assert "Visa alla 100" in html and "Visa alla 75" in html
        with django_assert_max_num_queries(30):
            response = client.get(reverse("actions:todo"), {"avsnitt": "unreached", "sida": "2"})
        html = response.content.decode()
        assert html.count("Many, U") == 50
        # Page 2, by name within the same due day: U050 to U099.
        assert "Many, U050" in html and "Many, U099" in html and "Many, U100" not in html
        # One audit row per youth shown on a page, in one statement.
        audit = AuditEvent.objects.filter(action=AuditAction.YOUTH_LIST)
        audit.delete()
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("actions:todo"))
        # 10 + 10 + 10 shown: unreached U000-U009, verify every third from U000,
        # frånvaro every fourth from U001; eight of them in two sections.
        assert audit.count() == 22
        assert sum('INSERT INTO "kaa_auditevent"' in q["sql"] for q in captured) == 1
        rektor_client = client_for(rektor)
        with django_assert_max_num_queries(20):
            assert rektor_client.get(reverse("actions:todo")).status_code == 200


class TestYouthPageWithCasework:
    def test_timeline_newest_first_and_query_count_with_200_events(
        self, client_for, coordinator, enrolled, action_kind, django_assert_max_num_queries
    ):
        add_events(enrolled, action_kind, 200)
        PlanRevision.objects.create(youth=enrolled, goal="Mål ett")
        Consent.objects.create(
            youth=enrolled,
            agency="Arbetsförmedlingen",
            scope="Kontakt",
            given_on=dt.date(2026, 10, 1),
        )
        client = client_for(coordinator)
        # 22: the page, plus school notices and move-ins (with the lists behind them).
        url = reverse("youths:detail", args=[enrolled.pk])
        pages = []
        for number in range(1, 6):
            with django_assert_max_num_queries(23):
                response = client.get(url, {"handelser": number})
            pages.append(response.content.decode())
        # Paged by 50, newest first: the plan revised today on page 1, the enrolment last.
        assert pages[0].count('<li class="border-bottom py-1 timeline-') == 50
        assert "Planeringen reviderades" in pages[0] and "Inskriven: " in pages[4]
        assert "Äldre" in pages[0] and "Äldre" not in pages[4]
        everything = "".join(pages)
        assert everything.count("Kontakt: Sms, ej svar") == 100
        assert everything.count("Åtgärd erbjuden") == 100
        assert "Mål ett" in pages[0] and "Arbetsförmedlingen" in everything


class TestContactPage:
    def test_quick_failed_attempt(self, client_for, coordinator, enrolled):
        response = client_for(coordinator).post(
            reverse("actions:contact_create", args=[enrolled.pk]),
            {
                "at": "2026-11-22 09:30",
                "channel": "sms",
                "with_whom": "ungdomen",
                "reached": "0",
                "note": "Ej svar",
            },
        )
        assert response.status_code == 302
        contact = enrolled.contacts.get()
        assert contact.reached is False and contact.note == "Ej svar"

    def test_error_keeps_what_was_typed(self, client_for, coordinator, enrolled):
        response = client_for(coordinator).post(
            reverse("actions:contact_create", args=[enrolled.pk]),
            {
                "at": "2026-11-22 09:30",
                "channel": "telefon",
                "with_whom": "ungdomen",
                "reached": "1",
                "note": "Bra samtal",
            },
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "sysselsättning" in html
        assert "Bra samtal" in html
        assert not enrolled.contacts.exists()

    def test_outsider_404_rektor_403(self, client_for, outsider, rektor, enrolled):
        url = reverse("actions:contact_create", args=[enrolled.pk])
        data = {"at": "2026-11-22 09:30", "channel": "sms", "with_whom": "ungdomen", "reached": "0"}
        assert client_for(outsider).post(url, data).status_code == 404
        assert client_for(rektor).post(url, data).status_code == 403
        assert client_for(rektor).get(url).status_code == 403
        assert not enrolled.contacts.exists()


class TestActionPages:
    def test_offer_respond_start_end(
        self, client_for, coordinator, enrolled, action_kind, occupation
    ):
        client = client_for(coordinator)
        response = client.post(
            reverse("actions:action_offer", args=[enrolled.pk]),
            {"kind": action_kind.pk, "responsible": "kommunen", "offered_on": "2026-11-01"},
        )
        assert response.status_code == 302
        action = enrolled.actions.get()
        step = lambda name: reverse("actions:action_step", args=[enrolled.pk, action.pk, name])  # noqa: E731
        assert client.post(step("svar"), {"accepted": "1", "on": "2026-11-02"}).status_code == 302
        assert client.post(step("starta"), {"start_date": "2026-11-03"}).status_code == 302
        response = client.post(
            step("avsluta"),
            {
                "end_date": "2026-11-02",
                "end_reason": "Genomförd",
                "occupation_after": occupation.pk,
            },
        )
        assert "före startdatum" in response.content.decode()
        assert (
            client.post(
                step("avsluta"),
                {
                    "end_date": "2026-11-20",
                    "end_reason": "Genomförd",
                    "occupation_after": occupation.pk,
                },
            ).status_code
            == 302
        )
        action.refresh_from_db()
        assert action.end_date == dt.date(2026, 11, 20) and action.occupation_after == occupation

    def test_definitions_shown_where_the_type_is_chosen(self, client_for, coordinator, enrolled):
        html = (
            client_for(coordinator)
            .get(reverse("actions:action_offer", args=[enrolled.pk]))
            .content.decode()
        )
        assert "Vad betyder koderna?" in html
        assert "En planerad serie samtal är kod 3." in html  # the definition of "Enstaka samtal"

    def test_unknown_step_and_foreign_action_404(
        self, client_for, coordinator, enrolled, make_youth, action_kind
    ):
        other = make_youth()
        foreign = Action.objects.create(
            youth=other, kind=action_kind, offered_on=dt.date(2026, 11, 1)
        )
        client = client_for(coordinator)
        assert (
            client.get(
                reverse("actions:action_step", args=[enrolled.pk, foreign.pk, "svar"])
            ).status_code
            == 404
        )
        mine = Action.objects.create(
            youth=enrolled, kind=action_kind, offered_on=dt.date(2026, 11, 1)
        )
        assert (
            client.get(
                reverse("actions:action_step", args=[enrolled.pk, mine.pk, "hoppa"])
            ).status_code
            == 404
        )

    @pytest.mark.parametrize("name", ["action_offer", "plan_revise", "consent_create"])
    def test_forbidden_and_hidden(self, client_for, outsider, rektor, enrolled, name):
        url = reverse(f"actions:{name}", args=[enrolled.pk])
        assert client_for(outsider).get(url).status_code == 404
        assert client_for(rektor).post(url, {}).status_code == 403


class TestPlanConsentRulesPages:
    def test_plan_and_consent(self, client_for, coordinator, enrolled):
        client = client_for(coordinator)
        client.post(
            reverse("actions:plan_revise", args=[enrolled.pk]),
            {"goal": "Gymnasiet", "steps": "SYV"},
        )
        client.post(
            reverse("actions:plan_revise", args=[enrolled.pk]), {"goal": "Komvux", "steps": "SYV"}
        )
        assert enrolled.plan_revisions.count() == 2
        page = client.get(reverse("actions:plan_revise", args=[enrolled.pk])).content.decode()
        assert "Komvux" in page  # the form starts from the current plan
        client.post(
            reverse("actions:consent_create", args=[enrolled.pk]),
            {"agency": "Socialtjänsten", "scope": "Kontaktuppgifter", "given_on": "2026-11-01"},
        )
        consent = enrolled.consents.get()
        client.post(
            reverse("actions:consent_withdraw", args=[enrolled.pk, consent.pk]),
            {"on": "2026-11-22"},
        )
        consent.refresh_from_db()
        assert consent.withdrawn_on == dt.date(2026, 11, 22)

    def test_rules_page_for_administrators_only(self, client_for, administrator, coordinator, home):
        assert client_for(coordinator).get(reverse("actions:rules")).status_code == 403
        client = client_for(administrator)
        response = client.post(
            reverse("actions:rules"),
            {
                "unreached_days": 21,
                "declined_interval_days": 30,
                "before_20_days": 60,
                "after_exit_days": 183,
                "absence_days": 14,
            },
        )
        assert response.status_code == 302
        assert home.follow_up_rules.unreached_days == 21
        assert home.follow_up_rules.absence_days == 14
        # A window of no days or over a year is refused with the form filled again.
        response = client.post(
            reverse("actions:rules"),
            {
                "unreached_days": 22,
                "declined_interval_days": 30,
                "before_20_days": 60,
                "after_exit_days": 183,
                "absence_days": 0,
            },
        )
        html = response.content.decode()
        assert response.status_code == 200 and 'value="22"' in html
        assert "större än eller lika med 1" in html
        home.follow_up_rules.refresh_from_db()
        assert home.follow_up_rules.unreached_days == 21


class TestActionEndReason:
    def test_reason_is_a_choice_and_annat_needs_a_note(
        self, client_for, coordinator, enrolled, action_kind, occupation
    ):
        action = Action.objects.create(
            youth=enrolled,
            kind=action_kind,
            offered_on=dt.date(2026, 10, 1),
            response="ja",
            responded_on=dt.date(2026, 10, 2),
            start_date=dt.date(2026, 10, 3),
        )
        client = client_for(coordinator)
        url = reverse("actions:action_step", args=[enrolled.pk, action.pk, "avsluta"])
        html = client.get(url).content.decode()
        assert "Ungdomen började studera" in html and ">Annat<" in html
        data = {"end_date": "2026-11-10", "occupation_after": occupation.pk}
        response = client.post(url, {**data, "end_reason": "Något påhittat"})
        assert "Välj ett giltigt alternativ" in response.content.decode()
        response = client.post(url, {**data, "end_reason": "annat"})
        assert "Skriv orsaken när du väljer Annat." in response.content.decode()
        response = client.post(
            url, {**data, "end_reason": "annat", "end_reason_note": "Flyttade utomlands"}
        )
        assert response.status_code == 302
        action.refresh_from_db()
        assert action.end_reason == "Annat: Flyttade utomlands"


class TestConsentGivenBy:
    def test_consent_records_who_gave_it(self, client_for, coordinator, enrolled):
        client = client_for(coordinator)
        url = reverse("actions:consent_create", args=[enrolled.pk])
        data = {"agency": "Socialtjänsten", "scope": "Kontakt", "given_on": "2026-11-10"}
        html = client.post(url, {**data, "given_by": "vardnadshavare"}).content.decode()
        assert "Skriv vårdnadshavarens namn." in html
        response = client.post(
            url, {**data, "given_by": "vardnadshavare", "given_by_name": "Vera Ekdahl"}
        )
        assert response.status_code == 302
        consent = Consent.objects.get(agency="Socialtjänsten")
        assert (consent.given_by, consent.given_by_name) == ("vardnadshavare", "Vera Ekdahl")
        page = client.get(reverse("youths:detail", args=[enrolled.pk])).content.decode()
        assert "av vårdnadshavaren Vera Ekdahl" in page
        client.post(url, {**data, "agency": "AF", "given_by": "ungdomen", "given_by_name": "X"})
        assert Consent.objects.get(agency="AF").given_by_name == ""
