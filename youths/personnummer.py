"""Swedish personnummer and samordningsnummer: parsing, validation and dates.

Accepted input: YYYYMMDD-NNNN, YYMMDD-NNNN, YYMMDD+NNNN, YYMMDDNNNN, YYYYMMDDNNNN, with
spaces anywhere. Stored as 12 digits, shown as YYYYMMDD-NNNN.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_ALLOWED = re.compile(r"^(\d{6}|\d{8})([-+]?)(\d{4})$")


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
    compact = re.sub(r"\s+", "", str(value or ""))
    if not compact:
        raise InvalidPersonnummer("Ange personnummer eller samordningsnummer.")
    match = _ALLOWED.match(compact)
    if not match:
        raise InvalidPersonnummer(
            "Personnumret ska skrivas som ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN (10 eller 12 siffror)."
        )
    date_part, separator, tail = match.groups()
    if len(date_part) == 8:
        century = date_part[:2]
        if century not in {"18", "19", "20"}:
            raise InvalidPersonnummer("Personnumrets år är inte rimligt.")
        full = date_part + tail
    else:
        yy = int(date_part[:2])
        year = (today.year // 100) * 100 + yy
        mmdd = date_part[2:]
        if _date_or_none(year, mmdd) is None or _date_or_none(year, mmdd) > today:
            year -= 100
        if separator == "+":
            year -= 100
        full = f"{year:04d}{mmdd}{tail}"

    if not luhn_ok(full[2:]):
        raise InvalidPersonnummer("Personnumrets kontrollsiffra stämmer inte.")
    pnr = Personnummer(full)
    try:
        birth = pnr.birth_date
    except ValueError:
        raise InvalidPersonnummer("Personnumret innehåller inget giltigt födelsedatum.") from None
    if birth > today:
        raise InvalidPersonnummer("Födelsedatumet i personnumret ligger i framtiden.")
    return pnr


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
    if len(digits) != 12 or not digits.isdigit():
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
