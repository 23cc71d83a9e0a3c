"""The Celery app and the one beat schedule of every periodic job."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaa.settings")

app = Celery("kaa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Every night at 00:15: close enrolments of youths who turned 20 (skollagen 29 kap. 9 §).
    "close-enrolments-turned-20": {
        "task": "youths.tasks.close_enrolments_turned_20",
        "schedule": crontab(hour=0, minute=15),
    },
    # Every night at 02:00: remove audit rows older than AUDIT_RETENTION_DAYS.
    "purge-old-audit-events": {
        "task": "kaa.tasks.purge_old_audit_events",
        "schedule": crontab(hour=2, minute=0),
    },
    # Every night at 02:10: forget used one-time form tokens older than a week.
    "purge-form-submissions": {
        "task": "kaa.tasks.purge_form_submissions",
        "schedule": crontab(hour=2, minute=10),
    },
    # Every night at 00:45: recompute each youth's casework summary (the dates "Att göra"
    # and the overview read) from the source tables, after the 20th-birthday job; the
    # services keep it in step during the day, this is the safety net.
    "rebuild-case-summary": {
        "task": "youths.tasks.rebuild_case_summary",
        "schedule": crontab(hour=0, minute=45),
    },
    # Every night at 01:30: recount the monthly figures behind the overview's trends.
    "rebuild-monthly-figures": {
        "task": "dashboards.tasks.rebuild_monthly_figures",
        "schedule": crontab(hour=1, minute=30),
    },
    # Every weekday at 06:30: each coordinator's "Att göra" digest (counts, no names).
    "daily-digest": {
        "task": "actions.tasks.send_daily_digests",
        "schedule": crontab(hour=6, minute=30, day_of_week="1-5"),
    },
    # Every five minutes: re-enqueue imports of lists that are stuck (queued or running
    # without progress for IMPORT_STUCK_MINUTES); each step is idempotent.
    "sweep-import-batches": {
        "task": "youths.imports.tasks.sweep_import_batches",
        "schedule": crontab(minute="*/5"),
    },
}
