"""Assignment history is casework data: its own rows, on the timeline with who from, who
to and by whom, kept when the audit trail is purged."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from actions.selectors import timeline
from kaa.audit import audit_record
from kaa.logreview import purge_audit_events
from kaa.models import AuditAction, AuditEvent
from youths import services
from youths.models import AssignmentHistory

pytestmark = [pytest.mark.django_db]


def _timeline(youth):
    return [
        event
        for event in timeline(
            youth, contacts=[], actions=[], plans=[], consents=[], enrolments=[], verifications=[]
        )
        if event.kind == "assignment"
    ]


def test_assigning_writes_the_history_and_the_timeline_reads_it(
    make_youth, coordinator, colleague, administrator
):
    youth = make_youth(assigned_to=coordinator)
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        services.youth_assign(acting_user=administrator, youth=youth, assignee=colleague)
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        services.youth_assign(acting_user=colleague, youth=youth, assignee=None)
    rows = list(AssignmentHistory.objects.filter(youth=youth).order_by("at"))
    assert [(r.from_user, r.to_user, r.by_user) for r in rows] == [
        (coordinator, colleague, administrator),
        (colleague, None, colleague),
    ]
    events = _timeline(youth)
    assert [event.detail for event in events] == [
        f"från {colleague.display_name()} till ingen",
        f"från {coordinator.display_name()} till {colleague.display_name()}",
    ]
    assert [event.by for event in events] == [
        colleague.display_name(),
        administrator.display_name(),
    ]


def test_the_history_outlives_the_audit_retention(make_youth, coordinator, colleague, settings):
    youth = make_youth(assigned_to=coordinator)
    services.youth_assign(acting_user=coordinator, youth=youth, assignee=colleague)
    later = timezone.now() + dt.timedelta(days=settings.AUDIT_RETENTION_DAYS + 1)
    assert purge_audit_events(now=later) > 0
    assert not AuditEvent.objects.filter(action=AuditAction.YOUTH_ASSIGN).exists()
    assert len(_timeline(youth)) == 1
    assert AssignmentHistory.objects.filter(youth=youth).count() == 1


def test_the_timeline_no_longer_reads_the_audit_trail(make_youth, coordinator, colleague):
    youth = make_youth(assigned_to=colleague)
    # An audit row alone (as from before the history existed, once migrated) is not shown.
    audit_record(
        user=coordinator,
        municipality_id=youth.municipality_id,
        action=AuditAction.YOUTH_ASSIGN,
        youth_id=youth.pk,
        detail={"from_user_id": None, "to_user_id": colleague.pk},
    )
    assert _timeline(youth) == []


def test_the_youth_page_shows_from_to_and_by(client_for, make_youth, coordinator, colleague):
    youth = make_youth(assigned_to=coordinator)
    client = client_for(coordinator)
    client.post(reverse("youths:assign", args=[youth.pk]), {"assignee": colleague.pk})
    html = client.get(reverse("youths:detail", args=[youth.pk])).content.decode()
    assert f"från {coordinator.display_name()} till {colleague.display_name()}" in html
    assert f"({coordinator.display_name()})" in html


def test_the_data_migration_copies_the_audit_rows(make_youth, coordinator, colleague, rektor):
    youth = make_youth()
    gone = make_youth()
    at = dt.datetime(2025, 5, 5, 8, 0, tzinfo=dt.UTC)
    for youth_id, detail in (
        (youth.pk, {"from_user_id": None, "to_user_id": coordinator.pk}),
        (youth.pk, {"from_user_id": coordinator.pk, "to_user_id": 987654}),  # user removed
        (gone.pk, {"from_user_id": None, "to_user_id": colleague.pk}),
    ):
        event = audit_record(
            user=rektor,
            municipality_id=youth.municipality_id,
            action=AuditAction.YOUTH_ASSIGN,
            youth_id=youth_id,
            detail=detail,
        )
        AuditEvent.objects.filter(pk=event.pk).update(at=at)
    gone.delete()
    migration = importlib.import_module(
        "youths.migrations.0011_assignment_history_from_audit_trail"
    )
    migration.assignments_from_audit_trail(apps, None)
    rows = list(AssignmentHistory.objects.order_by("pk"))
    assert [(r.youth_id, r.from_user_id, r.to_user_id, r.by_user_id, r.at) for r in rows] == [
        (youth.pk, None, coordinator.pk, rektor.pk, at),
        (youth.pk, coordinator.pk, None, rektor.pk, at),
    ]
