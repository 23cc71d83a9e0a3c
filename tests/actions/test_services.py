"""Every casework write: the happy path with its audit row, and the refusals."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from actions import services
from actions.models import Action, FollowUpRules
from kaa.models import AuditAction, AuditEvent, Code
from tests.conftest import code
from youths.models import Enrolment
from youths.services import youth_assign

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def audit(action, youth):
    return AuditEvent.objects.filter(action=action, youth_id=youth.pk)


class TestContact:
    def test_failed_attempt_needs_no_occupation(self, coordinator, enrolled):
        contact = services.contact_log(
            acting_user=coordinator,
            youth=enrolled,
            at=at(dt.date(2026, 11, 20)),
            channel="sms",
            reached=False,
        )
        assert contact.reached is False
        event = audit(AuditAction.CONTACT_LOG, enrolled).get()
        assert event.user == coordinator and event.detail == {"channel": "sms", "reached": False}

    def test_reached_contact_requires_occupation(self, coordinator, enrolled, occupation):
        with pytest.raises(ValidationError) as error:
            services.contact_log(
                acting_user=coordinator,
                youth=enrolled,
                at=at(dt.date(2026, 11, 20)),
                channel="telefon",
                reached=True,
            )
        assert "sysselsättning" in error.value.message_dict["occupation"][0]
        services.contact_log(
            acting_user=coordinator,
            youth=enrolled,
            at=at(dt.date(2026, 11, 20)),
            channel="telefon",
            reached=True,
            occupation=occupation,
            next_follow_up=dt.date(2026, 12, 20),
        )
        assert enrolled.contacts.get().occupation == occupation

    @pytest.mark.parametrize(
        ("day", "field", "text"),
        [
            (dt.date(2026, 11, 24), "at", "framtiden"),
            (dt.date(2026, 8, 31), "at", "utanför ungdomens inskrivning"),
        ],
    )
    def test_refused_dates(self, coordinator, enrolled, day, field, text):
        with pytest.raises(ValidationError) as error:
            services.contact_log(
                acting_user=coordinator, youth=enrolled, at=at(day), channel="sms", reached=False
            )
        assert text in error.value.message_dict[field][0]
        assert not enrolled.contacts.exists()

    def test_follow_up_in_the_past_refused(self, coordinator, enrolled):
        with pytest.raises(ValidationError) as error:
            services.contact_log(
                acting_user=coordinator,
                youth=enrolled,
                at=at(dt.date(2026, 11, 20)),
                channel="sms",
                reached=False,
                next_follow_up=dt.date(2026, 11, 21),
            )
        assert "next_follow_up" in error.value.message_dict

    def test_contact_while_verifying_is_allowed(self, coordinator, make_youth):
        from youths.services import verification_open

        youth = make_youth()
        verification_open(acting_user=coordinator, youth=youth, today=dt.date(2026, 11, 10))
        services.contact_log(
            acting_user=coordinator,
            youth=youth,
            at=at(dt.date(2026, 11, 12)),
            channel="brev",
            reached=False,
        )
        assert youth.contacts.count() == 1

    def test_after_exit_follow_up_window(self, coordinator, administrator, home, enrolled):
        enrolment = enrolled.enrolments.get()
        enrolment.end_date = dt.date(2026, 10, 1)
        enrolment.exit_reason = code(Code.ListName.EXIT_REASON, "paborjat_nationellt")
        enrolment.save()
        kwargs = dict(
            acting_user=coordinator,
            youth=enrolled,
            at=at(dt.date(2026, 11, 1)),
            channel="sms",
            reached=False,
        )
        with pytest.raises(ValidationError):
            services.contact_log(**kwargs)
        services.follow_up_rules_update(
            acting_user=administrator, municipality=home, follow_up_after_exit=True
        )
        services.contact_log(**kwargs)
        assert enrolled.contacts.count() == 1

    def test_rektor_cannot_log(self, rektor, enrolled):
        with pytest.raises(PermissionDenied):
            services.contact_log(
                acting_user=rektor,
                youth=enrolled,
                at=at(dt.date(2026, 11, 20)),
                channel="sms",
                reached=False,
            )


class TestAction:
    def offer(self, user, youth, kind, **extra):
        values = dict(responsible=Action.Responsible.MUNICIPALITY, offered_on=dt.date(2026, 11, 1))
        values.update(extra)
        return services.action_offer(acting_user=user, youth=youth, kind=kind, **values)

    def test_whole_life_of_an_action(self, coordinator, enrolled, action_kind, occupation):
        action = self.offer(coordinator, enrolled, action_kind, follow_up_on=dt.date(2026, 12, 1))
        services.action_respond(
            acting_user=coordinator, action=action, accepted=True, on=dt.date(2026, 11, 3)
        )
        services.action_start(
            acting_user=coordinator, action=action, start_date=dt.date(2026, 11, 5)
        )
        services.action_end(
            acting_user=coordinator,
            action=action,
            end_date=dt.date(2026, 11, 20),
            end_reason="Genomförd",
            occupation_after=occupation,
        )
        action.refresh_from_db()
        assert (action.response, action.start_date, action.end_date) == (
            "ja",
            dt.date(2026, 11, 5),
            dt.date(2026, 11, 20),
        )
        changes = list(
            audit(AuditAction.ACTION_CHANGE, enrolled)
            .order_by("id")
            .values_list("detail__change", flat=True)
        )
        assert changes == ["offered", "response", "started", "ended"]

    def test_other_actor_must_be_named(self, coordinator, enrolled, action_kind):
        with pytest.raises(ValidationError) as error:
            self.offer(coordinator, enrolled, action_kind, responsible=Action.Responsible.OTHER)
        assert "responsible_name" in error.value.message_dict
        action = self.offer(
            coordinator,
            enrolled,
            action_kind,
            responsible=Action.Responsible.OTHER,
            responsible_name="Arbetsförmedlingen",
        )
        assert action.responsible_name == "Arbetsförmedlingen"

    def test_offer_outside_enrolment_and_in_future(self, coordinator, enrolled, action_kind):
        with pytest.raises(ValidationError, match="utanför"):
            self.offer(coordinator, enrolled, action_kind, offered_on=dt.date(2026, 8, 1))
        with pytest.raises(ValidationError, match="framtiden"):
            self.offer(coordinator, enrolled, action_kind, offered_on=dt.date(2026, 11, 23))
        assert not Action.objects.exists()

    def test_declined_cannot_start_and_answer_once(self, coordinator, enrolled, action_kind):
        action = self.offer(coordinator, enrolled, action_kind)
        services.action_respond(
            acting_user=coordinator, action=action, accepted=False, on=dt.date(2026, 11, 2)
        )
        with pytest.raises(ValidationError, match="tackat ja"):
            services.action_start(
                acting_user=coordinator, action=action, start_date=dt.date(2026, 11, 3)
            )
        with pytest.raises(ValidationError, match="redan registrerat"):
            services.action_respond(
                acting_user=coordinator, action=action, accepted=True, on=dt.date(2026, 11, 3)
            )

    def test_answer_before_offer_refused(self, coordinator, enrolled, action_kind):
        action = self.offer(coordinator, enrolled, action_kind)
        with pytest.raises(ValidationError) as error:
            services.action_respond(
                acting_user=coordinator, action=action, accepted=True, on=dt.date(2026, 10, 31)
            )
        assert "före erbjudandet" in error.value.message_dict["on"][0]

    def test_end_needs_occupation_and_not_before_start(
        self, coordinator, enrolled, action_kind, occupation
    ):
        action = self.offer(coordinator, enrolled, action_kind)
        services.action_respond(
            acting_user=coordinator, action=action, accepted=True, on=dt.date(2026, 11, 2)
        )
        services.action_start(
            acting_user=coordinator, action=action, start_date=dt.date(2026, 11, 10)
        )
        with pytest.raises(ValidationError) as error:
            services.action_end(
                acting_user=coordinator,
                action=action,
                end_date=dt.date(2026, 11, 9),
                end_reason="",
                occupation_after=None,
            )
        fields = error.value.message_dict
        assert {"end_date", "end_reason", "occupation_after"} <= set(fields)
        assert "före startdatum" in fields["end_date"][0]
        action.refresh_from_db()
        assert action.end_date is None

    def test_rektor_cannot_offer(self, rektor, enrolled, action_kind):
        with pytest.raises(PermissionDenied):
            self.offer(rektor, enrolled, action_kind)


class TestPlanConsentRules:
    def test_plan_revisions_are_kept(self, coordinator, colleague, enrolled):
        services.plan_revise(
            acting_user=coordinator, youth=enrolled, goal="Börja på gymnasiet", steps="Träffa SYV"
        )
        services.plan_revise(acting_user=colleague, youth=enrolled, goal="Börja på komvux")
        revisions = list(enrolled.plan_revisions.all())
        assert [r.goal for r in revisions] == ["Börja på komvux", "Börja på gymnasiet"]
        assert revisions[0].created_by == colleague
        assert audit(AuditAction.PLAN_REVISE, enrolled).count() == 2
        with pytest.raises(ValidationError, match="oförändrad"):
            services.plan_revise(acting_user=coordinator, youth=enrolled, goal="Börja på komvux")
        with pytest.raises(ValidationError):
            services.plan_revise(acting_user=coordinator, youth=enrolled, goal="  ")

    def test_consent_given_and_withdrawn(self, coordinator, enrolled):
        consent = services.consent_register(
            acting_user=coordinator,
            youth=enrolled,
            agency="Arbetsförmedlingen",
            scope="Kontaktuppgifter",
            given_on=dt.date(2026, 11, 1),
            valid_until=dt.date(2027, 5, 1),
        )
        assert consent.is_valid_on(dt.date(2026, 11, 22))
        with pytest.raises(ValidationError):
            services.consent_withdraw(
                acting_user=coordinator, consent=consent, on=dt.date(2026, 10, 1)
            )
        services.consent_withdraw(
            acting_user=coordinator, consent=consent, on=dt.date(2026, 11, 22)
        )
        assert not consent.is_valid_on(dt.date(2026, 11, 22))
        assert audit(AuditAction.CONSENT_CHANGE, enrolled).count() == 2

    def test_consent_validity_before_given(self, coordinator, enrolled):
        with pytest.raises(ValidationError) as error:
            services.consent_register(
                acting_user=coordinator,
                youth=enrolled,
                agency="Socialtjänsten",
                scope="x",
                given_on=dt.date(2026, 11, 1),
                valid_until=dt.date(2026, 10, 1),
            )
        assert "valid_until" in error.value.message_dict

    def test_only_administrators_change_rules(self, coordinator, administrator, home):
        with pytest.raises(PermissionDenied):
            services.follow_up_rules_update(
                acting_user=coordinator, municipality=home, unreached_days=10
            )
        services.follow_up_rules_update(
            acting_user=administrator, municipality=home, unreached_days=10
        )
        assert FollowUpRules.for_municipality(home.pk).unreached_days == 10
        assert AuditEvent.objects.get(action=AuditAction.RULES_CHANGE).detail == {
            "fields": ["unreached_days"]
        }


class TestAssignmentNotice:
    def test_only_the_new_assignee_is_told_without_personal_data(
        self, coordinator, colleague, enrolled, django_capture_on_commit_callbacks
    ):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            youth_assign(acting_user=coordinator, youth=enrolled, assignee=colleague)
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [colleague.email]
        body = message.subject + message.body
        assert f"/ungdomar/{enrolled.pk}/" in body
        assert enrolled.personnummer[:8] not in body and enrolled.last_name not in body

    def test_assigning_to_oneself_sends_nothing(
        self, coordinator, enrolled, django_capture_on_commit_callbacks
    ):
        enrolled.assigned_to = None
        enrolled.save()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            youth_assign(acting_user=coordinator, youth=enrolled, assignee=coordinator)
        assert mail.outbox == []


def test_closed_enrolment_cannot_be_edited(coordinator, enrolled, exit_moved):
    from youths.services import enrolment_close

    enrolment = enrolled.enrolments.get()
    enrolment_close(
        acting_user=coordinator,
        enrolment=enrolment,
        end_date=dt.date(2026, 11, 1),
        exit_reason=exit_moved,
    )
    with pytest.raises(ValidationError, match="redan avslutad"):
        enrolment_close(
            acting_user=coordinator,
            enrolment=enrolment,
            end_date=dt.date(2026, 11, 2),
            exit_reason=exit_moved,
        )
    assert Enrolment.objects.get().end_date == dt.date(2026, 11, 1)
