"""Writes of casework: contacts, åtgärder, plans, consents, follow-up rules.

Each validates with Swedish messages keyed by field, saves and audits in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import Action, Consent, FollowUpRules, PlanRevision
from kaa.access import Perm, has_perm, membership_in
from kaa.audit import audit_record
from kaa.models import AuditAction, Code, Municipality
from kaa.versioning import EditBase, resolve_edit
from youths import rules
from youths import services as youth_services
from youths.imports.models import SchoolEvent
from youths.models import Contact, Enrolment, Youth
from youths.services import lock_youth
from youths.summary import case_summary_refresh

# Reasons after which the youth still lives here, so a follow-up after exit makes sense.
EXIT_KEYS_FOLLOWED_UP = ("paborjat_nationellt", "paborjat_introduktion", "fullfoljt", "annan")


def _require_change(user, youth: Youth) -> None:
    if not has_perm(membership_in(user, youth.municipality_id), Perm.CHANGE_YOUTHS):
        raise PermissionDenied


def _audit(user, youth: Youth, action: AuditAction, obj, **detail) -> None:
    audit_record(
        user=user,
        municipality_id=youth.municipality_id,
        action=action,
        youth_id=youth.pk,
        obj=obj,
        detail=detail,
    )


def _code(code: Code | None, list_name: str, field: str, *, required: bool, message: str) -> None:
    if code is None:
        if required:
            raise ValidationError({field: message})
        return
    if code.list_name != list_name:
        raise ValidationError({field: _("Välj ett värde ur kodlistan.")})


def _not_future(
    day: dt.date | None,
    field: str,
    today: dt.date,
    errors: dict,
    label: str,
    *,
    birth_date: dt.date | None = None,
) -> None:
    """A date that must not lie in the future, checked against reality (rules.date_error)."""
    rules.check_date(
        day, field=field, today=today, birth_date=birth_date, label=label, errors=errors
    )


def _not_far_ahead(day: dt.date | None, field: str, today: dt.date, errors: dict) -> None:
    """A date that may lie ahead (a follow-up, a consent's end), but not absurdly far."""
    rules.check_date(day, field=field, today=today, future=True, errors=errors)


def within_casework(youth: Youth, day: dt.date, *, enrolments=None) -> bool:
    """May casework be dated `day`? Inside an enrolment (rules.enrolment_for), while the
    youth is being verified, or in the follow-up window after leaving when the
    municipality keeps one. `enrolments` replaces the stored ones (to test a change)."""
    if enrolments is None:
        enrolments = list(youth.enrolments.select_related("exit_reason"))
    if rules.enrolment_for(enrolments, day, turns_20=youth.turns_20_on):
        return True
    if any(
        v.opened_on <= day and (v.resolved_on is None or day <= v.resolved_on)
        for v in youth.verifications.all()
    ):
        return True
    # A school's frånvaro notice asks for a preventive follow-up of a youth who may still
    # be in school (Att göra lists it): contacts about it are casework for as long as the
    # notice is listed.
    follow_up = FollowUpRules.for_municipality(youth.municipality_id)
    if youth.school_notices.filter(
        event=SchoolEvent.ABSENCE,
        event_date__lte=day,
        received_on__gte=day - dt.timedelta(days=follow_up.absence_days - 1),
    ).exists():
        return True
    if follow_up.follow_up_after_exit:
        for enrolment in enrolments:
            if (
                enrolment.end_date is not None
                and enrolment.exit_reason.key in EXIT_KEYS_FOLLOWED_UP
                and enrolment.end_date
                <= day
                <= rules.add_days(enrolment.end_date, follow_up.after_exit_days)
            ):
                return True
    return False


def _may_end_on(youth: Youth, day: dt.date) -> bool:
    """May a running åtgärd be ended on `day`? Within casework, or on the day its
    enrolment ended (SCB control 7: no event *after* UpphortDatum); never on or after the
    20th birthday (control 1: the youth is under 20 on every event date)."""
    if day >= youth.turns_20_on:
        return False
    if within_casework(youth, day):
        return True
    return any(
        e.end_date == day and rules.period_covers(e, rules.add_days(day, -1))
        for e in youth.enrolments.all()
    )


def _outside_message(day: dt.date) -> str:
    return _(
        "Datumet %(date)s ligger utanför ungdomens inskrivning i aktivitetsansvaret. "
        "Skriv in ungdomen eller markera att utreda först."
    ) % {"date": day.isoformat()}


@transaction.atomic
def contact_log(
    *,
    acting_user,
    youth: Youth,
    at: dt.datetime,
    channel: str,
    with_whom: str = Contact.WithWhom.YOUTH,
    reached: bool,
    occupation: Code | None = None,
    note: str = "",
    next_follow_up: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Contact:
    """Log a contact or a failed attempt ("sms, ej svar")."""
    _require_change(acting_user, youth)
    # Validated with the youth's row locked: an enrolment closed at the same moment cannot
    # leave this contact outside every enrolment.
    youth = lock_youth(youth)
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = timezone.localdate(at)
    errors: dict[str, str] = {}
    problem = rules.date_error(day, today=today, birth_date=youth.birth_date, future=True)
    if problem:
        errors["at"] = problem
    elif at > now + dt.timedelta(minutes=5):
        errors["at"] = _("Kontakten kan inte ligga i framtiden.")
    elif not within_casework(youth, day):
        errors["at"] = _outside_message(day)
    if channel not in Contact.Channel.values:
        errors["channel"] = _("Välj kanal.")
    if with_whom not in Contact.WithWhom.values:
        errors["with_whom"] = _("Välj vem kontakten var med.")
    if reached and occupation is None:
        # SCB block 2: a contact carries the youth's sysselsättning.
        errors["occupation"] = _("Ange ungdomens sysselsättning när ni fick kontakt.")
    elif occupation is not None and occupation.list_name != Code.ListName.OCCUPATION:
        errors["occupation"] = _("Välj ett värde ur kodlistan.")
    if next_follow_up is not None and next_follow_up < today:
        errors["next_follow_up"] = _("Nästa uppföljning kan inte ligga bakåt i tiden.")
    _not_far_ahead(next_follow_up, "next_follow_up", today, errors)
    if len(note) > Contact.NOTE_MAX_LENGTH:
        errors["note"] = _("Anteckningen får vara högst %(n)s tecken.") % {
            "n": Contact.NOTE_MAX_LENGTH
        }
    if errors:
        raise ValidationError(errors)
    contact = Contact.objects.create(
        youth=youth,
        at=at,
        channel=channel,
        with_whom=with_whom,
        reached=reached,
        occupation=occupation,
        note=note.strip(),
        next_follow_up=next_follow_up,
        created_by=acting_user,
    )
    _audit(acting_user, youth, AuditAction.CONTACT_LOG, contact, channel=channel, reached=reached)
    case_summary_refresh([youth.pk])
    return contact


@transaction.atomic
def action_offer(
    *,
    acting_user,
    youth: Youth,
    kind: Code | None,
    responsible: str,
    responsible_name: str = "",
    content: str = "",
    offered_on: dt.date,
    follow_up_on: dt.date | None = None,
    today: dt.date | None = None,
) -> Action:
    _require_change(acting_user, youth)
    youth = lock_youth(youth)
    today = today or timezone.localdate()
    _code(kind, Code.ListName.ACTION, "kind", required=True, message=_("Välj åtgärd."))
    errors: dict[str, str] = {}
    _not_future(
        offered_on,
        "offered_on",
        today,
        errors,
        _("Datum för erbjudandet"),
        birth_date=youth.birth_date,
    )
    if "offered_on" not in errors and not within_casework(youth, offered_on):
        errors["offered_on"] = _outside_message(offered_on)
    if responsible not in Action.Responsible.values:
        errors["responsible"] = _("Välj vem som ansvarar.")
    elif responsible == Action.Responsible.OTHER and not responsible_name.strip():
        errors["responsible_name"] = _("Ange vilken aktör som ansvarar, t.ex. Arbetsförmedlingen.")
    if follow_up_on is not None and follow_up_on < offered_on:
        errors["follow_up_on"] = _("Uppföljningen kan inte ligga före erbjudandet.")
    _not_far_ahead(follow_up_on, "follow_up_on", today, errors)
    if errors:
        raise ValidationError(errors)
    action = Action.objects.create(
        youth=youth,
        kind=kind,
        responsible=responsible,
        responsible_name=responsible_name.strip(),
        content=content.strip(),
        offered_on=offered_on,
        follow_up_on=follow_up_on,
        created_by=acting_user,
    )
    _audit(acting_user, youth, AuditAction.ACTION_CHANGE, action, change="offered", kind=kind.value)
    case_summary_refresh([youth.pk])
    return action


def _locked(action: Action) -> Action:
    # The youth first, then the åtgärd: the one lock order of every casework write.
    youth = lock_youth(action.youth_id)
    action = Action.objects.select_for_update().get(pk=action.pk)
    action.youth = youth
    return action


def action_respond(
    *, acting_user, action: Action, accepted: bool, on: dt.date, today: dt.date | None = None
) -> Action:
    """Record that the youth accepted or declined the åtgärd."""
    today = today or timezone.localdate()
    with transaction.atomic():
        action = _locked(action)
        _require_change(acting_user, action.youth)
        errors: dict[str, str] = {}
        if action.response:
            raise ValidationError(_("Svaret på erbjudandet är redan registrerat."))
        _not_future(on, "on", today, errors, _("Svarsdatum"), birth_date=action.youth.birth_date)
        if on < action.offered_on:
            errors["on"] = _("Svaret kan inte vara före erbjudandet (%(date)s).") % {
                "date": action.offered_on.isoformat()
            }
        if errors:
            raise ValidationError(errors)
        action.response = Action.Response.ACCEPTED if accepted else Action.Response.DECLINED
        action.responded_on = on
        action.save(update_fields=["response", "responded_on"])
        _audit(
            acting_user,
            action.youth,
            AuditAction.ACTION_CHANGE,
            action,
            change="response",
            response=action.response,
        )
        case_summary_refresh([action.youth_id])
        return action


def action_start(
    *, acting_user, action: Action, start_date: dt.date, today: dt.date | None = None
) -> Action:
    today = today or timezone.localdate()
    with transaction.atomic():
        action = _locked(action)
        _require_change(acting_user, action.youth)
        errors: dict[str, str] = {}
        if action.response != Action.Response.ACCEPTED:
            raise ValidationError(_("Åtgärden kan bara starta när ungdomen har tackat ja."))
        if action.start_date is not None:
            raise ValidationError(_("Åtgärden har redan startat."))
        _not_future(
            start_date,
            "start_date",
            today,
            errors,
            _("Startdatum"),
            birth_date=action.youth.birth_date,
        )
        if start_date < action.offered_on:
            errors["start_date"] = _("Startdatum kan inte vara före erbjudandet (%(date)s).") % {
                "date": action.offered_on.isoformat()
            }
        elif "start_date" not in errors and not within_casework(action.youth, start_date):
            errors["start_date"] = _outside_message(start_date)
        if errors:
            raise ValidationError(errors)
        action.start_date = start_date
        action.save(update_fields=["start_date"])
        _audit(acting_user, action.youth, AuditAction.ACTION_CHANGE, action, change="started")
        return action


def action_end(
    *,
    acting_user,
    action: Action,
    end_date: dt.date,
    end_reason: str,
    occupation_after: Code | None,
    today: dt.date | None = None,
) -> Action:
    today = today or timezone.localdate()
    with transaction.atomic():
        action = _locked(action)
        _require_change(acting_user, action.youth)
        if action.start_date is None:
            raise ValidationError(_("Åtgärden har inte startat och kan inte avslutas."))
        if action.end_date is not None:
            raise ValidationError(_("Åtgärden är redan avslutad."))
        errors: dict[str, str] = {}
        _not_future(
            end_date, "end_date", today, errors, _("Slutdatum"), birth_date=action.youth.birth_date
        )
        if end_date < action.start_date:
            errors["end_date"] = _("Slutdatum kan inte vara före startdatum (%(date)s).") % {
                "date": action.start_date.isoformat()
            }
        elif "end_date" not in errors and end_date >= action.youth.turns_20_on:
            # skollagen 29 kap. 9 §: casework ends with the 20th birthday.
            errors["end_date"] = _(
                "Ungdomen fyllde 20 år %(date)s. Åtgärden kan avslutas senast dagen före."
            ) % {"date": action.youth.turns_20_on.isoformat()}
        elif "end_date" not in errors and not _may_end_on(action.youth, end_date):
            errors["end_date"] = _outside_message(end_date)
        if not end_reason.strip():
            errors["end_reason"] = _("Ange varför åtgärden avslutades.")
        if occupation_after is None:
            # SCB block 4: an ended åtgärd carries the sysselsättning after it.
            errors["occupation_after"] = _("Ange ungdomens sysselsättning efter åtgärden.")
        elif occupation_after.list_name != Code.ListName.OCCUPATION:
            errors["occupation_after"] = _("Välj ett värde ur kodlistan.")
        if errors:
            raise ValidationError(errors)
        action.end_date = end_date
        action.end_reason = end_reason.strip()
        action.occupation_after = occupation_after
        action.save(update_fields=["end_date", "end_reason", "occupation_after"])
        _audit(
            acting_user,
            action.youth,
            AuditAction.ACTION_CHANGE,
            action,
            change="ended",
            occupation_after=occupation_after.value,
        )
        case_summary_refresh([action.youth_id])
        return action


def action_set_follow_up(
    *, acting_user, action: Action, follow_up_on: dt.date | None, today: dt.date | None = None
) -> Action:
    today = today or timezone.localdate()
    with transaction.atomic():
        action = _locked(action)
        _require_change(acting_user, action.youth)
        if follow_up_on is not None and follow_up_on < today:
            raise ValidationError(
                {"follow_up_on": _("Uppföljningen kan inte ligga bakåt i tiden.")}
            )
        rules.check_date(follow_up_on, field="follow_up_on", today=today, future=True)
        action.follow_up_on = follow_up_on
        action.save(update_fields=["follow_up_on"])
        _audit(acting_user, action.youth, AuditAction.ACTION_CHANGE, action, change="follow_up")
        case_summary_refresh([action.youth_id])
        return action


@transaction.atomic
def plan_revise(
    *,
    acting_user,
    youth: Youth,
    goal: str,
    steps: str = "",
    based_on: EditBase | None = None,
) -> PlanRevision:
    """A new revision of the individual plan; earlier revisions are kept.

    The plan's version is the id of its newest revision: a form based on an older one is
    refused (StaleEdit) when the colleague's plan differs from it, so a later save never
    silently replaces a revision its author did not see."""
    _require_change(acting_user, youth)
    # Locked, so that two saves at once cannot both pass the checks below.
    youth = lock_youth(youth)
    if not goal.strip():
        raise ValidationError({"goal": _("Ange målet med insatserna.")})
    current = youth.plan_revisions.first()
    saved = {"goal": current.goal, "steps": current.steps} if current else {"goal": "", "steps": ""}
    write = resolve_edit(
        version=current.pk if current else 0,
        current=saved,
        mine={"goal": goal.strip(), "steps": steps.strip()},
        based_on=based_on,
    )
    new = {**saved, **write}
    if current is not None and new == saved:
        raise ValidationError(_("Planeringen är oförändrad."))
    revision = PlanRevision.objects.create(youth=youth, created_by=acting_user, **new)
    _audit(acting_user, youth, AuditAction.PLAN_REVISE, revision)
    return revision


@transaction.atomic
def consent_register(
    *,
    acting_user,
    youth: Youth,
    agency: str,
    scope: str,
    given_on: dt.date,
    valid_until: dt.date | None = None,
    given_by: str = Consent.GivenBy.YOUTH,
    given_by_name: str = "",
    today: dt.date | None = None,
) -> Consent:
    _require_change(acting_user, youth)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if not agency.strip():
        errors["agency"] = _("Ange vem uppgifterna får lämnas till.")
    if given_by not in Consent.GivenBy.values:
        errors["given_by"] = _("Ange vem som lämnade samtycket.")
    elif given_by == Consent.GivenBy.GUARDIAN and not given_by_name.strip():
        errors["given_by_name"] = _("Skriv vårdnadshavarens namn.")
    _not_future(
        given_on, "given_on", today, errors, _("Datum för samtycket"), birth_date=youth.birth_date
    )
    if valid_until is not None and valid_until < given_on:
        errors["valid_until"] = _("Giltighetstiden kan inte sluta före samtycket lämnades.")
    _not_far_ahead(valid_until, "valid_until", today, errors)
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        youth=youth,
        agency=agency.strip(),
        scope=scope.strip(),
        given_on=given_on,
        valid_until=valid_until,
        given_by=given_by,
        given_by_name=given_by_name.strip() if given_by == Consent.GivenBy.GUARDIAN else "",
        created_by=acting_user,
    )
    _audit(acting_user, youth, AuditAction.CONSENT_CHANGE, consent, change="given", by=given_by)
    return consent


@transaction.atomic
def consent_withdraw(
    *, acting_user, consent: Consent, on: dt.date, today: dt.date | None = None
) -> Consent:
    _require_change(acting_user, consent.youth)
    today = today or timezone.localdate()
    # Locked and re-read: of several withdrawals at once, one writes and audits, the others
    # find it withdrawn.
    youth = lock_youth(consent.youth_id)
    Consent.objects.select_for_update().filter(pk=consent.pk).values_list("pk").get()
    consent.refresh_from_db()
    consent.youth = youth
    if consent.withdrawn_on is not None:
        raise ValidationError(_("Samtycket är redan återkallat."))
    if on > today:
        raise ValidationError({"on": _("Datum för återkallelsen kan inte ligga i framtiden.")})
    if on < consent.given_on:
        raise ValidationError({"on": _("Samtycket kan inte återkallas före det lämnades.")})
    consent.withdrawn_on = on
    consent.save(update_fields=["withdrawn_on"])
    _audit(acting_user, consent.youth, AuditAction.CONSENT_CHANGE, consent, change="withdrawn")
    return consent


@transaction.atomic
def follow_up_rules_update(
    *, acting_user, municipality: Municipality, based_on: EditBase | None = None, **values
) -> FollowUpRules:
    if not has_perm(membership_in(acting_user, municipality.pk), Perm.MANAGE_USERS):
        raise PermissionDenied
    rules, _created = FollowUpRules.objects.select_for_update().get_or_create(
        municipality=municipality
    )
    write = resolve_edit(
        version=rules.version,
        current={name: getattr(rules, name) for name in values},
        mine=values,
        based_on=based_on,
    )
    changed = sorted(write)
    for name in changed:
        setattr(rules, name, values[name])
    if changed:
        rules.version += 1
    rules.save()
    audit_record(
        user=acting_user,
        municipality_id=municipality.pk,
        action=AuditAction.RULES_CHANGE,
        obj=rules,
        detail={"fields": changed},
    )
    return rules


# Closing an enrolment with its casework ---------------------------------------------------


@dataclass(frozen=True)
class OutsideEntry:
    """A contact or åtgärd that a closing would leave outside every enrolment."""

    kind: str  # "contact" or "action"
    pk: int
    day: dt.date
    label: str


class CaseworkOutsideError(ValidationError):
    """Closing refused: `entries` lie after the new end date, outside casework."""

    def __init__(self, message, *, entries: list[OutsideEntry]):
        super().__init__({"end_date": message})
        self.entries = entries


def _action_days(action: Action) -> list[dt.date]:
    return [
        day
        for day in (action.offered_on, action.responded_on, action.start_date, action.end_date)
        if day is not None
    ]


def casework_outside(youth: Youth, *, enrolments, after: dt.date) -> list[OutsideEntry]:
    """Contacts and åtgärder dated after `after` that would lie outside casework if the
    youth's enrolments were `enrolments` (SCB control 7: no event after UpphortDatum)."""
    entries: list[OutsideEntry] = []
    for contact in youth.contacts.filter(at__date__gt=after).order_by("at", "pk"):
        day = timezone.localdate(contact.at)
        if day > after and not within_casework(youth, day, enrolments=enrolments):
            label = _("Kontakt %(date)s (%(channel)s)") % {
                "date": day.isoformat(),
                "channel": contact.get_channel_display(),
            }
            entries.append(OutsideEntry("contact", contact.pk, day, label))
    for action in youth.actions.select_related("kind").order_by("offered_on", "pk"):
        for day in _action_days(action):
            if day > after and not within_casework(youth, day, enrolments=enrolments):
                label = _("Åtgärd %(kind)s, daterad %(date)s") % {
                    "kind": action.kind.label,
                    "date": day.isoformat(),
                }
                entries.append(OutsideEntry("action", action.pk, day, label))
                break
    return entries


def _running_at(youth: Youth, end_date: dt.date):
    """Åtgärder started before the enrolment's end date and not ended."""
    return youth.actions.filter(
        start_date__isnull=False, start_date__lt=end_date, end_date__isnull=True
    ).order_by("pk")


def exit_end_date_for_actions(youth: Youth, end_date: dt.date) -> dt.date:
    """The day running åtgärder end when the enrolment ends on `end_date`: the same day,
    except on the 20th birthday, when the youth is already 20 (SCB control 1): then the
    last day before it."""
    if end_date >= youth.turns_20_on:
        return youth.turns_20_on - dt.timedelta(days=1)
    return end_date


def actions_end_at_exit(
    *, acting_user, youth: Youth, end_date: dt.date, occupation_after: Code, automatic: bool
) -> int:
    """End every åtgärd still running when the enrolment ends. Call inside the closing
    transaction. Returns the number ended."""
    ended = 0
    action_end_date = exit_end_date_for_actions(youth, end_date)
    reason = _("Aktivitetsansvaret upphörde")
    for action in _running_at(youth, end_date).select_for_update():
        day = max(action_end_date, action.start_date)
        updated = Action.objects.filter(pk=action.pk, end_date__isnull=True).update(
            end_date=day, end_reason=reason, occupation_after=occupation_after
        )
        if updated:
            detail = {"change": "ended", "occupation_after": occupation_after.value}
            if automatic:
                detail["automatic"] = True
            _audit(acting_user, youth, AuditAction.ACTION_CHANGE, action, **detail)
            ended += 1
    if ended:
        case_summary_refresh([youth.pk])
    return ended


def enrolment_close_with_casework(
    *,
    acting_user,
    enrolment: Enrolment,
    end_date: dt.date,
    exit_reason: Code | None,
    occupation_after: Code | None = None,
    today: dt.date | None = None,
) -> Enrolment:
    """Close an enrolment by hand and deal with its open casework, in one transaction.

    Refused (CaseworkOutsideError, with the entries) when contacts or åtgärder are dated
    after the new end date and would fall outside every enrolment, verification and
    after-exit follow-up window. Running åtgärder are ended on the same day with the
    sysselsättning the coordinator picked (`occupation_after`, required when any run).
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        # The youth's row lock orders this with casework written at the same time.
        youth = lock_youth(enrolment.youth_id)
        _require_change(acting_user, youth)
        closed = youth_services.enrolment_close(
            acting_user=acting_user,
            enrolment=enrolment,
            end_date=end_date,
            exit_reason=exit_reason,
            today=today,
        )
        enrolments = list(youth.enrolments.select_related("exit_reason"))
        outside = casework_outside(youth, enrolments=enrolments, after=end_date)
        if outside:
            raise CaseworkOutsideError(
                _(
                    "Inskrivningen kan inte avslutas %(date)s: %(count)s kontakter eller "
                    "åtgärder är daterade efter slutdatumet och skulle hamna utanför "
                    "aktivitetsansvaret. Välj ett senare slutdatum eller rätta posterna."
                )
                % {"date": end_date.isoformat(), "count": len(outside)},
                entries=outside,
            )
        if _running_at(youth, end_date).exists():
            if occupation_after is None:
                raise ValidationError(
                    {
                        "occupation_after": _(
                            "Ungdomen har pågående åtgärder som avslutas samma dag. Ange "
                            "ungdomens sysselsättning efter åtgärderna."
                        )
                    }
                )
            if occupation_after.list_name != Code.ListName.OCCUPATION:
                raise ValidationError({"occupation_after": _("Välj ett värde ur kodlistan.")})
            actions_end_at_exit(
                acting_user=acting_user,
                youth=youth,
                end_date=end_date,
                occupation_after=occupation_after,
                automatic=False,
            )
        return closed


def action_complete_occupation(*, acting_user, action: Action, occupation_after: Code | None):
    """Replace an ended åtgärd's sysselsättning "Okänd" (set when the nightly job ended
    it on the 20th birthday) with what the coordinator has learnt."""
    with transaction.atomic():
        action = _locked(action)
        _require_change(acting_user, action.youth)
        if action.end_date is None:
            raise ValidationError(_("Åtgärden är inte avslutad."))
        if occupation_after is None or occupation_after.list_name != Code.ListName.OCCUPATION:
            raise ValidationError(
                {"occupation_after": _("Ange ungdomens sysselsättning efter åtgärden.")}
            )
        action.occupation_after = occupation_after
        action.save(update_fields=["occupation_after"])
        _audit(
            acting_user,
            action.youth,
            AuditAction.ACTION_CHANGE,
            action,
            change="occupation_after",
            occupation_after=occupation_after.value,
        )
        case_summary_refresh([action.youth_id])
        return action
