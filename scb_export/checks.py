"""SCB's logical controls (SCB_FORMAT.md), each a small named check on one youth's rows.

Every check sees the rows of one youth (all cross-row rules of the file are within one
youth), so the controls run while the rows stream to the file. Errors block the file;
warnings are shown and kept with the export record. Messages are Swedish and never hold a
name or a personnummer: the caller adds the masked personnummer.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scb_export.layout import LayoutCode
from scb_export.periods import Period
from youths import personnummer as pnr
from youths.rules import turns_20_on

ERROR = "error"
WARNING = "warning"
# Lazy: translated only when a finding is written (the checks run once per youth).
DATE_LABELS = {
    "registreringsdatum": gettext_lazy("Inskrivningsdatum"),
    "kontaktdatum": gettext_lazy("Kontaktdatum"),
    "atgard_start": gettext_lazy("Åtgärdens startdatum"),
    "atgard_slut": gettext_lazy("Åtgärdens slutdatum"),
    "upphort_datum": gettext_lazy("Datum då aktivitetsansvaret upphörde"),
}
CODE_LABELS = {
    "sysselsattning_kontakt": gettext_lazy("Sysselsättning vid kontakt"),
    "atgard": gettext_lazy("Åtgärd"),
    "sysselsattning_efter_atgard": gettext_lazy("Sysselsättning efter åtgärd"),
    "orsak_upphort": gettext_lazy("Orsak till att aktivitetsansvaret upphörde"),
}
LONG_ACTION_DAYS = 365


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    youth_id: int
    personnummer: str  # masked, YYYYMMDD-XXXX
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CheckContext:
    period: Period
    municipality_code: str
    kommunkoder: frozenset[str]
    today: dt.date


@dataclass(frozen=True)
class Check:
    name: str
    severity: str
    description: str
    run: Callable


CHECKS: list[Check] = []


def check(name: str, severity: str, description: str):
    def register(function):
        CHECKS.append(Check(name, severity, description, function))
        return function

    return register


def mask(number: str) -> str:
    """A personnummer as YYYYMMDD-XXXX: enough to find the youth, not the whole number."""
    return f"{(number or '')[:8]}-XXXX"


def run_checks(context: CheckContext, group) -> list[Finding]:
    findings = []
    masked = mask(group.personnummer)
    for item in CHECKS:
        for message in item.run(context, group):
            findings.append(Finding(item.name, item.severity, group.youth_id, masked, message))
    return findings


def _d(day) -> str:
    return day.isoformat() if isinstance(day, dt.date) else str(day)


# Errors ---------------------------------------------------------------------------------


@check("personnummer", ERROR, gettext_lazy("Personnumret är giltigt och ungdomen är under 20 år."))
def check_personnummer(context: CheckContext, group) -> Iterator[str]:
    number = group.personnummer or ""
    if len(number) != 12 or not number.isdigit():
        yield _("Personnumret har inte 12 siffror.")
        return
    try:
        birth = pnr.parse(number, today=context.today).birth_date
    except pnr.InvalidPersonnummer as error:
        yield str(error)
        return
    turns_20 = turns_20_on(birth)
    for row in group.rows:
        dates = [row.registreringsdatum, row.kontaktdatum, row.atgard_start, row.atgard_slut]
        if any(isinstance(day, dt.date) and day >= turns_20 for day in dates) or (
            isinstance(row.upphort_datum, dt.date) and row.upphort_datum > turns_20
        ):
            yield _("Ungdomen har fyllt 20 år (%(date)s) på ett datum i filen.") % {
                "date": _d(turns_20)
            }
            return


@check(
    "kommun", ERROR, gettext_lazy("Kommun är den rapporterande kommunen och en riktig kommunkod.")
)
def check_kommun(context: CheckContext, group) -> Iterator[str]:
    for value in sorted({row.kommun or "" for row in group.rows}):
        if value != context.municipality_code or value not in context.kommunkoder:
            yield _("Kommunkoden %(code)s är inte den rapporterande kommunens.") % {"code": value}


@check(
    "orsak_registrering",
    ERROR,
    gettext_lazy("Orsak till inskrivning finns och är en kod i listan."),
)
def check_entry_reason(context: CheckContext, group) -> Iterator[str]:
    for start in sorted({row.registreringsdatum for row in group.rows}, key=_d):
        codes = {row.orsak_registrering for row in group.rows if row.registreringsdatum == start}
        if None in codes:
            yield _("Inskrivningen från %(date)s saknar orsak till inskrivning.") % {
                "date": _d(start)
            }
        for code in sorted((c for c in codes if c and not c.in_list), key=lambda c: c.value):
            yield _(
                "Inskrivningen från %(date)s har orsak %(code)s som inte finns i kodlistan."
            ) % {"date": _d(start), "code": code.value}


@check("datum", ERROR, gettext_lazy("Datumen är riktiga och ligger inom perioden."))
def check_dates(context: CheckContext, group) -> Iterator[str]:
    period = context.period
    labels = DATE_LABELS
    inside = ("kontaktdatum", "atgard_slut", "upphort_datum")
    for row in group.rows:
        for name, label in labels.items():
            day = getattr(row, name)
            if day is None:
                continue
            if not isinstance(day, dt.date):
                yield _("%(label)s är inget riktigt datum.") % {"label": label}
            elif name in inside and not period.contains(day):
                yield _("%(label)s %(date)s ligger utanför perioden %(period)s.") % {
                    "label": label,
                    "date": _d(day),
                    "period": str(period),
                }
            elif day > period.end:
                yield _("%(label)s %(date)s ligger efter periodens slut.") % {
                    "label": label,
                    "date": _d(day),
                }


@check(
    "atgard",
    ERROR,
    gettext_lazy("En åtgärd har startdatum, slutar inte före start och har sysselsättning efter."),
)
def check_action(context: CheckContext, group) -> Iterator[str]:
    for row in group.rows:
        if row.atgard is not None and row.atgard_start is None:
            yield _("En åtgärd saknar startdatum.")
        if (
            isinstance(row.atgard_slut, dt.date)
            and isinstance(row.atgard_start, dt.date)
            and row.atgard_slut < row.atgard_start
        ):
            yield _("Åtgärden som startade %(start)s slutar före start (%(end)s).") % {
                "start": _d(row.atgard_start),
                "end": _d(row.atgard_slut),
            }
        if row.atgard_slut is not None and row.sysselsattning_efter_atgard is None:
            yield _("Åtgärden som slutade %(end)s saknar sysselsättning efter åtgärden.") % {
                "end": _d(row.atgard_slut)
            }


@check("kontakt", ERROR, gettext_lazy("En kontakt har ungdomens sysselsättning."))
def check_contact(context: CheckContext, group) -> Iterator[str]:
    for row in group.rows:
        if row.kontaktdatum is not None and row.sysselsattning_kontakt is None:
            yield _("Kontakten %(date)s saknar ungdomens sysselsättning.") % {
                "date": _d(row.kontaktdatum)
            }


@check(
    "inskrivning",
    ERROR,
    gettext_lazy(
        "En inskrivning har en orsak, högst ett upphörande, inga händelser efter det och överlappar inte en annan."
    ),
)
def check_enrolment(context: CheckContext, group) -> Iterator[str]:
    by_start = defaultdict(list)
    for row in group.rows:
        by_start[row.registreringsdatum].append(row)
    spans = []
    for start in sorted(by_start, key=_d):
        rows = by_start[start]
        if len({row.orsak_registrering for row in rows}) > 1:
            yield _("Inskrivningen från %(date)s har flera orsaker till inskrivning.") % {
                "date": _d(start)
            }
        ends = sorted({row.upphort_datum for row in rows if row.block == 5}, key=_d)
        if len([row for row in rows if row.block == 5]) > 1:
            yield _("Inskrivningen från %(date)s har upphört mer än en gång.") % {"date": _d(start)}
        end = ends[0] if ends else None
        if isinstance(end, dt.date):
            for row in rows:
                for day in (row.kontaktdatum, row.atgard_start, row.atgard_slut):
                    if isinstance(day, dt.date) and day > end:
                        yield _(
                            "Händelsen %(day)s ligger efter att aktivitetsansvaret upphörde "
                            "(%(end)s)."
                        ) % {"day": _d(day), "end": _d(end)}
        spans.append((start, end))
    for (start, end), (next_start, _next_end) in zip(spans, spans[1:], strict=False):
        if isinstance(next_start, dt.date) and (end is None or next_start < end):
            yield _("Inskrivningarna från %(a)s och %(b)s överlappar.") % {
                "a": _d(start),
                "b": _d(next_start),
            }


@check(
    "fyllt_20",
    ERROR,
    gettext_lazy("”Fyllt 20 år” upphör på 20-årsdagen; den som fyller 20 har ett upphörande."),
)
def check_turned_20(context: CheckContext, group) -> Iterator[str]:
    try:
        turns_20 = turns_20_on(pnr.Personnummer(group.personnummer).birth_date)
    except (ValueError, TypeError):
        return  # reported by the personnummer check
    for row in group.rows:
        if (
            row.block == 5
            and isinstance(row.orsak_upphort, LayoutCode)
            and row.orsak_upphort.key == "fyllt_20"
            and row.upphort_datum != turns_20
        ):
            yield _(
                "Orsaken ”Fyllt 20 år” kräver att datumet är 20-årsdagen %(date)s, inte %(end)s."
            ) % {"date": _d(turns_20), "end": _d(row.upphort_datum)}
    last_day = min(context.period.end, context.today)
    if context.period.start <= turns_20 <= last_day and group.rows:
        latest = max((row.registreringsdatum for row in group.rows), key=_d)
        if not any(
            row.block == 5
            and row.registreringsdatum == latest
            and isinstance(row.upphort_datum, dt.date)
            and row.upphort_datum <= turns_20
            for row in group.rows
        ):
            yield _(
                "Ungdomen fyllde 20 år %(date)s men inskrivningen har inte avslutats. "
                "Avsluta den med orsaken ”Fyllt 20 år”."
            ) % {"date": _d(turns_20)}


@check("dubblett", ERROR, gettext_lazy("Inga två rader är lika."))
def check_duplicates(context: CheckContext, group) -> Iterator[str]:
    seen = set()
    for row in group.rows:
        values = row.values()
        if values in seen:
            yield _("Två rader är helt lika (block %(block)s, %(date)s).") % {
                "block": row.block,
                "date": _d(row.event_date),
            }
        seen.add(values)


@check("kod", ERROR, gettext_lazy("Varje kod finns i sin kodlista för layoutversionen."))
def check_codes(context: CheckContext, group) -> Iterator[str]:
    labels = CODE_LABELS
    for row in group.rows:
        for name, label in labels.items():
            code = getattr(row, name)
            if code is not None and not code.in_list:
                yield _("%(label)s har koden %(code)s som inte finns i kodlistan.") % {
                    "label": label,
                    "code": code.value,
                }


# Warnings -------------------------------------------------------------------------------


@check(
    "ingen_kontakt", WARNING, gettext_lazy("En ungdom i målgruppen utan kontakt under perioden.")
)
def warn_no_contact(context: CheckContext, group) -> Iterator[str]:
    if not any(row.block == 2 for row in group.rows):
        yield _("Ingen kontakt med ungdomen under perioden.")


@check("lang_atgard", WARNING, gettext_lazy("En åtgärd som pågått mer än ett år."))
def warn_long_action(context: CheckContext, group) -> Iterator[str]:
    until = min(context.period.end, context.today)
    for row in group.rows:
        if isinstance(row.atgard_start, dt.date):
            end = row.atgard_slut if isinstance(row.atgard_slut, dt.date) else until
            if (end - row.atgard_start).days > LONG_ACTION_DAYS:
                yield _("Åtgärden som startade %(date)s har pågått mer än ett år.") % {
                    "date": _d(row.atgard_start)
                }


@check(
    "okand_sysselsattning",
    WARNING,
    gettext_lazy("Sysselsättning ”Okänd” efter en avslutad åtgärd."),
)
def warn_unknown_after(context: CheckContext, group) -> Iterator[str]:
    for row in group.rows:
        code = row.sysselsattning_efter_atgard
        if row.atgard_slut is not None and isinstance(code, LayoutCode) and code.key == "okand":
            yield _("Sysselsättningen efter åtgärden som slutade %(date)s är ”Okänd”.") % {
                "date": _d(row.atgard_slut)
            }
