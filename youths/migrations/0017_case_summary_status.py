import django.db.models.deletion
from django.db import migrations, models

# The latest enrolment's orsak for the rows already there (the same rule as
# youths.summary: the latest enrolment by start, then by id).
FILL = """
UPDATE youths_casesummary SET entry_reason_id = (
    SELECT e.entry_reason_id FROM youths_enrolment e
    WHERE e.youth_id = youths_casesummary.youth_id
    ORDER BY e.start_date DESC, e.id DESC LIMIT 1
)
WHERE enrolled_since IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("kaa", "0010_entry_reason_list_label"),
        ("youths", "0016_fill_case_summary"),
    ]

    operations = [
        migrations.AddField(
            model_name="casesummary",
            name="entry_reason",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="kaa.code",
            ),
        ),
        migrations.AddIndex(
            model_name="casesummary",
            index=models.Index(
                fields=["municipality", "youth"],
                include=(
                    "enrolled_since",
                    "enrolled_until",
                    "turns_20_on",
                    "verification_opened_on",
                    "entry_reason",
                ),
                name="case_summary_status",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
