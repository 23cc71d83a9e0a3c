"""Fill the casework summary for the youths already in the register.

The rows are computed from the source tables by the same statement the services run
(youths.summary), over the models as they stand at this migration.
"""

from django.db import migrations


def fill(apps, schema_editor):
    from youths.summary import case_summary_rebuild

    case_summary_rebuild(registry=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("youths", "0015_case_summary"),
        # The summary reads åtgärder too.
        ("actions", "0005_consent_given_by"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
