"""Swedish personnummer and samordningsnummer: parsing, validation and dates.

Accepted input: YYYYMMDD-NNNN, YYMMDD-NNNN, YYMMDD+NNNN, YYMMDDNNNN, YYYYMMDDNNNN, with
spaces anywhere. Stored as 12 digits, shown as YYYYMMDD-NNNN.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# ASCII digits only: `\d` and int() also accept full-width, Arabic-Indic, Devanagari and
# other scripts' digits, which would store a number that no duplicate check recognises.
_ALLOWED = re.compile(r"^([0-9]{6}|[0-9]{8})([-+]?)([0-9]{4})$", re.ASCII)
_STORED = re.compile(r"^[0-9]{12}$", re.ASCII)
# Spaces people and spreadsheets put in a number: ASCII blanks and the no-break spaces.
_SPACES = re.compile(r"[ \t\r\n\u00a0\u202f]+")

# The first year a register number can have. Skatteverket's personnummer date from 1947,
# but the birth dates in them go back to people born in the 1800s; nobody in a register of
# the living born before 1900 remains, and a KAA youth is 15-19 (see rules.birth_date_error).
EARLIEST_BIRTH_YEAR = 1900

MSG_EMPTY = "Ange personnummer eller samordningsnummer."
MSG_FORMAT = (
    "Personnumret ska skrivas som ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN (10 eller 12 siffror 0–9)."
)
MSG_YEAR = "Personnumrets år är inte rimligt (födelseår från 1900)."
MSG_CHECK = "Personnumrets kontrollsiffra stämmer inte."
MSG_DATE = "Personnumret innehåller inget giltigt födelsedatum."
MSG_FUTURE = "Födelsedatumet i personnumret ligger i framtiden."
MSG_SERIAL = "Födelsenumret 000 delas aldrig ut: kontrollera personnumret."
MESSAGES = (MSG_EMPTY, MSG_FORMAT, MSG_YEAR, MSG_CHECK, MSG_DATE, MSG_FUTURE, MSG_SERIAL)


class InvalidPersonnummer(ValueError):
    """The message is Swedish and safe to show a user (it never repeats the number)."""


def luhn_ok(digits10: str) -> bool:
    total = 0
    for index, char in enumerate(digits10):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


@dataclass(frozen=True)
class Personnummer:
    digits: str  # 12 digits

    @property
    def is_samordningsnummer(self) -> bool:
        # Skatteverket: a samordningsnummer has 60 added to the day of birth.
        return int(self.digits[6:8]) > 60

    @property
    def birth_date(self) -> dt.date:
        day = int(self.digits[6:8])
        if day > 60:
            day -= 60
        return dt.date(int(self.digits[:4]), int(self.digits[4:6]), day)

    @property
    def is_female(self) -> bool:
        # The ninth digit of the ten (the third of the last four) is even for women.
        return int(self.digits[10]) % 2 == 0

    def formatted(self) -> str:
        return f"{self.digits[:8]}-{self.digits[8:]}"

    def __str__(self) -> str:
        return self.formatted()


def parse(value: str, *, today: dt.date | None = None) -> Personnummer:
    """Parse and validate. Raises InvalidPersonnummer with a Swedish message.

    Century of a 10-digit number: with '+' the person is 100 or older; otherwise the
    latest century that puts the birth date on or before `today` (Skatteverket's rule).
    """
    today = today or dt.date.today()
    compact = _SPACES.sub("", str(value or ""))
    if not compact:
        raise InvalidPersonnummer(MSG_EMPTY)
    match = _ALLOWED.match(compact)
    if not match:
        raise InvalidPersonnummer(MSG_FORMAT)
    date_part, separator, tail = match.groups()
    if len(date_part) == 8:
        full = date_part + tail
    else:
        yy = int(date_part[:2])
        year = (today.year // 100) * 100 + yy
        mmdd = date_part[2:]
        if _date_or_none(year, mmdd) is None or _date_or_none(year, mmdd) > today:
            year -= 100
        if separator == "+":
            year -= 100
        if year < 0:
            raise InvalidPersonnummer(MSG_YEAR)
        full = f"{year:04d}{mmdd}{tail}"
    pnr = Personnummer(check_digits(full))
    if pnr.birth_date > today:
        raise InvalidPersonnummer(MSG_FUTURE)
    return pnr


def check_digits(digits: str) -> str:
    """Validate a number in its stored form (12 ASCII digits) and return it.

    Every writer calls this (the model's save, bulk imports), so the register never holds
    a number the parser would refuse. Raises InvalidPersonnummer.
    """
    if not isinstance(digits, str) or not _STORED.match(digits):
        raise InvalidPersonnummer(MSG_FORMAT)
    if int(digits[:4]) < EARLIEST_BIRTH_YEAR:
        raise InvalidPersonnummer(MSG_YEAR)
    if not luhn_ok(digits[2:]):
        raise InvalidPersonnummer(MSG_CHECK)
    if digits[8:11] == "000":
        # Skatteverket never issues födelsenummer 000.
        raise InvalidPersonnummer(MSG_SERIAL)
    if _date_or_none(int(digits[:4]), digits[4:8]) is None:
        raise InvalidPersonnummer(MSG_DATE)
    return digits


def _date_or_none(year: int, mmdd: str) -> dt.date | None:
    day = int(mmdd[2:])
    if day > 60:
        day -= 60
    try:
        return dt.date(year, int(mmdd[:2]), day)
    except ValueError:
        return None


def normalize(value: str, *, today: dt.date | None = None) -> str:
    """The 12-digit form, or InvalidPersonnummer."""
    return parse(value, today=today).digits


def format_digits(digits: str) -> str:
    """12 stored digits as YYYYMMDD-NNNN (for display)."""
    if not _STORED.match(digits or ""):
        return digits
    return f"{digits[:8]}-{digits[8:]}"


def birthday_of_age(birth: dt.date, age: int) -> dt.date:
    """The day the person turns `age`.

    Our reading for a 29 February birthday: in a year without 29 February the person
    turns the age on 1 March (the day after 28 February has passed in full).
    """
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:
        return dt.date(birth.year + age, 3, 1)


def age_on(birth: dt.date, on: dt.date) -> int:
    years = on.year - birth.year
    if on < birthday_of_age(birth, years):
        years -= 1
    return years
