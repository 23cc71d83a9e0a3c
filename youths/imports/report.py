"""xlsx files for administrators: the error report of a batch and empty templates."""

from __future__ import annotations

from openpyxl import Workbook

from youths.imports.columns import columns_of
from youths.imports.models import ImportBatch, ImportRow


def error_report(batch: ImportBatch, out) -> None:
    """The original row plus its messages, one line per row with errors."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Fel")
    sheet.append(["Rad", *batch.headers, "Fel"])
    rows = (
        ImportRow.objects.filter(batch=batch, action=ImportRow.Action.ERROR)
        .order_by("number")
        .values_list("number", "values", "errors")
    )
    for number, values, errors in rows.iterator(chunk_size=2000):
        messages = "; ".join(f"{e['column']}: {e['message']}" for e in errors)
        padded = list(values) + [""] * (len(batch.headers) - len(values))
        # A leading "=" would make Excel read a cell as a formula: keep it as text.
        safe = [("'" + v) if isinstance(v, str) and v[:1] in "=+-@" else v for v in padded]
        sheet.append([number, *safe, messages])
    workbook.save(out)


def template(kind: str, out) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Lista")
    sheet.append([str(c.header) for c in columns_of(kind)])
    workbook.save(out)
