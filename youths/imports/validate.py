"""Parsing and validating every row of a list, in memory: no database query per row.

The result is one `ParsedRow` per non-blank row below the header, with its errors (by
column, in Swedish) or its parsed values and its place relative to the target group.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from youths import personnummer, rules
from youths.imports.columns import columns_of
from youths.imports.models import ImportKind, ImportRow, SchoolEvent

Action = ImportRow.Action

# Excel counts days from 1899-12-30 (its 1900 leap-year bug folded in).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ABROAD = {"utlandet", "utland", "utomlands", "från utlandet", "fran utlandet"}
_EVENTS = {
    "avbrott": SchoolEvent.DROPOUT,
    "avbrutit": SchoolEvent.DROPOUT,
    "frånvaro": SchoolEvent.ABSENCE,
    "franvaro": SchoolEvent.ABSENCE,
    "börjat": SchoolEvent.STARTED,
    "borjat": SchoolEvent.STARTED,
    "start": SchoolEvent.STARTED,
    "slutat": SchoolEvent.LEFT,
}

TEXT_LIMITS = {
    "first_name": 100,
    "last_name": 100,
    "street_address": 200,
    "postal_code": 10,
    "postal_town": 100,
    "phone": 40,
    "email": 254,
    "moved_from": 100,
    "school_code": 20,
    "school_name": 200,
    "principal": 200,
    "program": 20,
    "contact_person": 200,
}


@dataclass(slots=True)
class ParsedRow:
    number: int
    values: list[str]
    errors: list[dict] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    action: str = Action.ERROR
    verify_reason: str = ""
    suggested_code: str = ""


def cell_text(value) -> str:
    """A cell as the user sees it (integers without '.0', dates as YYYY-MM-DD)."""
    if type(value) is str:  # the common case first: this runs for every cell
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "SANT" if value else "FALSKT"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def personnummer_of(value, *, today: dt.date) -> str:
    """12 digits, or InvalidPersonnummer. A number Excel stored as an integer lost the
    leading zero of a 10-digit form born in a year ending 00-09: put it back."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip() if not isinstance(value, int) else str(value)
    if text.isdigit() and len(text) == 9:
        text = "0" + text
    return personnummer.normalize(text, today=today)


