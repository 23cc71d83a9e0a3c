"""Writes to the youth register. Each validates, saves and audits in one transaction."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.access import Perm, has_perm, membership_in
from kaa.audit import audit_record
from kaa.models import AuditAction, Code, Municipality, Role
from kaa.versioning import EditBase, resolve_edit
from youths import personnummer, rules
from youths.models import AssignmentHistory, Enrolment, Guardian, Verification, Youth
from youths.summary import case_summary_refresh

logger = logging.getLogger(__name__)

YOUTH_FIELDS = (
    "first_name",
    "last_name",
    "street_address",
    "postal_code",
    "postal_town",
    "phone",
    "email",
    "protected_identity",
)


def lock_youth(youth: Youth | int) -> Youth:
    """The youth's row, re-read and locked until the transaction ends.

    Every check-then-write about one youth (is a verification open, is the date inside an
    enrolment, which plan revision is current) takes this lock first, so two requests at
    once run one after the other and the second checks what the first wrote. Callers that
    also lock a casework row lock the youth first, to keep one lock order.
    """
    return Youth.objects.select_for_update().get(pk=getattr(youth, "pk", youth))


def _require_change(user, municipality_id: int) -> None:
    if not has_perm(membership_in(user, municipality_id), Perm.CHANGE_YOUTHS):
        raise PermissionDenied


def _check_assignee(assignee, municipality_id: int) -> None:
    if assignee is None:
        return
    membership = membership_in(assignee, municipality_id)
    if membership is None or membership.role not in (Role.COORDINATOR, Role.ADMINISTRATOR):
        raise ValidationError(
            {"assigned_to": _("Ungdomen kan bara tilldelas en samordnare i samma kommun.")}
        )


def youth_register(
    *,
    acting_user,
    municipality: Municipality,
    personnummer_text: str,
    first_name: str,
    last_name: str,
    assigned_to=None,
    today: dt.date | None = None,
    **contact,
) -> Youth:
    """Register a youth by hand. Raises ValidationError with Swedish messages."""
    today = today or timezone.localdate()
    _require_change(acting_user, municipality.pk)
    try:
        digits = personnummer.normalize(personnummer_text, today=today)
    except personnummer.InvalidPersonnummer as error:
        raise ValidationError({"personnummer": str(error)}) from error
    birth_problem = rules.birth_date_error(
        personnummer.Personnummer(digits).birth_date, today=today
    )
    if birth_problem:
        raise ValidationError({"personnummer": birth_problem})
    _check_assignee(assigned_to, municipality.pk)
    unknown = set(contact) - set(YOUTH_FIELDS)
    if unknown:
        raise TypeError(f"Unknown youth fields: {sorted(unknown)}")
    youth = Youth(
        municipality=municipality,
        personnummer=digits,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        assigned_to=assigned_to,
        **contact,
    )
    if Youth.objects.filter(municipality=municipality, personnummer=digits).exists():
        raise ValidationError(
            {"personnummer": _("Det finns redan en ungdom med detta personnummer i kommunen.")}
        )
    try:
        with transaction.atomic():
            youth.save()
            audit_record(
                user=acting_user,
                municipality_id=municipality.pk,
                action=AuditAction.YOUTH_CREATE,
                youth_id=youth.pk,
                obj=youth,
            )
            case_summary_refresh([youth.pk])
    except IntegrityError:
        # Two registrations of the same number at once: the unique constraint decides.
        raise ValidationError(
            {"personnummer": _("Det finns redan en ungdom med detta personnummer i kommunen.")}
        ) from None
    logger.info("youth registered id=%s municipality=%s", youth.pk, municipality.code)
    return youth


@transaction.atomic
def youth_update(
    *, acting_user, youth: Youth, based_on: EditBase | None = None, **changes
) -> Youth:
    """Save the fields the user changed. With `based_on` (the version and values the form
    showed) a form older than the saved record is refused with StaleEdit when a colleague's
    values differ from it, and an untouched field never reverts a colleague's change."""
    _require_change(acting_user, youth.municipality_id)
    unknown = set(changes) - set(YOUTH_FIELDS)
    if unknown:
        raise TypeError(f"Unknown youth fields: {sorted(unknown)}")
    youth = lock_youth(youth)
    write = resolve_edit(
        version=youth.version,
        current={name: getattr(youth, name) for name in changes},
        mine=changes,
        based_on=based_on,
    )
    changed = sorted(write)
    if not changed:
        return youth
    for name in changed:
        setattr(youth, name, changes[name])
    youth.version += 1
    youth.save(update_fields=[*changed, "version", "updated_at"])
    # The trail names the fields that changed, never their values (personal data).
    audit_record(
        user=acting_user,
        municipality_id=youth.municipality_id,
        action=AuditAction.YOUTH_UPDATE,
        youth_id=youth.pk,
        obj=youth,
        detail={"fields": changed},
    )
    return youth


