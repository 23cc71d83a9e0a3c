"""Write rows to the file SCB takes: CSV or xlsx, as the layout says.

Both write as the rows come (the xlsx through openpyxl's write-only mode), so memory stays
flat, and both give the same bytes for the same rows: the xlsx's zip entries and document
properties carry fixed times instead of the moment the file was written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import tempfile
import zipfile

from openpyxl import Workbook

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
            append(line)

    def close(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            raw = os.path.join(folder, "raw.xlsx")
            self._workbook.save(raw)
            _rezip_with_fixed_times(raw, self.handle, self._workbook.properties.created)


def _rezip_with_fixed_times(source: str, handle, document_time: dt.datetime) -> None:
    stamp = document_time.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with (
        zipfile.ZipFile(source) as zin,
        zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as zout,
    ):
        for item in zin.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            if item.filename == "docProps/core.xml":
                # openpyxl stamps "modified" with the time of saving.
                core = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    zin.read(item),
                )
                zout.writestr(info, core)
                continue
            with zin.open(item) as src, zout.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)


def renderer_for(fmt: str, handle, layout: Layout, *, encoding: str | None, document_time):
    if fmt == "csv":
        return CsvRenderer(handle, layout, encoding=encoding)
    if fmt == "xlsx":
        return XlsxRenderer(handle, layout, document_time=document_time)
    raise ValueError(fmt)
