"""Import services: upload, preview (read, validate, plan) and apply a list.

The Celery tasks and the `import_list` command call these same functions. One
permission check per batch; rows are written in bulk; applying is idempotent per
(batch, row number).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import itertools
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.access import Perm, has_perm, membership_in
from kaa.audit import audit_record
from kaa.models import AuditAction, Municipality
from youths.imports import apply as applying
from youths.imports import columns, plan, reader, rowstore, validate
from youths.imports.models import ImportBatch, ImportKind, ImportRow

logger = logging.getLogger(__name__)
Status = ImportBatch.Status
Action = ImportRow.Action
IN_GROUP = (Action.CREATE, Action.UPDATE, Action.UNCHANGED)
# Rows validated, planned and written together while previewing.
PREVIEW_CHUNK = 5000


def require_import(user, municipality_id: int) -> None:
    """Only administrators import lists. `None` is the command line, run by an operator."""
    if user is not None and not has_perm(membership_in(user, municipality_id), Perm.IMPORT_LISTS):
        raise PermissionDenied


def _set_status(batch: ImportBatch, status: str, **fields) -> None:
    fields.update(status=status, status_changed_at=timezone.now())
    ImportBatch.objects.filter(pk=batch.pk).update(**fields)
    for name, value in fields.items():
        setattr(batch, name, value)


def import_batch_upload(
    *, acting_user, municipality: Municipality, kind: str, file_name: str, content: bytes
) -> tuple[ImportBatch, bool]:
    """Store the upload. Returns (batch, new). The same file again (same SHA-256 for the
    municipality and kind) is the same batch: it is previewed again, never doubled."""
    require_import(acting_user, municipality.pk)
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Välj vilken sorts lista det är.")})
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("Filen är för stor (högst %(mb)s MB).")
                % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            }
        )
    if not content:
        raise ValidationError({"file": _("Filen är tom.")})
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        existing = (
            ImportBatch.objects.select_for_update()
            .filter(municipality=municipality, kind=kind, sha256=digest)
            .first()
        )
        if existing is not None:
            if existing.status in (Status.QUEUED, Status.APPLYING):
                return existing, False
            ImportBatch.objects.filter(pk=existing.pk).update(
                upload_count=existing.upload_count + 1, uploaded_by=acting_user
            )
            _set_status(existing, Status.UPLOADED, failure="", attempts=0)
            batch, new = existing, False
        else:
            try:
                with transaction.atomic():
                    batch = ImportBatch.objects.create(
                        municipality=municipality,
                        kind=kind,
                        file_name=file_name[:255],
                        content=content,
                        size=len(content),
                        sha256=digest,
                        uploaded_by=acting_user,
                        status_changed_at=timezone.now(),
                    )
            except IntegrityError:  # the same file uploaded twice at once
                batch = ImportBatch.objects.get(municipality=municipality, kind=kind, sha256=digest)
                return batch, False
            new = True
        audit_record(
            user=acting_user,
            municipality_id=municipality.pk,
            action=AuditAction.CASEWORK,
            obj=batch,
            detail={"import": "upload", "kind": kind, "batch": batch.pk},
        )
    logger.info(
        "import batch %s uploaded kind=%s size=%s new=%s", batch.pk, kind, len(content), new
    )
    return batch, new


def import_batch_preview(*, batch_id: int, today: dt.date | None = None) -> ImportBatch:
    """Read, validate and plan every row; store rows and counts. Raises
    reader.UnreadableFile (the batch is marked unreadable) when the file cannot be read."""
    today = today or timezone.localdate()
    claimed = ImportBatch.objects.filter(
        pk=batch_id, status__in=[Status.UPLOADED, Status.PARSING, Status.NEEDS_MAPPING]
    ).update(
        status=Status.PARSING, parse_started_at=timezone.now(), status_changed_at=timezone.now()
    )
    batch = ImportBatch.objects.select_related("municipality").get(pk=batch_id)
    if not claimed:
        return batch  # already previewed, queued or applied: nothing to do twice
    try:
        rows = reader.iter_rows(bytes(batch.content), file_name=batch.file_name, kind=batch.kind)
    except reader.UnreadableFile as error:
        _set_status(batch, Status.UNREADABLE, failure=str(error)[:500])
        raise
    head = list(itertools.islice(rows, columns.SCAN))
    header_index, found = columns.find_header(batch.kind, head)
    if header_index < 0:
        message = _("Hittar ingen rubrikrad med kolumnerna för listan (till exempel Personnummer).")
        _set_status(batch, Status.UNREADABLE, failure=message)
        raise reader.UnreadableFile(message)
    headers = [validate.cell_text(c) for c in head[header_index]]
    mapping = {**found, **{k: v for k, v in (batch.mapping or {}).items() if v is not None}}
    missing = columns.missing_required(batch.kind, mapping)
    if missing:
        _set_status(
            batch,
            Status.NEEDS_MAPPING,
            header_row=header_index + 1,
            headers=headers,
            mapping=mapping,
            missing=missing,
        )
        return batch
    parsed = validate.iter_validate(
        itertools.chain(head, rows),
        kind=batch.kind,
        header_index=header_index,
        mapping=mapping,
        today=today,
        municipality=batch.municipality,
        headers=headers,
    )
    try:
        with transaction.atomic():
            # Two deliveries of the same preview at once write the rows one after the other.
            ImportBatch.objects.select_for_update().filter(pk=batch.pk).values_list(
                "pk", flat=True
            ).get()
            counts = _store_preview(batch, parsed, today=today)
            _set_status(
                batch,
                Status.PREVIEW,
                header_row=header_index + 1,
                headers=headers,
                mapping=mapping,
                missing=[],
                preview_counts=counts,
                rows_total=counts["rows"],
                rows_done=0,
                as_of=today,
                failure="",
            )
    except _NoRows:
        message = _("Filen innehåller bara en rubrikrad och inga rader med uppgifter.")
        _set_status(batch, Status.UNREADABLE, failure=message)
        raise reader.UnreadableFile(message) from None
    except reader.UnreadableFile as error:  # a row that failed while it was read
        _set_status(batch, Status.UNREADABLE, failure=str(error)[:500])
        raise
    logger.info("import batch %s previewed rows=%s", batch.pk, counts["rows"])
    return batch


class _NoRows(Exception):
    """Only a header: raised inside the transaction so that nothing is kept."""


def _store_preview(batch: ImportBatch, parsed, *, today: dt.date) -> dict:
    """Plan and store the parsed rows chunk by chunk, so that only a chunk of rows is
    held in memory at a time; each row is written once, with its plan. Returns counts."""
    replan = ImportRow.objects.filter(batch_id=batch.pk, applied_at__isnull=False).exists()
    if replan:
        rowstore.reset_applied(batch.pk)
    else:
        rowstore.delete_rows(batch.pk)
    by_action = {action: 0 for action in Action.values}
    total = error_rows = to_verify = 0
    # A chunk is written while the next is validated (see RowWriter).
    with _without_cycle_collection(), rowstore.RowWriter(batch.pk) as writer:
        while chunk := list(itertools.islice(parsed, PREVIEW_CHUNK)):
            writer.wait()  # the plan's queries go over the writer's connection
            plan.plan(chunk, kind=batch.kind, municipality_id=batch.municipality_id, today=today)
            for row in chunk:
                by_action[row.action] += 1
                error_rows += bool(row.errors)
                to_verify += bool(row.data.get("to_verify"))
            total += len(chunk)
            if replan:
                rowstore.update_plan(batch.pk, chunk)
            else:
                writer.write(chunk)
    if not total:
        raise _NoRows
    if not replan:
        rowstore.analyze()
    return _counts(total, by_action, error_rows, to_verify)


@contextlib.contextmanager
def _without_cycle_collection():
    """Python's cycle collector paused while the rows are validated and written. Each
    chunk's rows live long enough to reach the oldest generation, so the collector
    walked every object of the process about once a chunk to find no cycles: the rows
    hold none and their reference counts free them. Left as it was found, also when an
    error ends the preview."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _counts(rows: int, by_action: dict, error_rows: int, to_verify: int) -> dict:
    return {
        "rows": rows,
        "error_rows": error_rows,
        "created": by_action.get(Action.CREATE, 0),
        "updated": by_action.get(Action.UPDATE, 0),
        "unchanged": by_action.get(Action.UNCHANGED, 0),
        "to_verify": to_verify,
        "skipped": {
            "under_skolplikt": by_action.get(Action.SKIP_YOUNG, 0),
            "age_20_or_over": by_action.get(Action.SKIP_OLD, 0),
        },
    }