@transaction.atomic
def youth_assign(*, acting_user, youth: Youth, assignee) -> Youth:
    _require_change(acting_user, youth.municipality_id)
    _check_assignee(assignee, youth.municipality_id)
    youth = lock_youth(youth)
    previous_id = youth.assigned_to_id
    new_id = assignee.pk if assignee else None
    if previous_id == new_id:
        return youth
    youth.assigned_to = assignee
    youth.version += 1
    youth.save(update_fields=["assigned_to", "version", "updated_at"])
    audit_record(
        user=acting_user,
        municipality_id=youth.municipality_id,
        action=AuditAction.YOUTH_ASSIGN,
        youth_id=youth.pk,
        obj=youth,
        detail={"from_user_id": previous_id, "to_user_id": new_id},
    )
    # The casework history outlives the audit trail (purged after AUDIT_RETENTION_DAYS).
    AssignmentHistory.objects.create(
        youth=youth,
        from_user_id=previous_id,
        to_user_id=new_id,
        by_user=acting_user if getattr(acting_user, "pk", None) else None,
    )
    if assignee is not None and assignee.pk != getattr(acting_user, "pk", None):
        # Only the new assignee is told, and only once the assignment is committed.
        from actions.tasks import notify_assignment

        youth_id, user_id = youth.pk, assignee.pk
        transaction.on_commit(lambda: notify_assignment.delay(youth_id, user_id))
    return youth


@transaction.atomic
def guardian_add(
    *, acting_user, youth: Youth, name: str, phone: str = "", email: str = ""
) -> Guardian:
    _require_change(acting_user, youth.municipality_id)
    if not youth.is_minor_on():
        # förordning 2006:39 and Skolverket: guardians are contacts only while the youth is a minor.
        raise ValidationError(_("Vårdnadshavare kan bara registreras för ungdomar under 18 år."))
    if not name.strip():
        raise ValidationError({"name": _("Ange vårdnadshavarens namn.")})
    guardian = Guardian.objects.create(youth=youth, name=name.strip(), phone=phone, email=email)
    audit_record(
        user=acting_user,
        municipality_id=youth.municipality_id,
        action=AuditAction.GUARDIAN_CHANGE,
        youth_id=youth.pk,
        obj=guardian,
        detail={"change": "added"},
    )
    return guardian


@transaction.atomic
def guardian_remove(*, acting_user, guardian: Guardian) -> None:
    youth = guardian.youth
    _require_change(acting_user, youth.municipality_id)
    guardian = Guardian.objects.select_for_update().filter(pk=guardian.pk).first()
    if guardian is None:
        # Removed by a concurrent request: nothing left to do, and nothing to audit twice.
        return
    audit_record(
        user=acting_user,
        municipality_id=youth.municipality_id,
        action=AuditAction.GUARDIAN_CHANGE,
        youth_id=youth.pk,
        obj=guardian,
        detail={"change": "removed"},
    )
    guardian.delete()


def _code(code: Code | None, list_name: str, field: str) -> Code:
    if code is None or code.list_name != list_name:
        raise ValidationError({field: _("Välj ett värde ur kodlistan.")})
    return code


