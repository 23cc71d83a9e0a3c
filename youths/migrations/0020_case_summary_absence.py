"""The casework summary keeps the latest frånvaro notice not answered by a contact.

Only youths with a frånvaro notice can have the new date, so only their rows are
recomputed (by the same statement the services run, over the models as they stand here).
"""

from django.db import migrations, models


def fill(apps, schema_editor):
    from youths.summary import ABSENCE_EVENT, case_summary_refresh

    SchoolNotice = apps.get_model("youths", "SchoolNotice")
    ids = (
        SchoolNotice.objects.filter(event=ABSENCE_EVENT)
        .order_by("youth_id")
        .values_list("youth_id", flat=True)
        .distinct()
    )
    case_summary_refresh(list(ids), registry=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("kaa", "0010_entry_reason_list_label"),
        ("youths", "0019_case_summary_figure_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="casesummary",
            name="absence_noticed_on",
            field=models.DateField(null=True),
        ),
        migrations.AddIndex(
            model_name="casesummary",
            index=models.Index(
                condition=models.Q(("absence_noticed_on__isnull", False)),
                fields=["municipality", "absence_noticed_on"],
                include=("youth",),
                name="case_summary_absence",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
