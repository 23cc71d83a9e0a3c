"""Writes of the SCB export: build and check the file, record runs, accept, download.

`export_build` is the one pipeline (the command line and the Celery task both use it):
rows stream from the exporter, each youth's rows pass the controls, are formatted by the
layout and written to the file, and the youth's digest is kept for the next diff.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.access import Perm, has_perm, membership_in
from kaa.audit import audit_record
from kaa.models import AuditAction, CodeListVersion, Municipality
from scb_export.checks import ERROR, CheckContext, Finding, mask, run_checks
from scb_export.exporter import export_rows
from scb_export.layout import Layout, LayoutError
from scb_export.models import ExportRun
from scb_export.periods import Period, PeriodError
from scb_export.renderers import EncodingProblem, renderer_for

logger = logging.getLogger(__name__)

# A run whose worker has not reported for this long may be taken over (worker died).
STALE_AFTER = dt.timedelta(minutes=5)


class ExportError(ValueError):
    """Bad input to an export (Swedish message, safe to show)."""


@dataclass
class BuildResult:
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    block_counts: Counter = field(default_factory=Counter)
    row_count: int = 0
    youth_count: int = 0
    digests: dict[str, list[str]] = field(default_factory=dict)
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def layout_for(period: Period, name: str | None = None) -> tuple[CodeListVersion, Layout]:
    """The named layout, or the newest with a file layout valid when the period starts."""
    versions = CodeListVersion.objects.exclude(layout={})
    if name:
        version = versions.filter(name=name).first()
        if version is None:
            raise ExportError(_("Layouten %(name)s finns inte.") % {"name": name})
    else:
        version = versions.filter(valid_from__lte=period.end).order_by("-valid_from").first()
        if version is None:
            raise ExportError(_("Det finns ingen layout för perioden %(p)s.") % {"p": period})
    try:
        return version, Layout.load(version)
    except LayoutError as error:
        raise ExportError(
            _("Layouten %(name)s går inte att använda: %(error)s")
            % {"name": version.name, "error": error}
        ) from None


def parse_period(text: str, *, today: dt.date) -> Period:
    try:
        period = Period.parse(text)
    except PeriodError as error:
        raise ExportError(str(error)) from None
    if not period.has_started(today):
        raise ExportError(_("Perioden %(p)s har inte börjat än.") % {"p": period})
    return period


def export_build(
    *,
    municipality: Municipality,
    youths,
    period: Period,
    layout: Layout,
    handle=None,
    file_format: str = "csv",
    encoding: str | None = None,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Build the rows, run the controls, and write the file to `handle` if given.

    The file is written while the rows stream; the caller discards it when the result has
    errors. `youths` is the queryset the caller may read (kaa.access).
    """
    from kaa.models import Municipality as MunicipalityModel

    today = today or timezone.localdate()
    if encoding and encoding not in layout.encodings:
        raise ExportError(_("Teckenkodningen %(e)s finns inte i layouten.") % {"e": encoding})
    context = CheckContext(
        period=period,
        municipality_code=municipality.code,
        kommunkoder=frozenset(MunicipalityModel.objects.values_list("code", flat=True)),
        today=today,
    )
    renderer = None
    if handle is not None:
        document_time = dt.datetime.combine(period.end, dt.time.min)
        renderer = renderer_for(
            file_format, handle, layout, encoding=encoding, document_time=document_time
        )
    result = BuildResult()
    formatters = layout.formatters()
    fetch = attrgetter(*(name for name, _fmt in formatters))
    formats = [fmt for _name, fmt in formatters]
    if len(formatters) == 1:  # attrgetter of one name returns the value, not a tuple
        fetch = (lambda get: lambda row: (get(row),))(fetch)
    for group in export_rows(
        youths=youths,
        period=period,
        layout=layout,
        municipality_code=municipality.code,
        progress=progress,
    ):
        for finding in run_checks(context, group):
            (result.errors if finding.severity == ERROR else result.warnings).append(finding)
        lines = [[fmt(v) for fmt, v in zip(formats, fetch(row), strict=True)] for row in group.rows]
        digest = hashlib.sha256()
        for row, line in zip(group.rows, lines, strict=True):
            result.block_counts[str(row.block)] += 1
            if row.block == 3 and row.atgard_slut is not None:
                result.block_counts["4"] += 1
            digest.update("\x1f".join(line).encode() + b"\n")
        result.digests[str(group.youth_id)] = [mask(group.personnummer), digest.hexdigest()[:16]]
        result.row_count += len(lines)
        result.youth_count += 1
        if renderer is not None:
            try:
                renderer.write(lines)
            except EncodingProblem as error:
                raise ExportError(str(error)) from None
    if renderer is not None:
        renderer.close()
    return result


