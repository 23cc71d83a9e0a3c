"""What applying a batch will do, against the register as it is now.

A few set queries per chunk of personnummer, never one per row. Applying (apply.py)
decides again in SQL inside its transactions, so the preview is a forecast and the
result page shows what was actually done.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection

from youths.imports.models import ImportKind, ImportRow, MoveIn, SchoolEvent, SchoolNotice
from youths.models import Enrolment, Youth

Action = ImportRow.Action
UPDATABLE = (
    "first_name",
    "last_name",
    "street_address",
    "postal_code",
    "postal_town",
    "phone",
    "email",
)
CHUNK = 5000


def plan(rows, *, kind: str, municipality_id: int, today: dt.date) -> None:
    """Set `action` (create/update/unchanged) and `to_verify` on the rows in the group."""
    active = [r for r in rows if r.action in (Action.CREATE, Action.UPDATE, Action.UNCHANGED)]
    for start in range(0, len(active), CHUNK):
        _plan_chunk(
            active[start : start + CHUNK], kind=kind, municipality_id=municipality_id, today=today
        )
    for row in rows:
        if row.action not in (Action.CREATE, Action.UPDATE, Action.UNCHANGED):
            row.data["to_verify"] = False


def _plan_chunk(rows, *, kind, municipality_id, today) -> None:
    digits = [r.data["personnummer"] for r in rows]
    youths = _youths(municipality_id, digits)
    ids = [y["pk"] for y in youths.values()]
    in_group = set(
        Enrolment.objects.covering(today)
        .filter(youth_id__in=ids)
        .values_list("youth_id", flat=True)
    )
    open_enrolment = set(
        Enrolment.objects.open().filter(youth_id__in=ids).values_list("youth_id", flat=True)
    )
    if kind == ImportKind.INFLYTTADE:
        move_ins = defaultdict(set)
        for youth_id, day in MoveIn.objects.filter(youth_id__in=ids).values_list(
            "youth_id", "moved_in_on"
        ):
            move_ins[youth_id].add(day)
    else:
        notices = set(
            SchoolNotice.objects.filter(youth_id__in=ids).values_list(
                "youth_id", "school__code", "event", "event_date"
            )
        )
    for row in rows:
        data = row.data
        youth = youths.get(data["personnummer"])
        if youth is None:
            row.action = Action.CREATE
            new_event = True
            youth_id = None
        else:
            youth_id = youth["pk"]
            if kind == ImportKind.INFLYTTADE:
                known = move_ins.get(youth_id, set())
                new_event = data["event_date"] not in known
                newer = not known or data["event_date"] > max(known)
                changed = newer and any(data[f] and data[f] != youth[f] for f in UPDATABLE)
                row.action = Action.UPDATE if changed else Action.UNCHANGED
            else:
                new_event = (
                    youth_id,
                    data["school_code"],
                    data["event"],
                    data["event_date"],
                ) not in notices
                row.action = Action.UPDATE if new_event else Action.UNCHANGED
        data["to_verify"] = new_event and _verifies(
            kind, data, in_group=youth_id in in_group, open_enrolment=youth_id in open_enrolment
        )


def _youths(municipality_id: int, digits: list[str]) -> dict[str, dict]:
    """{personnummer: {pk, personnummer, *UPDATABLE}} of the register's youths with these
    numbers. On PostgreSQL the numbers go as one array: `__in` compiles a parameter per
    number, which cost as much as the rest of the plan."""
    if connection.vendor != "postgresql":
        youths = Youth.objects.filter(municipality_id=municipality_id, personnummer__in=digits)
        return {y["personnummer"]: y for y in youths.values("pk", "personnummer", *UPDATABLE)}
    names = ("pk", "personnummer", *UPDATABLE)
    selected = ", ".join(connection.ops.quote_name(name) for name in ("id", *names[1:]))
    table = Youth._meta.db_table  # names go into the text, values are parameters
    sql = f"SELECT {selected} FROM {table} WHERE municipality_id = %s AND personnummer = ANY(%s::text[])"  # noqa: S608
    # Valid numbers are digits only: sent as one array literal, which PostgreSQL reads
    # several times faster than the ARRAY[...] of quoted strings psycopg2 makes of a list.
    array = "{" + ",".join(digits) + "}"
    if not array[1:-1].replace(",", "").isdigit():
        array = digits  # anything else than digits is quoted one by one
    with connection.cursor() as cursor:
        cursor.execute(sql, [municipality_id, array])
        return {values[1]: dict(zip(names, values, strict=True)) for values in cursor}


def _verifies(kind: str, data: dict, *, in_group: bool, open_enrolment: bool) -> bool:
    if kind == ImportKind.INFLYTTADE:
        return not in_group
    event = data["event"]
    if event in (SchoolEvent.DROPOUT, SchoolEvent.LEFT):
        return not in_group
    if event == SchoolEvent.STARTED:
        return open_enrolment
    return False
