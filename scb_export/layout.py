"""An SCB file layout as data: columns, formats, file settings and code lists.

A layout is a `kaa.CodeListVersion` whose `layout` holds the columns and file settings of
its layout file (scb_export/layouts/*.json) and whose codes are the four code lists. The
exporter fills logical fields (below); the layout decides which of them become columns,
in which order, under which names and in which format. A new layout (another column
order, other names, another code list) is a new data file and no code change.

This module imports no models at module level: `kaa.codelists` validates layout files
with it, also inside data migrations.
"""

from __future__ import annotations

import codecs
import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple


class LayoutError(ValueError):
    """The message is Swedish and names what is wrong in the layout."""


# The logical fields the exporter fills: field -> (block, kind, code list).
FIELDS: dict[str, tuple[int, str, str | None]] = {
    "kommun": (1, "kommunkod", None),
    "personnummer": (1, "personnummer", None),
    "registreringsdatum": (1, "date", None),
    "orsak_registrering": (1, "code", "orsak_registrering"),
    "kontaktdatum": (2, "date", None),
    "sysselsattning_kontakt": (2, "code", "sysselsattning"),
    "atgard": (3, "code", "atgard"),
    "atgard_start": (3, "date", None),
    "atgard_slut": (4, "date", None),
    "sysselsattning_efter_atgard": (4, "code", "sysselsattning"),
    "upphort_datum": (5, "date", None),
    "orsak_upphort": (5, "code", "orsak_upphort"),
}
REQUIRED_FIELDS = ("kommun", "personnummer", "registreringsdatum", "orsak_registrering")

# Column formats a layout may use, per kind of field.
FORMATS: dict[str, set[str]] = {
    "kommunkod": {"kommunkod"},
    "personnummer": {"personnummer12", "personnummer13"},
    "date": {"date"},
    "code": {"code"},
}

DEFAULT_FILE = {
    "separator": ";",
    "encoding": "utf-8",
    "alt_encodings": [],
    "date_format": "%Y-%m-%d",
}


def validate_layout(layout: dict) -> None:
    """Raise LayoutError unless `layout` ({"file": ..., "columns": [...]}) is usable."""
    if not isinstance(layout, dict) or not layout.get("columns"):
        raise LayoutError("layouten saknar kolumner (”columns”).")
    settings = {**DEFAULT_FILE, **(layout.get("file") or {})}
    if not isinstance(settings["separator"], str) or len(settings["separator"]) != 1:
        raise LayoutError("”separator” ska vara ett tecken.")
    for encoding in [settings["encoding"], *settings["alt_encodings"]]:
        try:
            codecs.lookup(encoding)
        except (LookupError, TypeError):
            raise LayoutError(f"okänd teckenkodning ”{encoding}”.") from None
    try:
        dt.date(2026, 1, 2).strftime(settings["date_format"])
    except (TypeError, ValueError):
        raise LayoutError("”date_format” är inget datumformat.") from None
    names, fields = set(), set()
    for index, column in enumerate(layout["columns"], start=1):
        if not isinstance(column, dict):
            raise LayoutError(f"kolumn {index} är inte ett objekt.")
        name, field_name = column.get("name"), column.get("field")
        if not name or not isinstance(name, str):
            raise LayoutError(f"kolumn {index} saknar namn.")
        if field_name not in FIELDS:
            raise LayoutError(f"kolumnen ”{name}” har okänt fält ”{field_name}”.")
        if name in names or field_name in fields:
            raise LayoutError(f"kolumnen ”{name}” eller fältet ”{field_name}” finns två gånger.")
        names.add(name)
        fields.add(field_name)
        block, kind, code_list = FIELDS[field_name]
        if column.get("format") not in FORMATS[kind]:
            raise LayoutError(
                f"kolumnen ”{name}” har formatet ”{column.get('format')}”; "
                f"tillåtet: {', '.join(sorted(FORMATS[kind]))}."
            )
        if kind == "code" and column.get("code_list", code_list) != code_list:
            raise LayoutError(f"kolumnen ”{name}” ska använda kodlistan ”{code_list}”.")
        if column.get("block", block) != block:
            raise LayoutError(f"kolumnen ”{name}” hör till block {block}.")
    missing = [name for name in REQUIRED_FIELDS if name not in fields]
    if missing:
        raise LayoutError(f"obligatoriska fält saknas: {', '.join(missing)}.")


class LayoutCode(NamedTuple):
    """A code as the layout version knows it. `in_list` is False for a stored code that
    has no counterpart in the version (the value is then the stored one, for messages)."""

    value: str
    key: str
    in_list: bool = True


@dataclass(frozen=True)
class Column:
    name: str
    field: str
    format: str


@dataclass
class Layout:
    """A usable layout: built by `Layout.load` from a CodeListVersion and its codes."""

    version_id: int | None
    name: str
    valid_from: dt.date
    columns: list[Column]
    separator: str
    encoding: str
    alt_encodings: list[str]
    date_format: str
    # list name -> value -> key, for the version's active codes.
    code_lists: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, version) -> Layout:
        validate_layout(version.layout)
        settings = {**DEFAULT_FILE, **(version.layout.get("file") or {})}
        code_lists: dict[str, dict[str, str]] = {}
        for list_name, value, key in version.codes.filter(active=True).values_list(
            "list_name", "value", "key"
        ):
            code_lists.setdefault(list_name, {})[value] = key
        return cls(
            version_id=version.pk,
            name=version.name,
            valid_from=version.valid_from,
            columns=[
                Column(name=c["name"], field=c["field"], format=c["format"])
                for c in version.layout["columns"]
            ],
            separator=settings["separator"],
            encoding=settings["encoding"],
            alt_encodings=list(settings["alt_encodings"]),
            date_format=settings["date_format"],
            code_lists=code_lists,
        )

    @property
    def encodings(self) -> list[str]:
        return [self.encoding, *self.alt_encodings]

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    def code_map(self, codes) -> dict[int, LayoutCode]:
        """Stored codes (id, list_name, value, key) mapped into this version's lists.

        By meaning first (the key), so that a version that renumbers a list needs no code
        change; by value when the code has no key.
        """
        by_key = {
            list_name: {key: value for value, key in values.items() if key}
            for list_name, values in self.code_lists.items()
        }
        mapped = {}
        for pk, list_name, value, key in codes:
            values = self.code_lists.get(list_name, {})
            if key and key in by_key.get(list_name, {}):
                mapped[pk] = LayoutCode(by_key[list_name][key], key)
            elif not key and value in values:
                mapped[pk] = LayoutCode(value, values[value])
            else:
                mapped[pk] = LayoutCode(value, key, in_list=False)
        return mapped

    def formatters(self):
        """One function per column turning a row's value into the file's text."""
        date_format = self.date_format

        def date(value):
            if value is None:
                return ""
            if date_format == "%Y-%m-%d":
                return value.isoformat()
            return value.strftime(date_format)

        def code(value):
            return "" if value is None else value.value

        def personnummer13(value):
            return f"{value[:8]}-{value[8:]}" if value else ""

        def text(value):
            return "" if value is None else str(value)

        by_format = {
            "date": date,
            "code": code,
            "personnummer12": text,
            "personnummer13": personnummer13,
            "kommunkod": text,
        }
        return [(column.field, by_format[column.format]) for column in self.columns]

    def render(self, row, formatters=None) -> list[str]:
        return [fmt(getattr(row, name)) for name, fmt in (formatters or self.formatters())]
