"""Importera listor: upload, preview, mapping, confirm, progress, result. Administrators only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaa.access import Perm, require_perm
from kaa.audit import audit_record_list
from kaa.forms_util import apply_validation_error
from youths.imports import report, services
from youths.imports.forms import MappingForm, UploadForm
from youths.imports.models import ImportBatch, ImportKind, ImportRow

Status = ImportBatch.Status
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN = 200  # rows of each list on the preview page; the xlsx report has every error
RUNNING = (Status.UPLOADED, Status.PARSING, Status.QUEUED, Status.APPLYING)


def _municipality_id(request):
    return request.membership.municipality_id if request.membership else None


def _batch(request, pk) -> ImportBatch:
    """A batch of the user's municipality (404 otherwise), then the role (403)."""
    batch = get_object_or_404(
        ImportBatch.objects.defer("content"), pk=pk, municipality_id=_municipality_id(request)
    )
    require_perm(request.membership, Perm.IMPORT_LISTS)
    return batch


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    membership = require_perm(request.membership, Perm.IMPORT_LISTS)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            with transaction.atomic():
                batch, new = services.import_batch_upload(
                    acting_user=request.user,
                    municipality=membership.municipality,
                    kind=form.cleaned_data["kind"],
                    file_name=upload_file.name,
                    content=upload_file.read(),
                )
                if batch.status == Status.UPLOADED:
                    from youths.imports.tasks import preview_batch

                    batch_id = batch.pk
                    transaction.on_commit(lambda: preview_batch.delay(batch_id))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            if not new:
                messages.info(
                    request,
                    _("Filen har laddats upp tidigare. Förhandsgranskningen visar vad den gör nu."),
                )
            return redirect("imports:detail", pk=batch.pk)
    batches = ImportBatch.objects.filter(municipality_id=membership.municipality_id).defer(
        "content"
    )[:20]
    return render(
        request,
        "imports/upload.html",
        {"form": form, "batches": batches, "kinds": ImportKind.choices},
    )


def _error_rows(batch: ImportBatch) -> list[dict]:
    index = {header: i for i, header in enumerate(batch.headers)}
    out = []
    rows = ImportRow.objects.filter(batch=batch, action=ImportRow.Action.ERROR).order_by("number")
    for row in rows.only("number", "values", "errors")[:SHOWN]:
        for error in row.errors:
            i = index.get(error["column"])
            value = row.values[i] if i is not None and i < len(row.values) else ""
            out.append({"row": row.number, "value": value, **error})
    return out


@login_required
def batch_detail(request, pk):
    batch = _batch(request, pk)
    counts = batch.applied_counts if batch.status == Status.APPLIED else batch.preview_counts
    context = {"batch": batch, "counts": counts, "running": batch.status in RUNNING}
    if batch.status == Status.NEEDS_MAPPING:
        context["mapping_form"] = MappingForm(batch=batch)
    if batch.status in (Status.PREVIEW, Status.APPLIED):
        rows = ImportRow.objects.filter(batch=batch).order_by("number")
        context["errors"] = _error_rows(batch)
        context["error_rows"] = counts.get("error_rows", 0)
        context["to_verify"] = rows.filter(to_verify=True).only(
            "number",
            "personnummer",
            "first_name",
            "last_name",
            "verify_reason",
            "action",
            "youth_id",
        )[:SHOWN]
        context["skipped"] = rows.filter(
            action__in=[ImportRow.Action.SKIP_YOUNG, ImportRow.Action.SKIP_OLD]
        ).only("number", "personnummer", "action")[:SHOWN]
        # Youths of the register shown in the lists are audited like any list of youths.
        shown = {r.youth_id for r in context["to_verify"] if r.youth_id}
        if shown:
            audit_record_list(
                user=request.user,
                municipality_id=batch.municipality_id,
                youth_ids=sorted(shown),
                context="import_batch",
            )
    response = render(request, "imports/batch.html", context)
    if context["running"]:
        # The page reloads itself while a worker reads or applies the list (no script:
        # the Refresh header works under the strict CSP and without JavaScript).
        response["Refresh"] = "2"
    return response


@login_required
@require_POST
def batch_mapping(request, pk):
    batch = _batch(request, pk)
    form = MappingForm(request.POST, batch=batch)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.import_batch_set_mapping(
                    acting_user=request.user, batch=batch, mapping=form.cleaned_data
                )
                from youths.imports.tasks import preview_batch

                transaction.on_commit(lambda: preview_batch.delay(batch.pk))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("imports:detail", pk=batch.pk)
    messages.error(request, _("Välj en kolumn för varje uppgift som saknas."))
    return redirect("imports:detail", pk=batch.pk)


@login_required
@require_POST
def batch_confirm(request, pk):
    batch = _batch(request, pk)
    batch = services.import_batch_confirm(acting_user=request.user, batch=batch)
    if batch.status not in (Status.QUEUED, Status.APPLYING, Status.APPLIED):
        messages.error(request, _("Listan kan inte läggas in i sitt nuvarande läge."))
    return redirect("imports:detail", pk=batch.pk)


@login_required
def error_report(request, pk):
    batch = _batch(request, pk)
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="felrapport-{batch.pk}.xlsx"'
    report.error_report(batch, response)
    return response


@login_required
def template_download(request, kind):
    require_perm(request.membership, Perm.IMPORT_LISTS)
    if kind not in ImportKind.values:
        raise Http404
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mall-{kind}.xlsx"'
    report.template(kind, response)
    return response
