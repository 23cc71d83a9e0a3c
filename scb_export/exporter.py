"""Build the rows of the SCB file from the register (long format, SCB_FORMAT.md).

One row per event, each repeating block 1 of the enrolment it belongs to:
- block 2: each contact dated in the period in which the youth was reached (failed
  attempts and contacts with a guardian alone are effort, not reported);
- block 3 (+4): each åtgärd started or running in the period (block 4 when it ended in the
  period);
- block 5: each enrolment that ended in the period;
- block 1 alone: an enrolment in the period with no row of its own.

Which enrolment an event belongs to is the register's one rule (`youths.rules`). Youths
stream in personnummer order, a chunk at a time, so memory stays flat; rows of a youth
are sorted by block, then date, then values, so the same data gives the same file.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from kaa.models import Code
from scb_export.layout import FIELDS, Layout
from scb_export.periods import Period
from youths.rules import enrolment_for

CHUNK_SIZE = 2000
_LAST = dt.date.max
_field_values = attrgetter(*FIELDS)


class Row:
    """One line of the file: the logical fields of `FIELDS` plus what the controls need."""

    __slots__ = ("youth_id", "block", *FIELDS)

    def __init__(
        self,
        youth_id: int,
        block: int,
        *,
        kommun=None,
        personnummer=None,
        registreringsdatum=None,
        orsak_registrering=None,
        kontaktdatum=None,
        sysselsattning_kontakt=None,
        atgard=None,
        atgard_start=None,
        atgard_slut=None,
        sysselsattning_efter_atgard=None,
        upphort_datum=None,
        orsak_upphort=None,
    ):
        # Spelled out rather than a loop over FIELDS: a row is made 100 000 times a file.
        self.youth_id = youth_id
        self.block = block
        self.kommun = kommun
        self.personnummer = personnummer
        self.registreringsdatum = registreringsdatum
        self.orsak_registrering = orsak_registrering
        self.kontaktdatum = kontaktdatum
        self.sysselsattning_kontakt = sysselsattning_kontakt
        self.atgard = atgard
        self.atgard_start = atgard_start
        self.atgard_slut = atgard_slut
        self.sysselsattning_efter_atgard = sysselsattning_efter_atgard
        self.upphort_datum = upphort_datum
        self.orsak_upphort = orsak_upphort

    def values(self) -> tuple:
        return _field_values(self)

    def __eq__(self, other) -> bool:
        return isinstance(other, Row) and self.values() == other.values()

    def __hash__(self) -> int:
        return hash(self.values())

    def __repr__(self) -> str:  # pragma: no cover - debugging aid, never logged
        return f"Row(block={self.block}, youth_id={self.youth_id})"

    @property
    def event_date(self) -> dt.date | None:
        return {
            1: self.registreringsdatum,
            2: self.kontaktdatum,
            3: self.atgard_start,
            5: self.upphort_datum,
        }[self.block]


@dataclass
class YouthRows:
    youth_id: int
    personnummer: str
    turns_20_on: dt.date
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class _Enrolment:
    """What `enrolment_for` needs of an enrolment, and what block 1 and 5 report."""

    pk: int
    start_date: dt.date
    end_date: dt.date | None
    entry_reason_id: int
    exit_reason_id: int | None


def youths_in_period(youths, period: Period):
    """The youths enrolled at any time in the period (or whose enrolment ended in it),
    not 20 before it started."""
    from youths.models import Enrolment

    return youths.filter(
        Exists(_enrolments_in_period(Enrolment.objects.filter(youth=OuterRef("pk")), period)),
        turns_20_on__gte=period.start,
    )


def _enrolments_in_period(queryset, period: Period):
    # An enrolment ending on the period's first day (UpphortDatum = 1 July) is reported in
    # that period: its block-5 date lies inside it.
    return queryset.filter(start_date__lte=period.end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=period.start)
    )


def export_rows(
    *,
    youths,
    period: Period,
    layout: Layout,
    municipality_code: str,
    chunk_size: int = CHUNK_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[YouthRows]:
    """Yield each youth's rows, youths in personnummer order."""
    from youths.models import Contact, Enrolment

    people = list(
        youths_in_period(youths, period)
        .order_by("personnummer", "pk")
        .values_list("pk", "personnummer", "turns_20_on")
    )
    codes = layout.code_map(Code.objects.values_list("pk", "list_name", "value", "key"))
    tz = timezone.get_current_timezone()
    start_at = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min), tz)
    end_at = timezone.make_aware(
        dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min), tz
    )
    total = len(people)
    if progress:
        progress(0, total)
    for offset in range(0, total, chunk_size):
        chunk = people[offset : offset + chunk_size]
        ids = [pk for pk, _pnr, _t in chunk]
        enrolments = defaultdict(list)
        for pk, youth_id, start, end, entry, exit_ in _enrolments_in_period(
            Enrolment.objects.filter(youth_id__in=ids), period
        ).values_list(
            "pk", "youth_id", "start_date", "end_date", "entry_reason_id", "exit_reason_id"
        ):
            enrolments[youth_id].append(_Enrolment(pk, start, end, entry, exit_))
        contacts = defaultdict(list)
        for youth_id, day, occupation in (
            Contact.objects.filter(
                youth_id__in=ids,
                with_whom=Contact.WithWhom.YOUTH,
                reached=True,
                at__gte=start_at,
                at__lt=end_at,
            )
            .annotate(day=TruncDate("at", tzinfo=tz))
            .values_list("youth_id", "day", "occupation_id")
        ):
            contacts[youth_id].append((day, occupation))
        actions = defaultdict(list)
        for youth_id, kind, start, end, after in _actions(ids, period):
            actions[youth_id].append((kind, start, end, after))
        for pk, number, turns_20 in chunk:
            yield YouthRows(
                pk,
                number,
                turns_20,
                _youth_rows(
                    pk,
                    number,
                    turns_20,
                    enrolments[pk],
                    contacts[pk],
                    actions[pk],
                    period=period,
                    codes=codes,
                    municipality_code=municipality_code,
                ),
            )
        if progress:
            progress(min(offset + chunk_size, total), total)


