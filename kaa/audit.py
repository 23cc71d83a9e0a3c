"""Writing the audit trail. Callers run inside the transaction of the change they record."""

from __future__ import annotations

from collections.abc import Iterable

from kaa.models import AuditAction, AuditEvent


def _username(user) -> str:
    return getattr(user, "username", "") if user is not None else "system"


def _without_nul(value):
    """PostgreSQL cannot store a NUL character in text or jsonb: a detail that carries one
    (from request data) would turn the audited action into a 500."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(item) for item in value]
    return value


def audit_record(
    *,
    user,
    municipality_id: int | None,
    action: AuditAction | str,
    youth_id: int | None = None,
    obj=None,
    detail: dict | None = None,
    username: str | None = None,
) -> AuditEvent:
    """Record one event. `detail` must hold field names and codes, never names or
    personnummer: the trail is read by administrators in other contexts."""
    return AuditEvent.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=_without_nul(username if username is not None else _username(user))[:150],
        municipality_id=municipality_id,
        youth_id=youth_id,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        detail=_without_nul(detail or {}),
    )


def audit_record_list(*, user, municipality_id: int, youth_ids: Iterable[int], context: str) -> int:
    """Record that a list showed these youths (one row per youth, one query)."""
    rows = [
        AuditEvent(
            user=user,
            username=_username(user),
            municipality_id=municipality_id,
            youth_id=youth_id,
            action=AuditAction.YOUTH_LIST,
            detail={"list": context},
        )
        for youth_id in youth_ids
    ]
    AuditEvent.objects.bulk_create(rows)
    return len(rows)
