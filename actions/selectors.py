"""Reads for casework: "Att göra" and the youth's timeline.

"Att göra" lives in actions/todo.py (one query per section); its names are re-exported
here for callers that import them from the selectors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from actions.todo import SECTIONS, TodoItem, todo_for  # noqa: F401
from kaa.models import AuditAction, AuditEvent
from youths.models import Contact


@dataclass
class TimelineEvent:
    at: dt.datetime | dt.date
    kind: str
    title: str
    detail: str = ""
    by: str = ""
    # A link for administrators (the imported list behind the event).
    url: str = ""
    # Steps of one thing dated the same day (offered, answered, started, ended) keep
    # their order: the later step is listed first.
    order: int = 0

    @property
    def sort_key(self) -> tuple[dt.datetime, int]:
        if isinstance(self.at, dt.datetime):
            return (self.at, self.order)
        from django.utils import timezone

        return (timezone.make_aware(dt.datetime.combine(self.at, dt.time.max)), self.order)

    @property
    def has_time(self) -> bool:
        return isinstance(self.at, dt.datetime)


def _name(user) -> str:
    return user.display_name() if user else ""


def _when(day: dt.date, created_at: dt.datetime | None) -> dt.date | dt.datetime:
    """The moment a step dated `day` was recorded, when it was recorded that day: then
    the timeline orders it among the day's other events by time."""
    from django.utils import timezone

    if created_at is not None and timezone.localdate(created_at) == day:
        return created_at
    return day


def _step_users(youth) -> dict[tuple[str, int, str], str]:
    """Who took each later step of an åtgärd, consent or verification (one query over
    the audit trail, which names the step in its detail)."""
    events = AuditEvent.objects.filter(
        youth_id=youth.pk,
        action__in=[
            AuditAction.ACTION_CHANGE,
            AuditAction.CONSENT_CHANGE,
            AuditAction.VERIFICATION_RESOLVE,
        ],
    ).select_related("user")
    names = {}
    for event in events.order_by("at", "pk"):
        step = event.detail.get("change", "") if isinstance(event.detail, dict) else ""
        names[(event.object_type, event.object_id, step)] = _name(event.user)
    return names


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
    assignments=None,
) -> list[TimelineEvent]:
    """Everything that happened to the youth, newest first (prefetched lists in; the
    assignment history is read here unless given)."""
    events: list[TimelineEvent] = []
    events.extend(_import_events(notices=notices, move_ins=move_ins, import_rows=import_rows))
    # A long history is hundreds of contacts: their words are translated once, not per
    # contact (get_FOO_display hashes every translated choice on each call, which was
    # a third of the youth page's time at 250 contacts).
    channels = {value: str(label) for value, label in Contact.Channel.choices}
    outcomes = {True: str(_("nådde")), False: str(_("ej svar"))}
    contact_word, occupation_word = str(_("Kontakt")), str(_("Sysselsättning"))
    names: dict[int | None, str] = {}
    for c in contacts:
        detail = c.note
        if c.occupation:
            detail = f"{occupation_word}: {c.occupation.label}. {detail}".strip()
        if c.created_by_id not in names:
            names[c.created_by_id] = _name(c.created_by)
        events.append(
            TimelineEvent(
                c.at,
                "contact",
                f"{contact_word}: {channels.get(c.channel, c.channel)}, {outcomes[c.reached]}",
                detail,
                names[c.created_by_id],
            )
        )
    who = _step_users(youth)
    for a in actions:
        events.append(
            TimelineEvent(
                _when(a.offered_on, a.created_at),
                "action",
                f"{_('Åtgärd erbjuden')}: {a.kind.label}",
                a.content,
                _name(a.created_by),
            )
        )
        if a.responded_on:
            events.append(
                TimelineEvent(
                    a.responded_on,
                    "action",
                    f"{a.get_response_display()}: {a.kind.label}",
                    by=who.get(("action", a.pk, "response"), ""),
                    order=1,
                )
            )
        if a.start_date:
            events.append(
                TimelineEvent(
                    a.start_date,
                    "action",
                    f"{_('Åtgärd startade')}: {a.kind.label}",
                    by=who.get(("action", a.pk, "started"), ""),
                    order=2,
                )
            )
        if a.end_date:
            after = a.occupation_after.label if a.occupation_after else ""
            events.append(
                TimelineEvent(
                    a.end_date,
                    "action",
                    f"{_('Åtgärd avslutad')}: {a.kind.label}",
                    f"{a.end_reason}. {_('Sysselsättning efter')}: {after}",
                    who.get(("action", a.pk, "ended"), ""),
                    order=3,
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
            TimelineEvent(
                s.given_on,
                "consent",
                f"{_('Samtycke lämnat')}: {s.agency}",
                f"{s.scope}. {_('Lämnat av')}: "
                + (
                    f"{_('vårdnadshavaren')} {s.given_by_name}"
                    if s.given_by == "vardnadshavare"
                    else str(_("ungdomen"))
                ),
                _name(s.created_by) if "created_by" in s._state.fields_cache else "",
            )
        )
        if s.withdrawn_on:
            events.append(
                TimelineEvent(
                    s.withdrawn_on,
                    "consent",
                    f"{_('Samtycke återkallat')}: {s.agency}",
                    by=who.get(("consent", s.pk, "withdrawn"), ""),
                    order=1,
                )
            )
    for e in enrolments:
        events.append(
            TimelineEvent(
                _when(e.start_date, e.created_at),
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
                    by=_name(e.closed_by) if "closed_by" in e._state.fields_cache else "",
                    order=1,
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
                    who.get(("verification", v.pk, ""), ""),
                    order=1,
                )
            )
    if assignments is None:
        assignments = youth.assignment_history.select_related("from_user", "to_user", "by_user")
    for a in assignments:
        events.append(
            TimelineEvent(
                a.at,
                "assignment",
                _("Ny ansvarig samordnare"),
                _("från %(from)s till %(to)s")
                % {
                    "from": _name(a.from_user) or _("ingen"),
                    "to": _name(a.to_user) or _("ingen"),
                },
                _name(a.by_user),
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