def import_batch_set_mapping(
    *, acting_user, batch: ImportBatch, mapping: dict[str, int]
) -> ImportBatch:
    """The mapping step: the administrator names the file's column for a missing field."""
    require_import(acting_user, batch.municipality_id)
    if batch.status != Status.NEEDS_MAPPING:
        raise ValidationError(_("Listan behöver ingen kolumnmatchning."))
    width = len(batch.headers)
    clean = {}
    for field, index in mapping.items():
        if index is None or not 0 <= int(index) < width:
            raise ValidationError({field: _("Välj en kolumn i filen.")})
        clean[field] = int(index)
    merged = {**batch.mapping, **clean}
    missing = columns.missing_required(batch.kind, merged)
    if missing:
        raise ValidationError(_("Välj en kolumn för varje uppgift som saknas."))
    _set_status(batch, Status.NEEDS_MAPPING, mapping=merged, missing=[])
    return batch


def import_batch_confirm(*, acting_user, batch: ImportBatch) -> ImportBatch:
    """Queue the apply. The one permission check of the batch is here and at apply."""
    require_import(acting_user, batch.municipality_id)
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=Status.PREVIEW).update(
            status=Status.QUEUED,
            status_changed_at=timezone.now(),
            apply_requested_at=timezone.now(),
            applied_by=acting_user,
            attempts=0,
        )
        batch.refresh_from_db()
        if claimed:
            from youths.imports.tasks import apply_batch

            batch_id = batch.pk
            transaction.on_commit(lambda: apply_batch.delay(batch_id))
    return batch


