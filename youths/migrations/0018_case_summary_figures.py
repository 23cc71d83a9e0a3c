"""The casework summary's columns for the figures "i åtgärd", "tackade nej" and "okänd
sysselsättning", filled for the youths already in the register by the same statement
the services run (youths.summary), over the models as they stand at this migration."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from youths.summary import case_summary_rebuild

    case_summary_rebuild(registry=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("youths", "0017_case_summary_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="casesummary",
            name="action_last_end",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="casesummary",
            name="action_open_since",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="casesummary",
            name="last_answer_declined_on",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="casesummary",
            name="occupation_key",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