def _diff(previous: ExportRun | None, digests: dict) -> dict:
    if previous is None:
        return {}
    before = previous.youth_digests
    return {
        "previous": previous.pk,
        "added": sorted(int(pk) for pk in digests if pk not in before),
        "removed": sorted([int(pk), before[pk][0]] for pk in before if pk not in digests),
        "changed": sorted(
            int(pk) for pk in digests if pk in before and before[pk][1] != digests[pk][1]
        ),
    }


def current_export(municipality_id: int, period: str) -> ExportRun | None:
    """The period's export that SCB has now: the latest one made the period's export."""
    return (
        ExportRun.objects.filter(
            municipality_id=municipality_id, period=period, status=ExportRun.Status.EXPORTED
        )
        .order_by("-exported_at", "-pk")
        .first()
    )


def _require_export(user, municipality_id: int) -> None:
    if not has_perm(membership_in(user, municipality_id), Perm.EXPORT_SCB):
        raise PermissionDenied


def export_run_request(
    *,
    acting_user,
    municipality: Municipality,
    period: str,
    file_format: str,
    layout_name: str | None = None,
    encoding: str | None = None,
    today: dt.date | None = None,
) -> ExportRun:
    """Queue a check (and file) run; the Celery task builds it after the commit."""
    _require_export(acting_user, municipality.pk)
    today = today or timezone.localdate()
    the_period = parse_period(period, today=today)
    if file_format not in ExportRun.Format.values:
        raise ExportError(_("Välj format CSV eller xlsx."))
    version, layout = layout_for(the_period, layout_name)
    encoding = encoding or layout.encoding
    if encoding not in layout.encodings:
        raise ExportError(_("Teckenkodningen %(e)s finns inte i layouten.") % {"e": encoding})
    from scb_export.tasks import export_run_task

    with transaction.atomic():
        run = ExportRun.objects.create(
            municipality=municipality,
            period=str(the_period),
            layout_version=version,
            file_format=file_format,
            encoding=encoding,
            preliminary=not the_period.is_finished(today),
            created_by=acting_user,
        )
        audit_record(
            user=acting_user,
            municipality_id=municipality.pk,
            action=AuditAction.SCB_EXPORT,
            obj=run,
            detail={"change": "requested", "period": run.period, "layout": version.name},
        )
        transaction.on_commit(lambda: export_run_task.delay(run.pk))
    return run


def export_run_claim(run_id: int, *, now: dt.datetime | None = None) -> bool:
    """Take the run for this worker: queued, or running but abandoned by a dead worker."""
    now = now or timezone.now()
    from django.db.models import Q

    claimed = (
        ExportRun.objects.filter(pk=run_id)
        .filter(
            Q(status=ExportRun.Status.QUEUED)
            | Q(status=ExportRun.Status.RUNNING, updated_at__lt=now - STALE_AFTER)
        )
        .update(status=ExportRun.Status.RUNNING, updated_at=now, progress_done=0)
    )
    return claimed == 1


def export_run_execute(run_id: int, *, today: dt.date | None = None) -> ExportRun | None:
    """Build a claimed run: controls, file (when there are no errors), counts and diff."""
    from youths.models import Youth

    run = (
        ExportRun.objects.select_related("municipality", "layout_version").filter(pk=run_id).first()
    )
    if run is None or run.status != ExportRun.Status.RUNNING:
        return run
    today = today or timezone.localdate()
    period = Period.parse(run.period)
    layout = Layout.load(run.layout_version)

    def progress(done: int, total: int) -> None:
        ExportRun.objects.filter(pk=run.pk).update(
            progress_done=done, progress_total=total, updated_at=timezone.now()
        )

    # The run was requested by an administrator of the municipality; the task reads the
    # municipality's youths (what that administrator may read) without a request user.
    youths = Youth.objects.filter(municipality=run.municipality)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, run.file_name)
        try:
            with open(path, "wb") as handle:
                result = export_build(
                    municipality=run.municipality,
                    youths=youths,
                    period=period,
                    layout=layout,
                    handle=handle,
                    file_format=run.file_format,
                    encoding=run.encoding,
                    today=today,
                    progress=progress,
                )
        except ExportError as error:
            ExportRun.objects.filter(pk=run.pk).update(
                status=ExportRun.Status.FAILED, failure=str(error)[:300], finished_at=timezone.now()
            )
            return ExportRun.objects.get(pk=run.pk)
        _record(run, result, path if result.ok else None)
    logger.info(
        "scb export run %s: %s rows, %s errors, %s warnings",
        run.pk,
        result.row_count,
        len(result.errors),
        len(result.warnings),
    )
    return run


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _record(run: ExportRun, result: BuildResult, path: str | None) -> None:
    run.errors = [f.as_dict() for f in result.errors]
    run.warnings = [f.as_dict() for f in result.warnings]
    run.error_count, run.warning_count = len(run.errors), len(run.warnings)
    run.block_counts = {str(b): result.block_counts.get(str(b), 0) for b in range(1, 6)}
    run.row_count = result.row_count
    run.youth_count = result.youth_count
    run.youth_digests = result.digests
    run.diff = _diff(current_export(run.municipality_id, run.period), result.digests)
    run.finished_at = timezone.now()
    run.progress_done = run.progress_total = result.youth_count
    if path is None:
        run.status = ExportRun.Status.BLOCKED
    else:
        run.sha256 = _sha256(path)
        with open(path, "rb") as handle:
            run.file.save(run.file_name, File(handle), save=False)
        run.status = ExportRun.Status.READY
    run.save()


