"""Log follow-up on a built register, its xlsx report, and retention."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from kaa.logreview import month_bounds, purge_audit_events, review
from kaa.models import AuditAction, AuditEvent
from kaa.tasks import purge_old_audit_events

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def built(home, coordinator, colleague, make_youth, client_for, settings):
    settings.AUDIT_BURST_COUNT = 5
    settings.AUDIT_BURST_MINUTES = 10
    mine = [make_youth(first_name=f"M{i}", assigned_to=coordinator) for i in range(6)]
    theirs = make_youth(first_name="T", assigned_to=colleague)
    protected = make_youth(first_name="P", assigned_to=coordinator, protected_identity=True)
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        client = client_for(coordinator)
        for youth in mine:  # six pages in six minutes: a burst
            client.get(reverse("youths:detail", args=[youth.pk]))
            clock.shift(dt.timedelta(minutes=1))
        client.get(reverse("youths:detail", args=[theirs.pk]))
        client.get(reverse("youths:detail", args=[protected.pk]))
        client.logout()
        client.post(reverse("login"), {"username": "kollega", "password": "fel"})
        client.post(reverse("login"), {"username": "ingen-sadan", "password": "fel"})
    return {"theirs": theirs, "protected": protected}


def test_review_finds_each_kind(home, built):
    start, end = month_bounds("2026-11")
    result = review(municipality_id=home.pk, start=start, end=end)
    assert [(b["username"], b["count"]) for b in result.bursts] == [("samordnare", 8)]
    assert result.outside_caseload == [{"username": "samordnare", "count": 1}]
    assert result.protected_reads == [
        {"username": "samordnare", "youth_id": built["protected"].pk, "count": 1}
    ]
    assert result.failed_logins == [{"username": "kollega", "count": 1}]
    assert result.unknown_failed_logins == 1
    october = review(municipality_id=home.pk, start=dt.date(2026, 10, 1), end=dt.date(2026, 11, 1))
    assert october.bursts == [] and october.protected_reads == []


def test_page_and_xlsx_for_administrators_and_both_logged(
    client_for, administrator, coordinator, built
):
    client = client_for(administrator)
    response = client.get(reverse("log_review"), {"manad": "2026-11"})
    html = response.content.decode()
    assert response.status_code == 200 and "samordnare" in html and "kollega" in html
    response = client.get(reverse("log_review"), {"manad": "2026-11", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames[0] == "Många ungdomar på kort tid"
    rows = list(workbook["Skyddad folkbokföring"].values)
    assert rows[1] == ("samordnare", built["protected"].pk, 1)
    logged = AuditEvent.objects.filter(action=AuditAction.ACCESS_LOG_VIEW, user=administrator)
    assert sorted(logged.values_list("detail__format", flat=True)) == ["html", "xlsx"]
    assert client_for(coordinator).get(reverse("log_review")).status_code == 403


def test_bad_month_is_explained(client_for, administrator):
    response = client_for(administrator).get(
        reverse("log_review"), {"manad": "november"}, follow=True
    )
    assert "Ange månad som ÅÅÅÅ-MM." in response.content.decode()


def test_retention_removes_only_old_rows_and_is_idempotent(home, coordinator, settings):
    settings.AUDIT_RETENTION_DAYS = 730
    old = AuditEvent.objects.create(action=AuditAction.LOGIN, username="x")
    AuditEvent.objects.filter(pk=old.pk).update(at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    recent = AuditEvent.objects.create(action=AuditAction.LOGIN, username="y")
    assert purge_audit_events(now=dt.datetime(2026, 11, 22, tzinfo=dt.UTC)) == 1
    assert purge_audit_events(now=dt.datetime(2026, 11, 22, tzinfo=dt.UTC)) == 0
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert purge_old_audit_events.delay().get() == 0
