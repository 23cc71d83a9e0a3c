"""All 290 municipalities with SCB kommunkod and län, from kaa/data/kommuner.csv."""

from django.db import migrations

from kaa.reference_data import load_municipalities


def load(apps, schema_editor):
    load_municipalities(apps.get_model("kaa", "Municipality"))


class Migration(migrations.Migration):
    dependencies = [("kaa", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