def import_batch_apply(
    *, batch_id: int, acting_user=None, today: dt.date | None = None
) -> ImportBatch:
    """Apply every row not yet applied, chunk by chunk. Safe to run again at any time,
    also after a worker died in the middle: applied chunks are never applied twice."""
    today = today or timezone.localdate()
    claimed = ImportBatch.objects.filter(
        pk=batch_id, status__in=[Status.PREVIEW, Status.QUEUED, Status.APPLYING]
    ).update(
        status=Status.APPLYING, apply_started_at=timezone.now(), status_changed_at=timezone.now()
    )
    batch = ImportBatch.objects.select_related("municipality", "applied_by").get(pk=batch_id)
    if not claimed:
        return batch
    user = acting_user if acting_user is not None else batch.applied_by
    require_import(user, batch.municipality_id)
    with applying.exclusive(batch):
        # Another delivery of the task may have applied the batch while this one waited.
        if not ImportBatch.objects.filter(pk=batch.pk, status=Status.APPLYING).exists():
            batch.refresh_from_db()
            return batch
        applying.apply_rows(batch, user=user, today=today)
        counts = applied_counts(batch)
        with transaction.atomic():
            _set_status(
                batch, Status.APPLIED, applied_at=timezone.now(), applied_counts=counts, failure=""
            )
            audit_record(
                user=user,
                municipality_id=batch.municipality_id,
                action=AuditAction.CASEWORK,
                obj=batch,
                detail={"import": "applied", "kind": batch.kind, "batch": batch.pk},
            )
    logger.info("import batch %s applied", batch.pk)
    return batch


def applied_counts(batch: ImportBatch) -> dict:
    rows = ImportRow.objects.filter(batch_id=batch.pk)
    totals = rows.aggregate(
        rows=Count("pk"),
        error_rows=Count("pk", filter=Q(action=Action.ERROR)),
        created=Count("pk", filter=Q(result="created")),
        updated=Count("pk", filter=Q(result="updated")),
        unchanged=Count("pk", filter=Q(result="unchanged")),
        to_verify=Count("pk", filter=Q(action__in=IN_GROUP, to_verify=True)),
        under=Count("pk", filter=Q(action=Action.SKIP_YOUNG)),
        old=Count("pk", filter=Q(action=Action.SKIP_OLD)),
    )
    return {
        "rows": totals["rows"],
        "error_rows": totals["error_rows"],
        "created": totals["created"],
        "updated": totals["updated"],
        "unchanged": totals["unchanged"],
        "to_verify": totals["to_verify"],
        "skipped": {"under_skolplikt": totals["under"], "age_20_or_over": totals["old"]},
    }


def import_batch_fail(*, batch_id: int, reason: str) -> None:
    ImportBatch.objects.filter(pk=batch_id).exclude(status=Status.APPLIED).update(
        status=Status.FAILED, failure=reason[:500], status_changed_at=timezone.now()
    )
    logger.warning("import batch %s failed: %s", batch_id, reason[:200])


def error_list(batch: ImportBatch) -> list[dict]:
    """[{row, column, message}] in row order, for the command and the pages."""
    out = []
    for number, errors in (
        ImportRow.objects.filter(batch_id=batch.pk, action=Action.ERROR)
        .order_by("number")
        .values_list("number", "errors")
    ):
        for error in errors:
            out.append({"row": number, "column": error["column"], "message": error["message"]})
    return out
