"""Importera listor pages: personas, upload → preview → confirm → result, mapping, reports."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import valid_personnummer
from tests.youths.imports.conftest import INFLYTTADE, INFLYTTADE_HEADER, csv_bytes, inflyttad
from youths.imports.models import ImportBatch
from youths.models import Youth

UPLOAD = reverse("imports:upload")


def _post_file(client, content, name="lista.csv", kind="inflyttade", capture=None):
    upload = SimpleUploadedFile(name, content)
    if capture is None:
        return client.post(UPLOAD, {"kind": kind, "file": upload})
    with capture(execute=True):
        return client.post(UPLOAD, {"kind": kind, "file": upload})


@pytest.mark.parametrize("persona", ["coordinator", "rektor"])
def test_only_administrators_see_the_page(db, client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(UPLOAD).status_code == 403
    assert client.get(reverse("imports:template", args=["inflyttade"])).status_code == 403


def test_outsider_gets_404_for_a_batch(
    db, client_for, administrator, outsider, django_capture_on_commit_callbacks
):
    client = client_for(administrator)
    response = _post_file(
        client, INFLYTTADE.read_bytes(), "a.xlsx", capture=django_capture_on_commit_callbacks
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    client.force_login(outsider)
    for name in ("imports:detail", "imports:errors"):
        assert client.get(reverse(name, args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 404


def test_upload_preview_confirm_result(
    db, client_for, administrator, home, django_capture_on_commit_callbacks, sample_day
):
    client = client_for(administrator)
    assert "Importera listor" in client.get(reverse("youths:list")).content.decode()
    good = valid_personnummer(dt.date(2008, 3, 3))
    rows = [INFLYTTADE_HEADER, inflyttad(good), inflyttad("20080101-1234", first="Fel")]
    response = _post_file(client, csv_bytes(rows), capture=django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("imports:detail", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-count="created">1<' in page
    assert 'data-count="errors">1<' in page
    assert "Personnumrets kontrollsiffra stämmer inte." in page
    assert "20080101-1234" in page  # the original value beside the message
    assert not Youth.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "applied"
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "Resultat" in page and 'data-count="created">1<' in page
    assert Youth.objects.get().personnummer == good

    report = client.get(reverse("imports:errors", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(report.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Rad" and rows[1][0] == 3
    assert "kontrollsiffra" in rows[1][-1]


def test_upload_refuses_bad_file_in_the_page(
    db, client_for, administrator, django_capture_on_commit_callbacks
):
    client = client_for(administrator)
    response = _post_file(
        client, b"%PDF\x00\x00", "a.pdf", capture=django_capture_on_commit_callbacks
    )
    batch = ImportBatch.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert batch.status == "unreadable"
    assert "Filen måste vara en Excel-fil (xlsx) eller en csv-fil." in page


def test_mapping_step_when_a_column_is_missing(
    db, client_for, administrator, django_capture_on_commit_callbacks, sample_day
):
    client = client_for(administrator)
    header = [
        "Personnummer",
        "Förnamn",
        "Släkt",
        "Utdelningsadress",
        "Postnummer",
        "Postort",
        "Inflyttningsdatum",
        "Inflyttad från",
    ]
    rows = [header, inflyttad(valid_personnummer(dt.date(2008, 3, 3)))]
    response = _post_file(client, csv_bytes(rows), capture=django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    assert batch.status == "mapping"
    page = client.get(response["Location"]).content.decode()
    assert "Välj kolumner" in page and "Efternamn" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:mapping", args=[batch.pk]), {"last_name": "2"})
    batch.refresh_from_db()
    assert batch.status == "preview"
    assert batch.preview_counts["created"] == 1


def test_templates_download(db, client_for, administrator):
    client = client_for(administrator)
    response = client.get(reverse("imports:template", args=["skolhandelser"]))
    header = next(load_workbook(io.BytesIO(response.content)).active.values)
    assert header[0] == "Personnummer" and "Händelse" in header
    assert client.get(reverse("imports:template", args=["annat"])).status_code == 404


def test_running_batch_page_refreshes_itself(db, client_for, administrator, home):
    batch = ImportBatch.objects.create(
        municipality=home,
        kind="inflyttade",
        file_name="a.csv",
        content=b"x",
        size=1,
        sha256="0" * 64,
        status="applying",
        rows_total=10,
        rows_done=4,
    )
    response = client_for(administrator).get(reverse("imports:detail", args=[batch.pk]))
    assert response["Refresh"] == "2"
    assert 'value="4"' in response.content.decode()


def test_notice_on_youth_page_timeline_and_att_gora(
    db, client_for, administrator, coordinator, home, django_capture_on_commit_callbacks, sample_day
):
    from tests.youths.imports.conftest import SCHOOL_HEADER, notice

    pnr = valid_personnummer(dt.date(2008, 3, 3))
    client = client_for(administrator)
    _post_file(
        client,
        csv_bytes([SCHOOL_HEADER, notice(pnr, event="avbrott", program="IMA")]),
        kind="skolhandelser",
        capture=django_capture_on_commit_callbacks,
    )
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[batch.pk]))
    youth = Youth.objects.get()
    page = client.get(reverse("youths:detail", args=[youth.pk])).content.decode()
    assert "Skolhändelse: Avbrott" in page
    assert "Avbrott 2026-11-02: Lekebergsskolan, IMA" in page  # attached to "att utreda"
    assert reverse("imports:detail", args=[batch.pk]) in page  # the list, for administrators
    assert "?orsak=introduktionsprogram" in page  # the suggested orsak, one click

    client.force_login(coordinator)
    page = client.get(reverse("youths:detail", args=[youth.pk])).content.decode()
    assert "Skolhändelse: Avbrott" in page
    assert reverse("imports:detail", args=[batch.pk]) not in page
    todo = client.get(reverse("actions:todo") + "?vy=all").content.decode()
    assert "Avbrott från Lekebergsskolan" in todo
    form = client.get(
        reverse("youths:enrolment_create", args=[youth.pk]) + "?orsak=introduktionsprogram"
    ).content.decode()
    assert "selected" in form.split("Avbrott från eller avslutat introduktionsprogram")[0][-200:]
