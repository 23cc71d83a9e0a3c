"""Write rows to the file SCB takes: CSV or xlsx, as the layout says.

Both write as the rows come (the xlsx through openpyxl's write-only mode), so memory stays
flat, and both give the same bytes for the same rows: the xlsx's zip entries and document
properties carry fixed times instead of the moment the file was written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import zipfile

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from scb_export.layout import Layout

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Fixed times inside the xlsx (zip entries cannot be older than 1980).
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class EncodingProblem(ValueError):
    """A value cannot be written in the chosen encoding (Swedish message)."""


class CsvRenderer:
    def __init__(self, handle, layout: Layout, *, encoding: str | None = None):
        self.layout = layout
        self.encoding = encoding or layout.encoding
        self._text = io.TextIOWrapper(
            handle, encoding=self.encoding, newline="", write_through=False
        )
        self._writer = csv.writer(self._text, delimiter=layout.separator, lineterminator="\r\n")
        self._writer.writerow(layout.header)

    def write(self, lines: list[list[str]]) -> None:
        """Write lines already formatted by the layout (`Layout.render`)."""
        try:
            self._writer.writerows(lines)
        except UnicodeEncodeError:
            raise EncodingProblem(
                f"Ett värde kan inte skrivas med teckenkodningen {self.encoding}."
            ) from None

    def close(self) -> None:
        self._text.flush()
        self._text.detach()


class XlsxRenderer:
    """One sheet, the layout's header, every cell a text cell (leading zeros survive)."""

    def __init__(self, handle, layout: Layout, *, document_time: dt.datetime, **_options):
        self.handle = handle
        self.layout = layout
        self._workbook = Workbook(write_only=True)
        self._workbook.properties.creator = "KAA"
        self._workbook.properties.created = document_time
        self._workbook.properties.modified = document_time
        self._sheet = self._workbook.create_sheet(title="KAA")
        self._sheet.append(layout.header)

    def write(self, lines: list[list[str]]) -> None:
        """Write lines already formatted by the layout (`Layout.render`)."""
        append = self._sheet.append
        for line in lines:
            # An empty value is no cell at all (faster, and the same blank in Excel).
            append([value or None for value in line])

    def close(self) -> None:
        # openpyxl's save_workbook stamps "modified" with the time of saving and its zip
        # entries with the time of writing; the writer is driven here with an archive
        # that dates every entry the same, so the same rows give the same bytes.
        archive = _FixedTimeZipFile(self.handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        ExcelWriter(self._workbook, archive).save()


class _FixedTimeZipFile(zipfile.ZipFile):
    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        return super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # The write-only sheet is a temporary file; its mtime must not reach the archive.
        with (
            open(filename, "rb") as source,
            self.open(self._info(arcname or filename), "w") as target,
        ):
            shutil.copyfileobj(source, target, 1 << 20)


def renderer_for(fmt: str, handle, layout: Layout, *, encoding: str | None, document_time):
    if fmt == "csv":
        return CsvRenderer(handle, layout, encoding=encoding)
    if fmt == "xlsx":
        return XlsxRenderer(handle, layout, document_time=document_time)
    raise ValueError(fmt)
