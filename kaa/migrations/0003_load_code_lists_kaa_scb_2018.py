"""The code lists of layout kaa-scb-2018 (our reconstruction of SCB's), as data.

Later versions are loaded with `manage.py load_code_lists FILE`, without a migration.
"""

from django.db import migrations

from kaa.codelists import load_version, read_layout
from kaa.reference_data import FIRST_LAYOUT


def load(apps, schema_editor):
    data = read_layout(FIRST_LAYOUT)
    load_version(data, apps.get_model("kaa", "CodeListVersion"), apps.get_model("kaa", "Code"))


class Migration(migrations.Migration):
    dependencies = [("kaa", "0002_load_municipalities")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
