"""The columns of each kind of list: field names, Swedish headers and common aliases.

Headers are matched case-insensitively, ignoring spaces, dashes, dots and underscores,
wherever the header row stands (title rows above it are normal) and in any order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from youths.imports.models import ImportKind


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the header our templates use
    aliases: tuple[str, ...]
    required: bool = True


_PNR = ("personnummer", "pnr", "personnr", "personnumer", "pers nr", "samordningsnummer", "id")

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.INFLYTTADE: (
        Column("personnummer", "Personnummer", _PNR),
        Column("first_name", "Förnamn", ("förnamn", "fornamn", "tilltalsnamn", "first name")),
        Column("last_name", "Efternamn", ("efternamn", "last name", "släktnamn")),
        Column(
            "street_address",
            "Utdelningsadress",
            ("utdelningsadress", "adress", "gatuadress", "address", "postadress"),
        ),
        Column("postal_code", "Postnummer", ("postnummer", "postnr", "post nr")),
        Column("postal_town", "Postort", ("postort", "ort", "stad")),
        Column(
            "event_date",
            "Inflyttningsdatum",
            (
                "inflyttningsdatum",
                "folkbokföringsdatum",
                "folkbokforingsdatum",
                "inflyttad datum",
                "datum",
                "flyttdatum",
            ),
        ),
        Column(
            "moved_from",
            "Inflyttad från",
            ("inflyttad från", "inflyttad fran", "tidigare kommun", "från kommun", "från"),
        ),
        Column(
            "phone", "Telefon", ("telefon", "telefonnummer", "tel", "mobil", "mobilnummer"), False
        ),
        Column("email", "E-post", ("e-post", "epost", "email", "e-mail", "mejl"), False),
    ),
    ImportKind.SCHOOL_EVENTS: (
        Column("personnummer", "Personnummer", _PNR),
        Column("name", "Namn", ("namn", "elev", "elevens namn", "namn elev", "name")),
        Column("school_name", "Skola", ("skola", "skolenhet", "skolans namn", "skolenhetsnamn")),
        Column("school_code", "Skolenhetskod", ("skolenhetskod", "skolkod", "skolenhets kod")),
        Column("principal", "Huvudman", ("huvudman", "huvudmannens namn")),
        Column("program", "Program", ("program", "programkod", "studievag", "studieväg")),
        Column("event", "Händelse", ("händelse", "handelse", "typ", "anmälan", "orsak")),
        Column("event_date", "Datum", ("datum", "händelsedatum", "avbrottsdatum", "från och med")),
        Column("contact_person", "Kontaktperson", ("kontaktperson", "kontakt", "handläggare")),
    ),
}


def columns_of(kind: str) -> tuple[Column, ...]:
    return COLUMNS[kind]


def column(kind: str, field: str) -> Column:
    return next(c for c in COLUMNS[kind] if c.field == field)


def _key(text) -> str:
    return re.sub(r"[\s\-_.:]+", "", str(text or "").strip().lower())


_ALIASES = {
    kind: {_key(alias): c.field for c in cols for alias in (c.header, *c.aliases)}
    for kind, cols in COLUMNS.items()
}


def match_headers(kind: str, cells: list) -> dict[str, int]:
    """{field: column index} for the cells of a candidate header row."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field = _ALIASES[kind].get(_key(cell))
        if field and field not in found:
            found[field] = index
    return found


# The header row is looked for among the first rows only.
SCAN = 30


def find_header(kind: str, rows: list[list], *, scan: int = SCAN) -> tuple[int, dict[str, int]]:
    """(index of the header row, mapping): the first of the top rows that names the most
    of our columns. (-1, {}) when no row names at least two."""
    best, best_map = -1, {}
    for index, cells in enumerate(rows[:scan]):
        found = match_headers(kind, cells)
        if len(found) > len(best_map):
            best, best_map = index, found
            if len(found) == len(COLUMNS[kind]):
                break
    if len(best_map) < 2:
        return -1, {}
    return best, best_map


def missing_required(kind: str, mapping: dict[str, int]) -> list[str]:
    return [c.field for c in COLUMNS[kind] if c.required and c.field not in mapping]
