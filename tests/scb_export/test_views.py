"""SCB-rapport in the browser's HTTP: personas, the check → export → download flow, diff."""

import datetime as dt

import pytest
from django.urls import reverse

from kaa.models import AuditAction, AuditEvent, Membership, Role
from scb_export.models import ExportRun
from tests.conftest import make_user
from tests.scb_export.conftest import contact, enrol, youth

INDEX = reverse("scb_export:index")


_capture = {}


@pytest.fixture(autouse=True)
def _run_tasks_on_commit(django_capture_on_commit_callbacks):
    # The test's transaction never commits: run the enqueued task as the commit would.
    _capture["fixture"] = django_capture_on_commit_callbacks


def post_check(client, period="2026H1", fmt="csv"):
    with _capture["fixture"](execute=True):
        return client.post(
            INDEX,
            {"period": period, "file_format": fmt, "encoding": "utf-8", "layout": "kaa-scb-2018"},
        )


@pytest.mark.parametrize("persona", ["coordinator", "rektor"])
def test_only_administrators(request, client_for, persona, register, fixed_today):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(INDEX).status_code == 403
    assert post_check(client).status_code == 403
    assert not ExportRun.objects.exists()


def test_outsiders_get_404_for_another_municipalitys_run(
    client_for, administrator, other_municipality, register, fixed_today
):
    post_check(client_for(administrator))
    run = ExportRun.objects.get()
    stranger = make_user("admin2", other_municipality, Role.ADMINISTRATOR)
    client = client_for(stranger)
    for name in ("scb_export:run", "scb_export:download"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
    assert client.post(reverse("scb_export:accept", args=[run.pk])).status_code == 404


def test_check_export_download_and_audit(client_for, administrator, register, fixed_today):
    client = client_for(administrator)
    response = post_check(client)
    run = ExportRun.objects.get()
    assert response.url == reverse("scb_export:run", args=[run.pk])
    run.refresh_from_db()
    assert run.status == ExportRun.Status.READY
    assert run.created_by == administrator
    page = client.get(response.url).content.decode()
    assert "Inga fel." in page
    assert "Ingen tidigare export av perioden." in page
    assert "Skapa fil" in page
    # Not downloadable before it is made the period's export.
    assert client.get(reverse("scb_export:download", args=[run.pk])).status_code == 404
    client.post(reverse("scb_export:accept", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ExportRun.Status.EXPORTED and run.exported_by == administrator
    download = client.get(reverse("scb_export:download", args=[run.pk]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body.startswith(b"Kommun;Personnummer;")
    assert 'filename="kaa-1880-2026H1.csv"' in download["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action=AuditAction.SCB_DOWNLOAD, object_id=run.pk, user=administrator
    ).exists()
    detail = AuditEvent.objects.get(action=AuditAction.SCB_DOWNLOAD).detail
    assert detail["sha256"] == run.sha256


def test_errors_are_listed_with_name_and_link_and_block_the_file(
    client_for, administrator, home, fixed_today
):
    y = youth(home, dt.date(2008, 2, 2), 501, first_name="Fel", last_name="Felsson")
    enrol(y, dt.date(2026, 1, 5))
    contact(y, dt.date(2026, 2, 2))  # reached without sysselsättning
    client = client_for(administrator)
    response = post_check(client)
    run = ExportRun.objects.get()
    assert run.status == ExportRun.Status.BLOCKED
    assert not run.file and run.sha256 == ""
    page = client.get(response.url).content.decode()
    assert "Fel Felsson" in page
    assert reverse("youths:detail", args=[y.pk]) in page
    assert "Kontakten 2026-02-02 saknar ungdomens sysselsättning." in page
    assert "Skapa fil" not in page
    assert client.post(reverse("scb_export:accept", args=[run.pk])).status_code == 302
    run.refresh_from_db()
    assert run.status == ExportRun.Status.BLOCKED
    # The page that lists youths is a read of each (one audit row per youth).
    assert AuditEvent.objects.filter(
        action=AuditAction.YOUTH_LIST, youth_id=y.pk, detail__list="scb_export"
    ).exists()


def test_diff_against_the_previous_export_before_replacing(
    client_for, administrator, home, register, fixed_today
):
    client = client_for(administrator)
    post_check(client)
    first = ExportRun.objects.get()
    client.post(reverse("scb_export:accept", args=[first.pk]))
    newcomer = youth(home, dt.date(2008, 6, 6), 502, first_name="Ny", last_name="Nilsson")
    enrol(newcomer, dt.date(2026, 3, 1))
    contact(register["a"], dt.date(2026, 4, 4), "praktik")
    register["b"].enrolments.all().delete()
    response = post_check(client)
    second = ExportRun.objects.exclude(pk=first.pk).get()
    assert second.diff["previous"] == first.pk
    assert second.diff["added"] == [newcomer.pk]
    assert second.diff["changed"] == [register["a"].pk]
    assert second.diff["removed"] == [[register["b"].pk, "20060101-XXXX"]]
    page = client.get(response.url).content.decode()
    assert "1 tillkomna, 1 borttagna och 1 ändrade ungdomar." in page
    assert "Ny Nilsson" in page and "20060101-XXXX" in page
    assert "Ersätt och skapa fil" in page
    client.post(reverse("scb_export:accept", args=[second.pk]))
    second.refresh_from_db()
    assert second.status == ExportRun.Status.EXPORTED
    # The earlier export stays listed.
    index = client.get(INDEX).content.decode()
    assert index.count("2026H1") >= 2 and first.sha256[:16] in index


def test_stale_check_cannot_replace_a_newer_export(
    client_for, administrator, register, fixed_today
):
    client = client_for(administrator)
    post_check(client)
    post_check(client)
    older, newer = ExportRun.objects.order_by("pk")
    client.post(reverse("scb_export:accept", args=[newer.pk]))
    response = client.post(reverse("scb_export:accept", args=[older.pk]), follow=True)
    assert "Kontrollera igen" in response.content.decode()
    older.refresh_from_db()
    assert older.status == ExportRun.Status.READY


def test_unfinished_period_is_marked_preliminary(client_for, administrator, register, fixed_today):
    client = client_for(administrator)
    response = post_check(client, period="2026H2", fmt="xlsx")
    run = ExportRun.objects.get()
    assert run.preliminary is True
    assert "Preliminär fil." in client.get(response.url).content.decode()
    client.post(reverse("scb_export:accept", args=[run.pk]))
    download = client.get(reverse("scb_export:download", args=[run.pk]))
    assert 'filename="preliminar-kaa-1880-2026H2.xlsx"' in download["Content-Disposition"]


def test_bad_period_is_refused_in_the_page(client_for, administrator, fixed_today):
    response = post_check(client_for(administrator), period="2031H1")
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not ExportRun.objects.exists()


def test_index_lists_runs_with_a_fixed_number_of_queries(
    client_for, administrator, register, fixed_today, django_assert_max_num_queries
):
    client = client_for(administrator)
    for _ in range(3):
        post_check(client)
    with django_assert_max_num_queries(12):
        response = client.get(INDEX)
    assert response.content.decode().count("Klar att godkänna") == 3


def test_nav_link_for_administrators_only(client_for, administrator, coordinator, fixed_today):
    assert "SCB-rapport" in client_for(administrator).get(reverse("youths:list")).content.decode()
    Membership.objects.filter(user=administrator).delete()
    assert "SCB-rapport" not in client_for(coordinator).get(reverse("youths:list")).content.decode()
