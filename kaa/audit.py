"""Writing the audit trail. Callers run inside the transaction of the change they record."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

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
    youth_ids = list(youth_ids)
    if not youth_ids:
        return 0
    if connection.vendor == "postgresql":
        # One row per id from the array, without a model instance per row: every list
        # page writes these, and building them cost more than the statement.
        table = connection.ops.quote_name(AuditEvent._meta.db_table)  # values: parameters
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (at, user_id, username, municipality_id, youth_id, "  # noqa: S608
                f"action, object_type, object_id, detail) SELECT %s, %s, %s, %s, youth_id, %s, "
                f"'', NULL, CAST(%s AS jsonb) FROM UNNEST(CAST(%s AS bigint[])) AS youth_id",
                [
                    timezone.now(),
                    getattr(user, "pk", None),
                    _username(user),
                    municipality_id,
                    AuditAction.YOUTH_LIST,
                    json.dumps({"list": context}),
                    youth_ids,
                ],
            )
        return len(youth_ids)
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