@transaction.atomic
def export_run_accept(*, acting_user, run: ExportRun) -> ExportRun:
    """Make a ready run the period's export, replacing the previous one."""
    run = ExportRun.objects.select_for_update().get(pk=run.pk)
    _require_export(acting_user, run.municipality_id)
    if run.status == ExportRun.Status.EXPORTED:
        return run  # a second press of the button
    if run.status != ExportRun.Status.READY:
        raise ValidationError(_("Bara en kontrollerad fil utan fel kan bli periodens export."))
    previous = current_export(run.municipality_id, run.period)
    if (previous.pk if previous else None) != run.diff.get("previous"):
        # Another export of the period was made after this check: its diff is stale.
        raise ValidationError(
            _("En annan export av perioden har gjorts sedan kontrollen. Kontrollera igen.")
        )
    run.status = ExportRun.Status.EXPORTED
    run.exported_by = acting_user
    run.exported_at = timezone.now()
    run.save(update_fields=["status", "exported_by", "exported_at"])
    audit_record(
        user=acting_user,
        municipality_id=run.municipality_id,
        action=AuditAction.SCB_EXPORT,
        obj=run,
        detail={"change": "exported", "period": run.period, "sha256": run.sha256},
    )
    return run


def export_download_record(*, acting_user, run: ExportRun) -> None:
    _require_export(acting_user, run.municipality_id)
    audit_record(
        user=acting_user,
        municipality_id=run.municipality_id,
        action=AuditAction.SCB_DOWNLOAD,
        obj=run,
        detail={"period": run.period, "sha256": run.sha256, "format": run.file_format},
    )


def export_to_file(
    *,
    municipality: Municipality,
    period: Period,
    version: CodeListVersion,
    layout: Layout,
    file_format: str,
    output: str,
    today: dt.date,
) -> tuple[BuildResult, ExportRun | None]:
    """The command line's export: build into `output` and record it as the period's export
    when there are no errors; with errors nothing is written and nothing recorded."""
    from youths.models import Youth

    youths = Youth.objects.filter(municipality=municipality)
    folder = os.path.dirname(os.path.abspath(output))
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - moved into place or removed below
        dir=folder, prefix=".scb-", suffix="." + file_format, delete=False
    )
    try:
        with handle:
            result = export_build(
                municipality=municipality,
                youths=youths,
                period=period,
                layout=layout,
                handle=handle,
                file_format=file_format,
                today=today,
            )
        if not result.ok:
            return result, None
        with transaction.atomic():
            run = ExportRun(
                municipality=municipality,
                period=str(period),
                layout_version=version,
                file_format=file_format,
                encoding=layout.encoding,
                preliminary=not period.is_finished(today),
            )
            _record(run, result, handle.name)
            run.status = ExportRun.Status.EXPORTED
            run.exported_at = timezone.now()
            run.save()
            audit_record(
                user=None,
                municipality_id=municipality.pk,
                action=AuditAction.SCB_EXPORT,
                obj=run,
                detail={"change": "exported", "period": run.period, "source": "command"},
            )
        os.replace(handle.name, output)
        return result, run
    finally:
        if os.path.exists(handle.name):
            os.unlink(handle.name)


def export_run_fail(run_id: int) -> None:
    ExportRun.objects.filter(pk=run_id, status=ExportRun.Status.RUNNING).update(
        status=ExportRun.Status.FAILED,
        failure=_("Exporten avbröts av ett tekniskt fel. Försök igen."),
        finished_at=timezone.now(),
    )