def _actions(ids, period: Period):
    from actions.models import Action

    return (
        Action.objects.filter(
            youth_id__in=ids, start_date__isnull=False, start_date__lte=period.end
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start))
        .values_list("youth_id", "kind_id", "start_date", "end_date", "occupation_after_id")
    )


def _youth_rows(
    youth_id, number, turns_20, enrolments, contacts, actions, *, period, codes, municipality_code
) -> list[Row]:
    rows: list[Row] = []
    has_rows: set[int] = set()

    def base(enrolment: _Enrolment, block: int, **values) -> Row:
        has_rows.add(enrolment.pk)
        return Row(
            youth_id,
            block,
            kommun=municipality_code,
            personnummer=number,
            registreringsdatum=enrolment.start_date,
            orsak_registrering=codes.get(enrolment.entry_reason_id),
            **values,
        )

    # Rows come out in block order, and within a block by date and then by the codes,
    # so the same data gives the same file (sorting the inputs is cheaper than the rows).
    def value(code_id) -> str:
        code = codes.get(code_id)
        return code.value if code is not None else ""

    contacts.sort(key=lambda c: (c[0], value(c[1])))
    actions.sort(key=lambda a: (a[1], value(a[0]), a[2] or _LAST, value(a[3])))
    seen_contacts = set()
    for day, occupation in contacts:
        enrolment = enrolment_for(enrolments, day, turns_20=turns_20)
        # Two contacts on one day with the same sysselsättning are one line in the file.
        if enrolment is None or (enrolment.pk, day, occupation) in seen_contacts:
            continue
        seen_contacts.add((enrolment.pk, day, occupation))
        rows.append(
            base(enrolment, 2, kontaktdatum=day, sysselsattning_kontakt=codes.get(occupation))
        )
    for kind, start, end, after in actions:
        enrolment = _enrolment_of_action(enrolments, start, end, period, turns_20)
        if enrolment is None:
            continue
        ended = end is not None and end <= period.end
        rows.append(
            base(
                enrolment,
                3,
                atgard=codes.get(kind),
                atgard_start=start,
                atgard_slut=end if ended else None,
                sysselsattning_efter_atgard=codes.get(after) if ended else None,
            )
        )
    enrolments = sorted(enrolments, key=lambda e: (e.start_date, e.pk))
    for enrolment in sorted(enrolments, key=lambda e: (e.end_date or _LAST, e.start_date)):
        if enrolment.end_date is not None and period.contains(enrolment.end_date):
            rows.append(
                base(
                    enrolment,
                    5,
                    upphort_datum=enrolment.end_date,
                    orsak_upphort=codes.get(enrolment.exit_reason_id),
                )
            )
    for enrolment in enrolments:
        if enrolment.pk not in has_rows:
            rows.append(base(enrolment, 1))
    return rows


def _enrolment_of_action(enrolments, start, end, period: Period, turns_20):
    """An åtgärd running into the period belongs to the enrolment it runs in during the
    period: the one covering its start (or the period's start), else the first that
    begins while it runs."""
    day = max(start, period.start)
    found = enrolment_for(enrolments, day, turns_20=turns_20)
    if found is not None:
        return found
    last = min(end or period.end, period.end)
    for enrolment in sorted(enrolments, key=lambda e: e.start_date):
        if day < enrolment.start_date <= last:
            return enrolment_for(enrolments, enrolment.start_date, turns_20=turns_20)
    return None