def enrolment_create(
    *,
    acting_user,
    youth: Youth,
    start_date: dt.date,
    entry_reason: Code | None,
    completed_school_early: bool = False,
    today: dt.date | None = None,
) -> Enrolment:
    """Enrol the youth in KAA from `start_date`. Resolves an open "att utreda".

    skollagen 29 kap. 9 §: the target group are those who have completed compulsory
    school, so the enrolment starts after rules.skolplikt_end unless the coordinator states
    that the youth completed grundskolan early (`completed_school_early`, audited).
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        youth = Youth.objects.select_for_update().select_related("municipality").get(pk=youth.pk)
        _require_change(acting_user, youth.municipality_id)
        _code(entry_reason, Code.ListName.ENTRY_REASON, "entry_reason")
        errors = {}
        skolplikt_end = rules.skolplikt_end(youth.birth_date, municipality=youth.municipality)
        date_problem = rules.date_error(
            start_date, today=today, birth_date=youth.birth_date, label=_("Inskrivningsdatum")
        )
        if date_problem:
            errors["start_date"] = date_problem
        elif start_date <= skolplikt_end and not completed_school_early:
            errors["start_date"] = _(
                "Ungdomen har skolplikt till och med %(end)s (vårterminens slut det år "
                "ungdomen fyller 16) och kan skrivas in tidigast %(first)s. Har ungdomen "
                "slutfört grundskolan tidigare? Kryssa då i det nedan."
            ) % {
                "end": skolplikt_end.isoformat(),
                "first": (skolplikt_end + dt.timedelta(days=1)).isoformat(),
            }
        elif start_date >= youth.turns_20_on:
            # skollagen 29 kap. 9 §: the duty covers youths who have not turned 20.
            errors["start_date"] = _(
                "Ungdomen har fyllt 20 år den dagen (%(date)s) och tillhör inte målgruppen."
            ) % {"date": youth.turns_20_on.isoformat()}
        elif youth.enrolments.overlapping(start_date, None).exists():
            errors["start_date"] = _(
                "Ungdomen har redan en inskrivning som gäller det datumet eller senare."
            )
        if errors:
            raise ValidationError(errors)
        # The statement is kept only where it was needed (the start lies within skolplikt).
        early = bool(completed_school_early) and start_date <= skolplikt_end
        enrolment = Enrolment.objects.create(
            youth=youth,
            start_date=start_date,
            entry_reason=entry_reason,
            completed_school_early=early,
            created_by=acting_user,
        )
        detail = {"entry_reason": entry_reason.value, "start_date": start_date.isoformat()}
        if early:
            detail["completed_school_early"] = True
        audit_record(
            user=acting_user,
            municipality_id=youth.municipality_id,
            action=AuditAction.ENROLMENT_CREATE,
            youth_id=youth.pk,
            obj=enrolment,
            detail=detail,
        )
        for verification in youth.verifications.filter(resolved_on__isnull=True):
            _resolve(
                acting_user=acting_user,
                verification=verification,
                outcome=Verification.Outcome.ENROLLED,
                note="",
                on=today,
                enrolment=enrolment,
            )
        case_summary_refresh([youth.pk])
        return enrolment


def enrolment_close(
    *,
    acting_user,
    enrolment: Enrolment,
    end_date: dt.date,
    exit_reason: Code | None,
    today: dt.date | None = None,
) -> Enrolment:
    today = today or timezone.localdate()
    with transaction.atomic():
        youth = lock_youth(enrolment.youth_id)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        enrolment.youth = youth
        _require_change(acting_user, youth.municipality_id)
        _code(exit_reason, Code.ListName.EXIT_REASON, "exit_reason")
        errors = {}
        if enrolment.end_date is not None:
            raise ValidationError(_("Inskrivningen är redan avslutad och kan inte ändras."))
        if end_date < enrolment.start_date:
            errors["end_date"] = _("Slutdatum kan inte vara före inskrivningsdatum (%(date)s).") % {
                "date": enrolment.start_date.isoformat()
            }
        elif end_date > today:
            errors["end_date"] = _("Slutdatum kan inte ligga i framtiden.")
        elif end_date > youth.turns_20_on:
            errors["end_date"] = _(
                "Aktivitetsansvaret upphörde senast på 20-årsdagen (%(date)s)."
            ) % {"date": youth.turns_20_on.isoformat()}
        elif exit_reason.key == "fyllt_20" and end_date != youth.turns_20_on:
            errors["end_date"] = _(
                "Orsaken ”Fyllt 20 år” kräver att slutdatum är 20-årsdagen (%(date)s)."
            ) % {"date": youth.turns_20_on.isoformat()}
        if errors:
            raise ValidationError(errors)
        enrolment.end_date = end_date
        enrolment.exit_reason = exit_reason
        enrolment.closed_by = acting_user
        enrolment.save(update_fields=["end_date", "exit_reason", "closed_by"])
        audit_record(
            user=acting_user,
            municipality_id=youth.municipality_id,
            action=AuditAction.ENROLMENT_CLOSE,
            youth_id=youth.pk,
            obj=enrolment,
            detail={"exit_reason": exit_reason.value, "end_date": end_date.isoformat()},
        )
        case_summary_refresh([youth.pk])
        return enrolment


@dataclass
class TurnedTwentyRun:
    """What the nightly 20th-birthday job did: how many enrolments it closed, and the
    municipalities it could not serve (kommunkod -> Swedish reason), which it skipped."""

    closed: int = 0
    actions_ended: int = 0
    problems: dict[str, str] = field(default_factory=dict)


def enrolments_close_turned_20(*, today: dt.date | None = None) -> TurnedTwentyRun:
    """Close every open enrolment of a youth who has turned 20, on the 20th birthday.

    skollagen 29 kap. 9 §: the duty covers those who have not turned 20, so it ends on
    the birthday itself. Åtgärder still running end too, with sysselsättning "Okänd", and
    the youth shows on "Att göra" until a coordinator completes it.

    Idempotent: only open enrolments are touched, each with a conditional update, so a
    second run (or two workers at once) changes nothing. A municipality whose codes
    cannot be found (a code list without "fyllt_20" or "okand") is reported and skipped;
    the others are still served.
    """
    from actions.services import actions_end_at_exit

    today = today or timezone.localdate()
    run = TurnedTwentyRun()
    due = (
        Enrolment.objects.open()
        .filter(youth__turns_20_on__lte=today)
        .select_related("youth", "youth__municipality")
        .order_by("youth__municipality__code", "pk")
    )
    codes: dict[tuple[str, dt.date], Code] = {}

    def code_for(list_name: str, key: str, on: dt.date) -> Code:
        if (key, on) not in codes:
            codes[(key, on)] = Code.objects.by_key(list_name, key, on=on)
        return codes[(key, on)]

    for enrolment in due.iterator(chunk_size=500):
        youth = enrolment.youth
        municipality_code = youth.municipality.code
        if municipality_code in run.problems:
            continue
        birthday = youth.turns_20_on
        try:
            reason = code_for(Code.ListName.EXIT_REASON, "fyllt_20", birthday)
            unknown = code_for(Code.ListName.OCCUPATION, "okand", birthday)
        except (Code.DoesNotExist, Code.MultipleObjectsReturned):
            run.problems[municipality_code] = _(
                "Kodlistan som gällde %(date)s saknar koden ”Fyllt 20 år” eller "
                "sysselsättningen ”Okänd”. Kontrollera kodlistorna."
            ) % {"date": birthday.isoformat()}
            logger.error(
                "close_turned_20: municipality=%s skipped, code missing for %s",
                municipality_code,
                birthday,
            )
            continue
        # An enrolment that started on the birthday or later was wrong to begin with; the
        # check constraint keeps end >= start, so it ends on its own start day.
        end_date = max(birthday, enrolment.start_date)
        with transaction.atomic():
            lock_youth(youth.pk)  # the one lock order: the youth, then its casework
            updated = Enrolment.objects.filter(pk=enrolment.pk, end_date__isnull=True).update(
                end_date=end_date, exit_reason=reason
            )
            if updated:
                audit_record(
                    user=None,
                    municipality_id=youth.municipality_id,
                    action=AuditAction.ENROLMENT_CLOSE,
                    youth_id=youth.pk,
                    obj=enrolment,
                    detail={
                        "exit_reason": reason.value,
                        "end_date": end_date.isoformat(),
                        "automatic": True,
                    },
                )
                run.closed += updated
                run.actions_ended += actions_end_at_exit(
                    acting_user=None,
                    youth=youth,
                    end_date=end_date,
                    occupation_after=unknown,
                    automatic=True,
                )
                case_summary_refresh([youth.pk])
    logger.info(
        "closed %s enrolments and %s running åtgärder on the 20th birthday (run for %s); "
        "%s municipalities skipped",
        run.closed,
        run.actions_ended,
        today,
        len(run.problems),
    )
    return run


@transaction.atomic
def verification_open(
    *,
    acting_user,
    youth: Youth,
    source: str = Verification.Source.MANUAL,
    note: str = "",
    today: dt.date | None = None,
) -> Verification:
    """Put the youth on the list "att utreda". An open one is reused (imports re-run)."""
    today = today or timezone.localdate()
    if acting_user is not None:
        _require_change(acting_user, youth.municipality_id)
    # Locked, so that five clicks at once find the first one's verification instead of
    # tripping the one-open constraint.
    youth = lock_youth(youth)
    existing = youth.verifications.filter(resolved_on__isnull=True).first()
    if existing is not None:
        return existing
    verification = Verification.objects.create(
        youth=youth, opened_on=today, source=source, note=note.strip(), created_by=acting_user
    )
    audit_record(
        user=acting_user,
        municipality_id=youth.municipality_id,
        action=AuditAction.VERIFICATION_OPEN,
        youth_id=youth.pk,
        obj=verification,
        detail={"source": source},
    )
    case_summary_refresh([youth.pk])
    return verification


@transaction.atomic
def verification_resolve(
    *,
    acting_user,
    verification: Verification,
    outcome: str,
    note: str = "",
    today: dt.date | None = None,
) -> Verification:
    _require_change(acting_user, verification.youth.municipality_id)
    youth = lock_youth(verification.youth_id)
    verification = Verification.objects.select_for_update().get(pk=verification.pk)
    verification.youth = youth
    if verification.resolved_on is not None:
        raise ValidationError(_("Utredningen är redan avslutad."))
    if outcome not in Verification.Outcome.values:
        raise ValidationError({"outcome": _("Välj ett utfall.")})
    return _resolve(
        acting_user=acting_user,
        verification=verification,
        outcome=outcome,
        note=note,
        on=today or timezone.localdate(),
    )


def _resolve(
    *,
    acting_user,
    verification: Verification,
    outcome: str,
    note: str,
    on: dt.date,
    enrolment: Enrolment | None = None,
):
    verification.resolved_on = on
    verification.outcome = outcome
    verification.resolution_note = note.strip()
    # The enrolment the verification led to, so the notices behind it stay traceable.
    verification.enrolment = enrolment
    verification.save(update_fields=["resolved_on", "outcome", "resolution_note", "enrolment"])
    audit_record(
        user=acting_user,
        municipality_id=verification.youth.municipality_id,
        action=AuditAction.VERIFICATION_RESOLVE,
        youth_id=verification.youth_id,
        obj=verification,
        detail={"outcome": outcome},
    )
    case_summary_refresh([verification.youth_id])
    return verification


def youth_intake(
    *,
    acting_user,
    municipality: Municipality,
    personnummer_text: str,
    first_name: str,
    last_name: str,
    assigned_to=None,
    initial_state: str = "none",
    start_date: dt.date | None = None,
    entry_reason: Code | None = None,
    completed_school_early: bool = False,
    verification_note: str = "",
    today: dt.date | None = None,
    **contact,
) -> Youth:
    """Register a youth by hand and, in the same transaction, either enrol the youth
    ("enrol") or put the youth on the list to verify ("verify")."""
    with transaction.atomic():
        youth = youth_register(
            acting_user=acting_user,
            municipality=municipality,
            personnummer_text=personnummer_text,
            first_name=first_name,
            last_name=last_name,
            assigned_to=assigned_to,
            today=today,
            **contact,
        )
        if initial_state == "enrol":
            enrolment_create(
                acting_user=acting_user,
                youth=youth,
                start_date=start_date,
                entry_reason=entry_reason,
                completed_school_early=completed_school_early,
                today=today,
            )
        elif initial_state == "verify":
            verification_open(
                acting_user=acting_user, youth=youth, note=verification_note, today=today
            )
        return youth
