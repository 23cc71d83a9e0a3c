"""All 290 municipalities with SCB kommunkod and län, from kaa/data/kommuner.csv."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "kommuner.csv"


def load(apps, schema_editor):
    Municipality = apps.get_model("kaa", "Municipality")
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    existing = set(Municipality.objects.values_list("code", flat=True))
    Municipality.objects.bulk_create(
        Municipality(code=row["kommunkod"].zfill(4), name=row["kommun"], county=row["lan"])
        for row in rows
        if row["kommunkod"].zfill(4) not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("kaa", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
