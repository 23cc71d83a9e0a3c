from django.db import migrations, models


class Migration(migrations.Migration):
    """The list's order with the id included, so that a page's ids come from the index
    alone; it replaces the index on (municipality, last_name, first_name)."""

    dependencies = [
        ("youths", "0013_contact_latest_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="youth",
            index=models.Index(
                fields=["municipality", "last_name", "first_name", "personnummer"],
                include=("id",),
                name="youth_list_order",
            ),
        ),
        migrations.RemoveIndex(
            model_name="youth",
            name="youths_yout_municip_68eec0_idx",
        ),
    ]
