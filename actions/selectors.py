"""Reads for casework: "Att göra" and the youth's timeline.

"Att göra" is computed from dates every time it is shown: one annotated query over the
caseload, then the rules below in Python. No flags that a job must keep right.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, ExpressionWrapper, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from actions.models import Action, FollowUpRules
from actions.services import EXIT_KEYS_FOLLOWED_UP
from kaa.access import youths_visible_to
from kaa.models import AuditAction, AuditEvent
from youths.models import Contact, Enrolment, Verification
from youths.querysets import in_target_group_q
from youths.rules import add_days

SECTIONS = {
    "follow_up": _("Uppföljningar som ska göras"),
    "unreached": _("Inte nådda på länge"),
    "declined": _("Tackat nej: månatlig uppföljning"),
    "verify": _("Att utreda"),
    "turns_20": _("Fyller 20 år snart: avslutsbrev och överlämning"),
    "after_exit": _("Uppföljning efter att ha lämnat målgruppen"),
    "occupation_unknown": _("Avslutade åtgärder med okänd sysselsättning: komplettera"),
}


@dataclass
class TodoItem:
    youth: object
    due: dt.date
    reason: str

    @property
    def overdue(self) -> bool:
        return self.reason != "turns_20" and self.due < self.today

    today: dt.date = field(default=dt.date.min, repr=False)


def caseload(*, user, municipality_id: int, on: dt.date, scope: str = "mine"):
    """The youths a "Att göra" list looks at, annotated with the dates its rules need."""
    queryset = youths_visible_to(user, municipality=municipality_id)
    if scope == "mine":
        queryset = queryset.filter(assigned_to=user)
    elif scope == "none":
        queryset = queryset.filter(assigned_to__isnull=True)
    covering = Enrolment.objects.period_covering(on).filter(youth=OuterRef("pk"))
    latest_contact = Contact.objects.filter(youth=OuterRef("pk")).order_by("-at", "-pk")
    latest_declined = Action.objects.filter(
        youth=OuterRef("pk"), response=Action.Response.DECLINED
    ).order_by("-responded_on", "-pk")
    latest_accepted = Action.objects.filter(
        youth=OuterRef("pk"), response=Action.Response.ACCEPTED
    ).order_by("-responded_on", "-pk")
    last_ended = Enrolment.objects.filter(youth=OuterRef("pk"), end_date__isnull=False).order_by(
        "-end_date"
    )
    return queryset.select_related("assigned_to").annotate(
        in_group=ExpressionWrapper(in_target_group_q(on), output_field=BooleanField()),
        enrolled_since=Subquery(covering.order_by("-start_date").values("start_date")[:1]),
        has_open_enrolment=Exists(Enrolment.objects.open().filter(youth=OuterRef("pk"))),
        last_contact_at=Max("contacts__at"),
        last_reached_at=Max("contacts__at", filter=Q(contacts__reached=True)),
        next_follow_up=Subquery(latest_contact.values("next_follow_up")[:1]),
        declined_on=Subquery(latest_declined.values("responded_on")[:1]),
        accepted_on=Subquery(latest_accepted.values("responded_on")[:1]),
        action_follow_up=Subquery(
            Action.objects.filter(
                youth=OuterRef("pk"), follow_up_on__isnull=False, follow_up_on__lte=on
            )
            .order_by("follow_up_on")
            .values("follow_up_on")[:1]
        ),
        verification_since=Subquery(
            Verification.objects.filter(youth=OuterRef("pk"), resolved_on__isnull=True).values(
                "opened_on"
            )[:1]
        ),
        # The notice or list behind "att utreda", shown with it (e.g. "Avbrott från X").
        verification_note=Subquery(
            Verification.objects.filter(youth=OuterRef("pk"), resolved_on__isnull=True).values(
                "note"
            )[:1]
        ),
        last_exit_on=Subquery(last_ended.values("end_date")[:1]),
        # Åtgärder the nightly 20th-birthday job ended with sysselsättning "Okänd".
        occupation_unknown_since=Subquery(
            Action.objects.filter(
                youth=OuterRef("pk"), end_date__isnull=False, occupation_after__key="okand"
            )
            .order_by("end_date")
            .values("end_date")[:1]
        ),
        last_exit_key=Subquery(last_ended.values("exit_reason__key")[:1]),
    )


def _date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        try:
            return timezone.localdate(value)
        except OverflowError:  # the last hours of year 9999 have no local date
            return value.date()
    return value


def todo_items(youth, *, on: dt.date, rules: FollowUpRules) -> list[TodoItem]:
    """The reasons one annotated youth needs attention on `on` (see `caseload`)."""
    items: list[TodoItem] = []
    last_contact = _date(youth.last_contact_at)

    def add(reason: str, due: dt.date) -> None:
        items.append(TodoItem(youth=youth, due=due, reason=reason, today=on))

    # A follow-up date set at the latest contact, or an åtgärd's follow-up not yet done.
    if youth.next_follow_up and youth.next_follow_up <= on:
        add("follow_up", youth.next_follow_up)
    elif youth.action_follow_up and (last_contact is None or last_contact < youth.action_follow_up):
        add("follow_up", youth.action_follow_up)

    if youth.in_group:
        last_reached = _date(youth.last_reached_at)
        reached_this_period = last_reached is not None and last_reached >= youth.enrolled_since
        if not reached_this_period:
            # A new attempt is due N days after the last one; a new youth at once.
            if last_contact is not None and last_contact >= youth.enrolled_since:
                due = add_days(last_contact, rules.unreached_days)
            else:
                due = youth.enrolled_since
            if due <= on:
                add("unreached", due)
        accepted_since = youth.accepted_on is not None and youth.accepted_on >= (
            youth.declined_on or youth.accepted_on
        )
        if youth.declined_on and not accepted_since:
            since = max(youth.declined_on, last_contact or youth.declined_on)
            due = add_days(since, rules.declined_interval_days)
            if due <= on:
                add("declined", due)
        if youth.turns_20_on <= add_days(on, rules.before_20_days):
            add("turns_20", youth.turns_20_on)

    if youth.verification_since is not None:
        add("verify", youth.verification_since)

    if getattr(youth, "occupation_unknown_since", None) is not None:
        add("occupation_unknown", youth.occupation_unknown_since)

    if (
        rules.follow_up_after_exit
        and not youth.has_open_enrolment
        and youth.last_exit_on is not None
        and youth.last_exit_key in EXIT_KEYS_FOLLOWED_UP
        and youth.last_exit_on <= on <= add_days(youth.last_exit_on, rules.after_exit_days)
    ):
        due = add_days((last_contact or youth.last_exit_on), rules.unreached_days)
        if last_contact is None or last_contact < youth.last_exit_on or due <= on:
            add("after_exit", max(youth.last_exit_on, min(due, on)))
    return items


def todo_for(
    *, user, municipality_id: int, on: dt.date, scope: str = "mine"
) -> dict[str, list[TodoItem]]:
    """ "Att göra": sections of items, each sorted by due date (oldest first)."""
    rules = FollowUpRules.for_municipality(municipality_id)
    sections: dict[str, list[TodoItem]] = {key: [] for key in SECTIONS}
    for youth in caseload(user=user, municipality_id=municipality_id, on=on, scope=scope):
        for item in todo_items(youth, on=on, rules=rules):
            sections[item.reason].append(item)
    for items in sections.values():
        items.sort(key=lambda item: (item.due, item.youth.last_name, item.youth.pk))
    return sections


@dataclass
class TimelineEvent:
    at: dt.datetime | dt.date
    kind: str
    title: str
    detail: str = ""
    by: str = ""
    # A link for administrators (the imported list behind the event).
    url: str = ""

    @property
    def sort_key(self) -> dt.datetime:
        if isinstance(self.at, dt.datetime):
            return self.at
        from django.utils import timezone

        return timezone.make_aware(dt.datetime.combine(self.at, dt.time.max))

    @property
    def has_time(self) -> bool:
        return isinstance(self.at, dt.datetime)


def _name(user) -> str:
    return user.display_name() if user else ""


def timeline(
    youth,
    *,
    contacts,
    actions,
    plans,
    consents,
    enrolments,
    verifications,
    notices=(),
    move_ins=(),
    import_rows=(),
) -> list[TimelineEvent]:
    """Everything that happened to the youth, newest first (prefetched lists in)."""
    events: list[TimelineEvent] = []
    events.extend(_import_events(notices=notices, move_ins=move_ins, import_rows=import_rows))
    for c in contacts:
        outcome = _("nådde") if c.reached else _("ej svar")
        detail = c.note
        if c.occupation:
            detail = f"{_('Sysselsättning')}: {c.occupation.label}. {detail}".strip()
        events.append(
            TimelineEvent(
                c.at,
                "contact",
                f"{_('Kontakt')}: {c.get_channel_display()}, {outcome}",
                detail,
                _name(c.created_by),
            )
        )
    for a in actions:
        events.append(
            TimelineEvent(
                a.offered_on,
                "action",
                f"{_('Åtgärd erbjuden')}: {a.kind.label}",
                a.content,
                _name(a.created_by),
            )
        )
        if a.responded_on:
            events.append(
                TimelineEvent(
                    a.responded_on, "action", f"{a.get_response_display()}: {a.kind.label}"
                )
            )
        if a.start_date:
            events.append(
                TimelineEvent(a.start_date, "action", f"{_('Åtgärd startade')}: {a.kind.label}")
            )
        if a.end_date:
            after = a.occupation_after.label if a.occupation_after else ""
            events.append(
                TimelineEvent(
                    a.end_date,
                    "action",
                    f"{_('Åtgärd avslutad')}: {a.kind.label}",
                    f"{a.end_reason}. {_('Sysselsättning efter')}: {after}",
                )
            )
    for p in plans:
        events.append(
            TimelineEvent(
                p.created_at, "plan", _("Planeringen reviderades"), p.goal, _name(p.created_by)
            )
        )
    for s in consents:
        events.append(
            TimelineEvent(s.given_on, "consent", f"{_('Samtycke lämnat')}: {s.agency}", s.scope)
        )
        if s.withdrawn_on:
            events.append(
                TimelineEvent(s.withdrawn_on, "consent", f"{_('Samtycke återkallat')}: {s.agency}")
            )
    for e in enrolments:
        events.append(
            TimelineEvent(
                e.start_date,
                "enrolment",
                f"{_('Inskriven')}: {e.entry_reason.label}",
                "",
                _name(e.created_by),
            )
        )
        if e.end_date:
            events.append(
                TimelineEvent(
                    e.end_date,
                    "enrolment",
                    f"{_('Aktivitetsansvaret upphörde')}: {e.exit_reason.label}",
                )
            )
    for v in verifications:
        events.append(
            TimelineEvent(
                v.opened_on, "verification", f"{_('Att utreda')}: {v.get_source_display()}", v.note
            )
        )
        if v.resolved_on:
            events.append(
                TimelineEvent(
                    v.resolved_on,
                    "verification",
                    f"{_('Utredning avslutad')}: {v.get_outcome_display()}",
                    v.resolution_note,
                )
            )
    assignments = AuditEvent.objects.filter(
        youth_id=youth.pk, action=AuditAction.YOUTH_ASSIGN
    ).select_related("user")
    for event in assignments:
        events.append(
            TimelineEvent(
                event.at, "assignment", _("Ny ansvarig samordnare"), "", _name(event.user)
            )
        )
    events.sort(key=lambda event: event.sort_key, reverse=True)
    return events


def _import_events(*, notices, move_ins, import_rows) -> list[TimelineEvent]:
    """School notices, move-ins and the imported lists that touched the youth (the link to
    a list is shown to administrators only)."""
    events = []
    for n in notices:
        program = f", {n.program}" if n.program else ""
        events.append(
            TimelineEvent(
                n.event_date,
                "notice",
                f"{_('Skolhändelse')}: {n.get_event_display()}",
                f"{n.school.name}{program}. {_('Mottagen')} {n.received_on:%Y-%m-%d}",
            )
        )
    for m in move_ins:
        origin = _("utlandet") if m.from_abroad else (m.moved_from or _("okänt"))
        events.append(TimelineEvent(m.moved_in_on, "move_in", f"{_('Inflyttad från')} {origin}"))
    for row in import_rows:
        batch = row.batch
        events.append(
            TimelineEvent(
                row.applied_at,
                "import",
                f"{_('Importerad lista')}: {batch.get_kind_display()}",
                f"{batch.file_name}, {_('rad')} {row.number}",
                url=reverse("imports:detail", args=[batch.pk]),
            )
        )
    return events
