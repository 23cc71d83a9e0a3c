"""Reference data every installation has: the municipalities and the first code lists.

Loaded by data migrations; `ensure_reference_data` loads whatever is missing again (for a
test database reused after a transactional test emptied its tables).
"""

import csv
from pathlib import Path

from kaa.codelists import LAYOUT_DIR, load_version, read_layout

MUNICIPALITIES = Path(__file__).resolve().parent / "data" / "kommuner.csv"
FIRST_LAYOUT = LAYOUT_DIR / "kaa-scb-2018.json"


def load_municipalities(municipality_model) -> int:
    """Create the municipalities of kaa/data/kommuner.csv that are missing. Takes the
    model class so that data migrations can pass their historical model."""
    with MUNICIPALITIES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    existing = set(municipality_model.objects.values_list("code", flat=True))
    created = municipality_model.objects.bulk_create(
        municipality_model(code=row["kommunkod"].zfill(4), name=row["kommun"], county=row["lan"])
        for row in rows
        if row["kommunkod"].zfill(4) not in existing
    )
    return len(created)


def ensure_reference_data() -> None:
    from kaa.models import Code, CodeListVersion, Municipality

    load_municipalities(Municipality)
    load_version(read_layout(FIRST_LAYOUT), CodeListVersion, Code)
