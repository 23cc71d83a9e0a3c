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
    assignments=None,
) -> list[TimelineEvent]:
    """Everything that happened to the youth, newest first (prefetched lists in; the
    assignment history is read here unless given)."""
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
