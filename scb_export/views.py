"""SCB-rapport: check the register, see the errors and the difference, export, download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaa.access import Perm, require_perm, youths_visible_to
from kaa.audit import audit_record_list
from kaa.idempotency import Done, submit_once
from scb_export import services
from scb_export.forms import ExportForm
from scb_export.models import ExportRun
from scb_export.renderers import CONTENT_TYPES

# Findings shown per kind in the page (all are kept on the run and printed by the command).
SHOWN = 300


def _membership(request):
    return require_perm(request.membership, Perm.EXPORT_SCB)


def _run(request, pk) -> ExportRun:
    membership = _membership(request)
    return get_object_or_404(
        ExportRun.objects.select_related("layout_version", "created_by", "exported_by"),
        pk=pk,
        municipality_id=membership.municipality_id,
    )


@login_required
@require_http_methods(["GET", "POST"])
def export_index(request):
    membership = _membership(request)
    today = timezone.localdate()
    form = ExportForm(request.POST or None, today=today)
    if request.method == "POST":

        def perform(data) -> Done:
            try:
                run = services.export_run_request(
                    acting_user=request.user,
                    municipality=membership.municipality,
                    period=data["period"],
                    file_format=data["file_format"],
                    layout_name=data["layout"],
                    encoding=data["encoding"] if data["file_format"] == "csv" else None,
                    today=today,
                )
            except services.ExportError as error:
                raise ValidationError(str(error)) from None
            return Done(reverse("scb_export:run", args=[run.pk]), "", run)

        done = submit_once(request, form, perform)
        if done is not None:
            return done
    runs = (
        ExportRun.objects.filter(municipality_id=membership.municipality_id)
        .select_related("layout_version", "created_by", "exported_by")
        .defer("errors", "warnings", "youth_digests")
        .order_by("-created_at", "-pk")[:50]
    )
    return render(request, "scb_export/index.html", {"form": form, "runs": runs})


@login_required
def run_detail(request, pk):
    run = _run(request, pk)
    errors, warnings = run.errors[:SHOWN], run.warnings[:SHOWN]
    diff = run.diff or {}
    shown_ids = {f["youth_id"] for f in errors + warnings}
    shown_ids |= set(diff.get("added", [])[:SHOWN]) | set(diff.get("changed", [])[:SHOWN])
    youths = {
        y.pk: y
        for y in youths_visible_to(request.user, municipality=run.municipality_id)
        .filter(pk__in=shown_ids)
        .only("pk", "first_name", "last_name", "personnummer")
    }
    if youths:
        # A list that shows youths is a read of each (kaa.audit).
        audit_record_list(
            user=request.user,
            municipality_id=run.municipality_id,
            youth_ids=sorted(youths),
            context="scb_export",
        )
    context = {
        "run": run,
        "errors": [dict(f, youth=youths.get(f["youth_id"])) for f in errors],
        "warnings": [dict(f, youth=youths.get(f["youth_id"])) for f in warnings],
        "more_errors": max(0, len(run.errors) - SHOWN),
        "more_warnings": max(0, len(run.warnings) - SHOWN),
        "diff": diff,
        "added": [youths.get(pk) for pk in diff.get("added", [])[:SHOWN]],
        "changed": [youths.get(pk) for pk in diff.get("changed", [])[:SHOWN]],
        "removed": diff.get("removed", [])[:SHOWN],
        "previous": ExportRun.objects.filter(pk=diff.get("previous")).first()
        if diff.get("previous")
        else None,
        "current": services.current_export(run.municipality_id, run.period),
        "blocks": [(str(b), run.block_counts.get(str(b), 0)) for b in range(1, 6)],
    }
    return render(request, "scb_export/run.html", context)


@login_required
@require_POST
def run_accept(request, pk):
    run = _run(request, pk)
    try:
        services.export_run_accept(acting_user=request.user, run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Filen är nu periodens export och kan laddas ned."))
    return redirect("scb_export:run", pk=run.pk)


@login_required
def run_download(request, pk):
    run = _run(request, pk)
    if run.status != ExportRun.Status.EXPORTED or not run.file:
        raise Http404
    services.export_download_record(acting_user=request.user, run=run)
    return FileResponse(
        run.file.open("rb"),
        as_attachment=True,
        filename=run.file_name,
        content_type=CONTENT_TYPES[run.file_format],
    )
