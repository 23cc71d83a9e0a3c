"""Benchmark: a 100 000-row list of inflyttade (xlsx), previewed and applied end to end.

Prints figures (rows/s, queries per row during validation, peak memory); asserts only
that the rows were applied. Run with `make bench`.
"""

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook

from kaa.models import Municipality
from youths.imports import columns, plan, reader, services, validate
from youths.imports.models import ImportKind, ImportRow
from youths.models import Youth
from youths.personnummer import luhn_ok

N_ROWS = 100_000
ROOT = Path(__file__).resolve().parents[2]
HEADER = [
    "Personnummer",
    "Förnamn",
    "Efternamn",
    "Utdelningsadress",
    "Postnummer",
    "Postort",
    "Inflyttningsdatum",
    "Inflyttad från",
]


def synthetic_personnummer(i: int) -> str:
    """Distinct, valid and synthetic. Most are 16-19 (born 2006-12 .. 2010-06); every
    20th is too young (born 2011-07 .. 2012-06), as in real lists."""
    if i % 20 == 0:
        j = i // 20
        birth = dt.date(2011, 7, 1) + dt.timedelta(days=j % 365)
        serial = 200 + j // 365
    else:
        birth = dt.date(2006, 12, 1) + dt.timedelta(days=i % 1300)
        serial = 100 + i // 1300
    base = f"{birth:%y%m%d}{serial:03d}"
    check = next(d for d in range(10) if luhn_ok(base + str(d)))
    return f"{birth.year}{base[2:]}{check}"


def generate_xlsx(path: Path, rows: int = N_ROWS) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Inflyttade")
    sheet.append(["Inflyttade till kommunen, uttag för benchmark"])
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(
            [
                synthetic_personnummer(i),
                f"Förnamn{i % 500}",
                f"Efternamn{i % 997}",
                f"Gatan {i % 300}",
                "716 30",
                "Fjugesta",
                dt.date(2026, 1, 1) + dt.timedelta(days=i % 300),
                "Utlandet" if i % 7 == 0 else "Örebro",
            ]
        )
    workbook.save(path)


# Runs manage.py in this interpreter and reports the process's peak resident memory.
_PEAK_WRAPPER = """
import atexit, runpy, sys

def _peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                sys.stderr.write("PEAK_KB " + line.split()[1] + chr(10))

atexit.register(_peak)
sys.argv = ["manage.py", *sys.argv[1:]]
runpy.run_path("manage.py", run_name="__main__")
"""


def _db_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_bench_import_100k_inflyttade(tmp_path):
    path = tmp_path / "inflyttade-100k.xlsx"
    started = time.perf_counter()
    generate_xlsx(path)
    content = path.read_bytes()
    print(
        f"\ngenerated {N_ROWS} rows, {len(content) / 1e6:.1f} MB xlsx in "
        f"{time.perf_counter() - started:.1f} s"
    )
    # The command below computes ages on the real day; so does this process.
    today = timezone.localdate()
    home = Municipality.objects.get(code="1880")

    # Phase by phase, in this process.
    t = time.perf_counter()
    rows = reader.read_rows(content, file_name=path.name, kind=ImportKind.INFLYTTADE)
    read_s = time.perf_counter() - t
    header, mapping = columns.find_header(ImportKind.INFLYTTADE, rows)
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as validation_queries:
        parsed = validate.validate(
            rows,
            kind=ImportKind.INFLYTTADE,
            header_index=header,
            mapping=mapping,
            today=today,
            municipality=home,
        )
    validate_s = time.perf_counter() - t
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as plan_queries:
        plan.plan(parsed, kind=ImportKind.INFLYTTADE, municipality_id=home.pk, today=today)
    plan_s = time.perf_counter() - t
    del rows, parsed
    print(
        f"read (calamine) {read_s:.2f} s = {N_ROWS / read_s:,.0f} rows/s; "
        f"validate {validate_s:.2f} s = {N_ROWS / validate_s:,.0f} rows/s, "
        f"{len(validation_queries)} queries ({len(validation_queries) / N_ROWS:.4f} per row); "
        f"plan {plan_s:.2f} s, {len(plan_queries)} queries"
    )

    t = time.perf_counter()
    cpu = time.process_time()
    batch, _ = services.import_batch_upload(
        acting_user=None,
        municipality=home,
        kind=ImportKind.INFLYTTADE,
        file_name=path.name,
        content=content,
    )
    batch = services.import_batch_preview(batch_id=batch.pk, today=today)
    preview_s = time.perf_counter() - t
    preview_cpu_s = time.process_time() - cpu
    t = time.perf_counter()
    batch = services.import_batch_apply(batch_id=batch.pk, today=today)
    apply_s = time.perf_counter() - t
    counts = batch.applied_counts
    print(
        f"in process: preview {preview_s:.2f} s, apply {apply_s:.2f} s, "
        f"end to end {preview_s + apply_s:.2f} s = {N_ROWS / (preview_s + apply_s):,.0f} rows/s; "
        f"created {counts['created']}, to verify {counts['to_verify']}, skipped {counts['skipped']}"
    )
    # The preview's own CPU time (both of its threads), apart from PostgreSQL's: on a
    # loaded machine the wall time above also counts waiting for a core.
    print(f"preview CPU time in this process {preview_cpu_s:.2f} s")
    assert counts["created"] + sum(counts["skipped"].values()) == N_ROWS
    assert Youth.objects.filter(municipality=home).count() == counts["created"]

    # The command line end to end in a fresh process: wall time and that process's own
    # peak memory. Not the rusage of the child: Linux carries the parent's peak (this
    # test process, after the in-process run above) over into a child's ru_maxrss at
    # exec. VmHWM is the peak of the command's own address space, read as it exits.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _PEAK_WRAPPER, "import_list", "--municipality", "1814"]
        + ["--kind", "inflyttade", "--apply", str(path)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _db_url(), "LOG_LEVEL": "WARNING"},
        capture_output=True,
    )
    command_s = time.perf_counter() - t
    stdout, stderr = proc.stdout, proc.stderr
    peak_kb = int(re.search(rb"PEAK_KB (\d+)", stderr)[1])
    peak_mb = peak_kb / 1024
    assert proc.returncode == 0, stderr.decode()
    out = json.loads(stdout)
    print(
        f"import_list --apply (new process, incl. start-up): {command_s:.2f} s = "
        f"{N_ROWS / command_s:,.0f} rows/s, peak memory {peak_mb:.0f} MB, "
        f"created {out['created']}"
    )
    print(
        f"SUMMARY rows {N_ROWS}; preview {preview_s:.2f} s; apply {apply_s:.2f} s; "
        f"total {preview_s + apply_s:.2f} s = {N_ROWS / (preview_s + apply_s):,.0f} rows/s; "
        f"validation {len(validation_queries) / N_ROWS:.4f} queries per row; "
        f"command {command_s:.2f} s; peak RSS {peak_mb:.0f} MB; "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    assert out["created"] == counts["created"]
    assert ImportRow.objects.filter(applied_at__isnull=True).count() == 0
