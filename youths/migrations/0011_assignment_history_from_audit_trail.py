"""Fill the assignment history from the audit trail's youth.assign rows, so that the
history written before it had its own table survives the audit retention."""

from django.conf import settings
from django.db import migrations


def assignments_from_audit_trail(apps, schema_editor):
    AuditEvent = apps.get_model("kaa", "AuditEvent")
    Youth = apps.get_model("youths", "Youth")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    AssignmentHistory = apps.get_model("youths", "AssignmentHistory")
    user_ids = set(User.objects.values_list("pk", flat=True))

    def user_id(value):
        # The trail keeps plain ids: a user removed since is "unknown" (None) here.
        return value if isinstance(value, int) and value in user_ids else None

    events = (
        AuditEvent.objects.filter(action="youth.assign", youth_id__in=Youth.objects.values("pk"))
        .order_by("at", "pk")
        .values_list("youth_id", "user_id", "at", "detail")
    )
    batch = []
    for youth_id, by_id, at, detail in events.iterator(chunk_size=2000):
        detail = detail if isinstance(detail, dict) else {}
        batch.append(
            AssignmentHistory(
                youth_id=youth_id,
                from_user_id=user_id(detail.get("from_user_id")),
                to_user_id=user_id(detail.get("to_user_id")),
                by_user_id=user_id(by_id),
                at=at,
            )
        )
        if len(batch) >= 2000:
            AssignmentHistory.objects.bulk_create(batch)
            batch = []
    AssignmentHistory.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("kaa", "0008_username_case_insensitive_unique"),
        ("youths", "0010_assignmenthistory"),
    ]

    operations = [
        migrations.RunPython(assignments_from_audit_trail, migrations.RunPython.noop),
    ]
