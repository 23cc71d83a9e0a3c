# PostgreSQL's unaccent for name search without diacritics (youths/folding.py). A no-op on
# other databases. Creating an extension needs a role allowed to (the database owner on
# PostgreSQL 13+ for trusted extensions such as unaccent).
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("youths", "0011_assignment_history_from_audit_trail"),
    ]

    operations = [UnaccentExtension()]