def date_of(value) -> dt.date:
    """ISO text, an Excel date or an Excel serial number; ValueError otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    text = str(value or "").strip()
    match = _ISO_DATE.match(text)
    if match:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    if _SERIAL.match(text):
        return _serial(float(text))
    raise ValueError(text)


# The index of a column the file does not have: past the end of every row.
_ABSENT = sys.maxsize


def _index(mapping: dict[str, int], name: str) -> int:
    index = mapping.get(name)
    return _ABSENT if index is None else index


def _serial(number: float) -> dt.date:
    if number != int(number) or not 1 <= number < 2958466:
        raise ValueError(number)
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


class Validator:
    def __init__(
        self, *, kind: str, mapping: dict[str, int], headers: list[str], today, municipality
    ):
        self.kind = kind
        self.mapping = mapping
        self.headers = headers
        self.today = today
        self.municipality = municipality
        self.seen: dict[str, int] = {}
        self.columns = {c.field: c for c in columns_of(kind)}
        # Translated once, not per row (gettext is a third of the time of a row otherwise).
        self.missing = _("Värdet saknas.")
        self.abroad_reason = _("Inflyttad från utlandet")
        self.moved_reason = _("Inflyttad från %(place)s")
        self.other_municipality = _("annan kommun")
        self.date_label = _("Datumet")
        self.bad_date = _("Datumet ska skrivas ÅÅÅÅ-MM-DD.")
        # A list holds a few hundred distinct dates and birth dates: work each out once.
        self.date_errors: dict[dt.date, str | None] = {}
        self.skolplikt_ends: dict[int, dt.date] = {}
        self.by_birth: dict[str, tuple[dt.date, dt.date, str]] = {}
        # Each column's index (_ABSENT when the file has none), header and length limit,
        # looked up once per list rather than once per cell.
        self.slots = {
            c.field: (_index(mapping, c.field), self.header(c.field), TEXT_LIMITS.get(c.field))
            for c in columns_of(kind)
        }
        self.pnr_index, self.pnr_header = self.slots["personnummer"][:2]
        self.date_index, self.date_header = self.slots["event_date"][:2]
        if kind == ImportKind.INFLYTTADE:
            self.names = tuple(
                (name, *self.slots[name], required)
                for name, required in (
                    ("first_name", True),
                    ("last_name", True),
                    ("street_address", False),
                    ("postal_code", False),
                    ("postal_town", False),
                    ("phone", False),
                )
            )

    def header(self, name: str) -> str:
        index = self.mapping.get(name)
        if index is not None and index < len(self.headers) and self.headers[index]:
            return self.headers[index]
        return str(self.columns[name].header)

    def text(self, values: list[str], name: str, row: ParsedRow, *, required=False) -> str:
        """The cell's text (from the row's values, already cell_text) with spaces folded."""
        index, header, limit = self.slots[name]
        value = values[index] if index < len(values) else ""
        if value:
            value = " ".join(value.split())
            if limit and len(value) > limit:
                value = self._too_long(row, header, limit, value)
        elif required:
            row.errors.append({"column": header, "message": self.missing})
        return value

    def _too_long(self, row: ParsedRow, header: str, limit: int, value: str) -> str:
        row.errors.append(
            {
                "column": header,
                "message": _("Värdet är för långt (högst %(n)s tecken).") % {"n": limit},
            }
        )
        return value[:limit]

    def _date_error(self, day: dt.date) -> str | None:
        try:
            return self.date_errors[day]
        except KeyError:
            message = rules.date_error(day, today=self.today, label=self.date_label)
            self.date_errors[day] = message
            return message

    def _skolplikt_end(self, birth: dt.date) -> dt.date:
        end = self.skolplikt_ends.get(birth.year)
        if end is None:
            end = rules.skolplikt_end(birth, municipality=self.municipality)
            self.skolplikt_ends[birth.year] = end
        return end

    def row(self, number: int, cells: list) -> ParsedRow:
        values = [cell_text(c) for c in cells]
        return self.row_of(number, cells, values)

    def row_of(self, number: int, cells: list, values: list[str]) -> ParsedRow:
        """`values` are the cells as cell_text gives them (the same length as `cells`)."""
        row = ParsedRow(number, values, [], {})
        errors = row.errors
        data = row.data
        width = len(values)
        index = self.pnr_index
        digits = ""
        if index >= width or values[index] == "":
            errors.append({"column": self.pnr_header, "message": self.missing})
        else:
            try:
                digits = personnummer_of(cells[index], today=self.today)
            except personnummer.InvalidPersonnummer as error:
                errors.append({"column": self.pnr_header, "message": str(error)})
        if digits:
            first = self.seen.get(digits)
            if first is not None:
                errors.append(
                    {
                        "column": self.pnr_header,
                        "message": _("Personnumret förekommer redan på rad %(row)s.")
                        % {"row": first},
                    }
                )
            else:
                self.seen[digits] = number
        data["personnummer"] = digits

        index = self.date_index
        if index >= width or values[index] == "":
            errors.append({"column": self.date_header, "message": self.missing})
        else:
            try:
                day = date_of(cells[index])
            except (ValueError, OverflowError):
                errors.append({"column": self.date_header, "message": self.bad_date})
            else:
                message = self._date_error(day)
                if message:
                    errors.append({"column": self.date_header, "message": message})
                data["event_date"] = day

        if self.kind == ImportKind.INFLYTTADE:
            self._inflyttade(values, row)
        else:
            self._school_event(values, row)

        if errors:
            row.action = Action.ERROR
            return row
        data["birth_date"], data["turns_20_on"], row.action = self._by_birth(digits)
        return row

    def _by_birth(self, digits: str) -> tuple[dt.date, dt.date, str]:
        """(birth date, 20th birthday, the action by age) of a valid personnummer."""
        known = self.by_birth.get(digits[:8])
        if known is not None:
            return known
        birth = personnummer.Personnummer(digits).birth_date
        turns_20 = rules.turns_20_on(birth)
        if self.today <= self._skolplikt_end(birth):
            action = Action.SKIP_YOUNG
        elif self.today >= turns_20:
            action = Action.SKIP_OLD
        else:
            action = Action.CREATE  # refined by the plan against the register
        known = self.by_birth[digits[:8]] = (birth, turns_20, action)
        return known

    def _inflyttade(self, values, row: ParsedRow) -> None:
        data = row.data
        width = len(values)
        # self.text() inlined for the names and the address: this runs for every cell.
        for name, index, header, limit, required in self.names:
            value = values[index] if index < width else ""
            if value:
                value = " ".join(value.split())
                if len(value) > limit:
                    value = self._too_long(row, header, limit, value)
            elif required:
                row.errors.append({"column": header, "message": self.missing})
            data[name] = value
        email = self.text(values, "email", row)
        if email and not _EMAIL.match(email):
            row.errors.append(
                {"column": self.header("email"), "message": _("E-postadressen är inte giltig.")}
            )
        data["email"] = email
        moved_from = self.text(values, "moved_from", row)
        abroad = moved_from.lower() in _ABROAD
        data["from_abroad"] = abroad
        data["moved_from"] = "" if abroad else moved_from
        if abroad:
            row.verify_reason = self.abroad_reason
            row.suggested_code = "folkbokford_efter_skolplikt"
        else:
            row.verify_reason = self.moved_reason % {"place": moved_from or self.other_municipality}
            row.suggested_code = "inflyttad"

    def _school_event(self, values, row: ParsedRow) -> None:
        data = row.data
        name = self.text(values, "name", row, required=True)
        parts = name.rsplit(" ", 1)
        data["first_name"], data["last_name"] = (
            (parts[0], parts[1]) if len(parts) == 2 else ("", name)
        )
        data["school_name"] = self.text(values, "school_name", row, required=True)
        data["school_code"] = self.text(values, "school_code", row, required=True)
        data["principal"] = self.text(values, "principal", row)
        data["program"] = self.text(values, "program", row).upper()
        data["contact_person"] = self.text(values, "contact_person", row)
        raw_event = self.text(values, "event", row, required=True)
        event = _EVENTS.get(raw_event.lower())
        if raw_event and event is None:
            row.errors.append(
                {
                    "column": self.header("event"),
                    "message": _("Händelsen ska vara avbrott, frånvaro, börjat eller slutat."),
                }
            )
        data["event"] = event or ""
        intro = data["program"].startswith("IM")
        school = data["school_name"]
        if event in (SchoolEvent.DROPOUT, SchoolEvent.LEFT):
            # An introduktionsprogram pupil is outside the group since 2018-07-01; leaving
            # it brings the youth in (orsak 4), leaving a national program is orsak 1.
            row.suggested_code = "introduktionsprogram" if intro else "avbrott_nationellt"
            row.verify_reason = (
                _("Avbrott från %(school)s")
                if event == SchoolEvent.DROPOUT
                else _("Slutat på %(school)s")
            ) % {"school": school}
        elif event == SchoolEvent.STARTED:
            row.suggested_code = "paborjat_introduktion" if intro else "paborjat_nationellt"
            row.verify_reason = _("Börjat på %(school)s: avsluta inskrivningen?") % {
                "school": school
            }


def iter_validate(
    rows: Iterable[list],
    *,
    kind: str,
    header_index: int,
    mapping: dict[str, int],
    today,
    municipality,
    headers: list[str],
) -> Iterator[ParsedRow]:
    """One ParsedRow per non-blank row below the header; `rows` are all rows of the file
    from the first (index + 1 is the row number Excel shows)."""
    validator = Validator(
        kind=kind, mapping=mapping, headers=headers, today=today, municipality=municipality
    )
    for index, cells in enumerate(rows):
        if index <= header_index:
            continue
        # cell_text() inlined for text, the common case.
        values = [c.strip() if type(c) is str else cell_text(c) for c in cells]
        if not any(values):
            continue
        yield validator.row_of(index + 1, cells, values)


def validate(
    rows: list[list], *, kind: str, header_index: int, mapping: dict[str, int], today, municipality
) -> list[ParsedRow]:
    headers = [cell_text(c) for c in rows[header_index]] if header_index >= 0 else []
    return list(
        iter_validate(
            rows,
            kind=kind,
            header_index=header_index,
            mapping=mapping,
            today=today,
            municipality=municipality,
            headers=headers,
        )
    )
