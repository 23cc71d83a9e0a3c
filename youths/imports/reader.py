"""Reading an uploaded list: xlsx through python-calamine, csv through the stdlib.

Only values are read: an xlsx formula gives its stored result and is never evaluated.
Every failure is an UnreadableFile with a Swedish message for the page and the command.
"""

from __future__ import annotations

import csv
import io
import zipfile

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


def _read_xlsx(content: bytes) -> list[list]:
    from python_calamine import CalamineWorkbook

    if not content.startswith(_ZIP) or not zipfile.is_zipfile(io.BytesIO(content)):
        raise UnreadableFile(_("Excel-filen är skadad och kan inte läsas."))
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        if not workbook.sheet_names:
            raise UnreadableFile(_("Excel-filen har inga blad."))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except UnreadableFile:
        raise
    except Exception as error:  # calamine raises several kinds for a broken file
        if "password" in type(error).__name__.lower():
            raise UnreadableFile(_("Filen är lösenordsskyddad. Spara den utan lösenord.")) from None
        raise UnreadableFile(_("Excel-filen är skadad och kan inte läsas.")) from None
    return rows  # a list of lists already


def _decode(content: bytes) -> str:
    # UTF-8 (with or without BOM) first; anything that is not valid UTF-8 is taken as
    # Windows-1252, the other encoding Swedish school systems and Excel write.
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _read_csv(content: bytes, *, kind: str) -> list[list]:
    text = _decode(content)
    best: list[list] | None = None
    best_found = -1
    for delimiter in (";", ",", "\t"):
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        _, found = columns.find_header(kind, rows)
        if len(found) > best_found:
            best, best_found = rows, len(found)
    return best or []
