"""Reading an uploaded list: xlsx through python-calamine, csv through the stdlib.

Only values are read: an xlsx formula gives its stored result and is never evaluated.
Every failure is an UnreadableFile with a Swedish message for the page and the command.
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _

from youths.imports import columns

_ZIP = b"PK\x03\x04"
# An encrypted (password-protected) xlsx and an old .xls are both OLE compound files.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableFile(ValueError):
    """The message is Swedish and safe to show."""


def read_rows(content: bytes, *, file_name: str, kind: str) -> list[list]:
    """All rows of the first sheet (xlsx) or of the file (csv), blank rows included so
    that indexes + 1 are the row numbers Excel shows."""
    return list(iter_rows(content, file_name=file_name, kind=kind))


def iter_rows(content: bytes, *, file_name: str, kind: str) -> Iterator[list]:
    """The rows of `read_rows` one at a time: a large list is never held as Python
    objects all at once (an xlsx stays in calamine's compact form until a row is asked
    for). A file that cannot be read raises UnreadableFile here, not while iterating."""
    if not content:
        raise UnreadableFile(_("Filen är tom."))
    name = (file_name or "").lower()
    if content.startswith(_OLE):
        raise UnreadableFile(
            _(
                "Filen är lösenordsskyddad eller sparad i det gamla Excel-formatet (xls). "
                "Spara den utan lösenord som xlsx eller csv."
            )
        )
    if content.startswith(_ZIP) or name.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    if name.endswith((".csv", ".txt")) or not _looks_binary(content):
        return _read_csv(content, kind=kind)
    raise UnreadableFile(_("Filen måste vara en Excel-fil (xlsx) eller en csv-fil."))


def _looks_binary(content: bytes) -> bool:
    return b"\x00" in content[:4096]


def _read_xlsx(content: bytes) -> Iterator[list]:
    from python_calamine import CalamineWorkbook

    if not content.startswith(_ZIP) or not zipfile.is_zipfile(io.BytesIO(content)):
        raise UnreadableFile(_("Excel-filen är skadad och kan inte läsas."))
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        if not workbook.sheet_names:
            raise UnreadableFile(_("Excel-filen har inga blad."))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
        # iter_rows starts at the first row but at the first used column: put the empty
        # columns back so that indexes are the sheet's columns, as to_python() gives them.
        pad = [""] * sheet.start[1] if sheet.start else []
    except UnreadableFile:
        raise
    except Exception as error:  # calamine raises several kinds for a broken file
        if "password" in type(error).__name__.lower():
            raise UnreadableFile(_("Filen är lösenordsskyddad. Spara den utan lösenord.")) from None
        raise UnreadableFile(_("Excel-filen är skadad och kan inte läsas.")) from None
    return _guarded(rows, pad=pad)


def _guarded(rows, *, pad: list | None = None) -> Iterator[list]:
    # calamine reads the sheet when it is opened, but a csv is parsed as it is read: a
    # row that fails on the way (a field over the csv module's size limit, an open
    # quote at the end) makes the file as unreadable as one that fails at once.
    try:
        if pad:
            for row in rows:
                yield pad + row
        else:
            yield from rows
    except Exception:
        raise UnreadableFile(_("Filen är skadad och kan inte läsas.")) from None


def _decode(content: bytes) -> str:
    # UTF-8 (with or without BOM) first; anything that is not valid UTF-8 is taken as
    # Windows-1252, the other encoding Swedish school systems and Excel write.
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _read_csv(content: bytes, *, kind: str) -> Iterator[list]:
    text = _decode(content)
    # The delimiter that names the most of our columns in the rows where a header can be.
    best, best_found = ";", -1
    for delimiter in (";", ",", "\t"):
        head = list(
            itertools.islice(
                csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), columns.SCAN
            )
        )
        _, found = columns.find_header(kind, head)
        if len(found) > best_found:
            best, best_found = delimiter, len(found)
    return _guarded(csv.reader(io.StringIO(text, newline=""), delimiter=best))
