"""\"Att göra\" as a work queue: one query per section, in SQL, from dates.

Each section is a QuerySet of the caseload's youths that need that kind of attention on a
day, annotated with `due` (when it became due; the queue is sorted most overdue first)
and `shown` (the date the page shows, whose meaning the section names). A section's count
is one aggregate over that QuerySet and a page is a LIMIT of it, so the cost of the page
does not grow with the number of youths listed, and the audit trail records only the
youths shown. The rules run on dates every time, over the dates each youth's casework
summary holds (youths/summary.py, a cache the services keep in step and a nightly job
rebuilds): each section is a few column predicates on one partial index of that table.

The rules (per municipality numbers in FollowUpRules):
- follow_up: the latest contact set a next follow-up that has come, or else an åtgärd's
  follow-up date has come with no contact since.
- unreached: in the group and not reached since the enrolment began; due N days after the
  last attempt, or at once when nobody has tried.
- declined: in the group, latest answer to an offer was "Tackade nej" (nothing accepted
  since); due every M days after the answer or the latest contact.
- verify: an open "att utreda", with the notices behind it.
- absence: a frånvaro notice from a school received in the last N days (absence_days) and
  no contact logged since it was received (preventive follow-up; no enrolment changes).
- turns_20: in the group and the 20th birthday within the reminder window.
- after_exit: when the municipality follows up after exit, youths who left for one of the
  followed-up reasons within the window and were not contacted since, or are due again.
- occupation_unknown: an åtgärd that the 20th-birthday job ended with sysselsättning
  "Okänd", for the coordinator to complete.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Least, Rank
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from actions.models import FollowUpRules
from kaa.access import youths_visible_to
from youths.imports.models import SchoolEvent, SchoolNotice
from youths.models import CaseSummary, Verification
from youths.rules import add_days

SECTIONS = {
    "follow_up": _("Uppföljningar som ska göras"),
    "unreached": _("Inte nådda på länge"),
    "declined": _("Tackade nej: månatlig uppföljning"),
    "verify": _("Att utreda"),
    "absence": _("Frånvaroanmälningar"),
    "turns_20": _("Fyller 20 år snart: avslutsbrev och överlämning"),
    "after_exit": _("Uppföljning efter att ha lämnat målgruppen"),
    "occupation_unknown": _("Avslutade åtgärder med okänd sysselsättning: komplettera"),
}
# What the date column means in each section.
DATE_MEANING = {
    "follow_up": _("Försenad sedan"),
    "unreached": _("Senaste kontaktförsök"),
    "declined": _("Tackade nej"),
    "verify": _("Utreds sedan"),
    "absence": _("Anmäld frånvaro"),
    "turns_20": _("Fyller 20"),
    "after_exit": _("Lämnade målgruppen"),
    "occupation_unknown": _("Åtgärden avslutades"),
}
SCOPES = ("mine", "all", "none")


@dataclass
class TodoItem:
    youth: object
    due: dt.date
    reason: str
    shown: dt.date | None = None
    today: dt.date = dt.date.min
    # The school notices behind the item (verify: the open verification's; absence: the
    # frånvaro notices not yet answered by a contact), set for a page's rows only.
    notices: list = field(default_factory=list)
    url: str = ""  # the youth page

    @property
    def overdue(self) -> bool:
        return self.reason != "turns_20" and self.due < self.today

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due).days if self.overdue else 0

    @property
    def days_label(self) -> str:
        """The "Försenad" (or "Kvar" until the 20th birthday) column's words."""
        if self.reason == "turns_20":
            days = max(0, (self.youth.turns_20_on - self.today).days)
        elif self.overdue:
            days = self.days_overdue
        else:
            return gettext("i dag")
        return ngettext("%(days)s dag", "%(days)s dagar", days) % {"days": days}


def _plus(expression, days: int):
    """`expression` + `days` in SQL, held within year 9999 as rules.add_days does."""
    return Least(
        ExpressionWrapper(F(expression) + dt.timedelta(days=days), output_field=DateField()),
        Value(dt.date.max),
        output_field=DateField(),
    )


class _PkAmong(Func):
    """`pk = ANY(ARRAY(subquery))` on PostgreSQL: the subquery's ids found first, then
    read one by one through the primary key.

    As `pk IN (subquery)` PostgreSQL guessed a third of a section's due rows for a
    page's ten ids and hash-joined them with every youth of the municipality (50 000
    rows read for 10). Other databases (SQLite in development) get the plain IN."""

    output_field = BooleanField()

    def __init__(self, ids):
        super().__init__(F("pk"), ids)

    def _parts(self, compiler):
        pk, ids = (compiler.compile(e) for e in self.get_source_expressions())
        return pk[0], ids[0], (*pk[1], *ids[1])

    def as_sql(self, compiler, connection, **extra):
        pk, ids, params = self._parts(compiler)
        return f"{pk} IN {ids}", params

    def as_postgresql(self, compiler, connection, **extra):
        pk, ids, params = self._parts(compiler)
        return f"{pk} = ANY(ARRAY{ids})", params


def _scoped(*, user, municipality_id: int, scope: str):
    queryset = youths_visible_to(user, municipality=municipality_id)
    if scope == "mine":
        queryset = queryset.filter(assigned_to=user)
    elif scope == "none":
        queryset = queryset.filter(assigned_to__isnull=True)
    return queryset


class _Columns:
    """Lookups on the casework summary's columns, from the youth ("case_summary__") or
    from the summary itself (""), so a rule is written once for both."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def q(self, **lookups) -> Q:
        return Q(**{f"{self.prefix}{name}": value for name, value in lookups.items()})

    def f(self, name: str) -> F:
        return F(f"{self.prefix}{name}")


def _in_group(c: _Columns, on: dt.date) -> Q:
    """In the target group on `on` (rules.enrolment_for), read from the latest enrolment,
    which covers every day from its start on (youths/summary.py)."""
    return (
        c.q(enrolled_since__lte=on)
        & (c.q(enrolled_until__isnull=True) | c.q(enrolled_until__gt=on))
        & c.q(turns_20_on__gt=on)
    )


def section_q(key: str, *, on: dt.date, rules: FollowUpRules, prefix: str = "case_summary__"):
    """Who is in section `key` on `on`: plain predicates on the dates of the casework
    summary (youths/summary.py), decided on the day."""
    c = _Columns(prefix)
    if key == "follow_up":
        # The latest contact's next follow-up has come, or an åtgärd's follow-up date has
        # come with no contact since (`follow_up_from` is the earlier of the two).
        return c.q(follow_up_from__lte=on)
    if key == "unreached":
        # Not reached since the enrolment began and no attempt in the last N days.
        recent = on - dt.timedelta(days=rules.unreached_days - 1)
        return (
            c.q(unreached_since__lte=on)
            & _in_group(c, on)
            & (c.q(last_try_on__isnull=True) | c.q(last_try_on__lt=recent))
        )
    if key == "declined":
        # The latest answer stands as "nej": due every M days after the answer or the
        # latest contact, whichever is later (`declined_from`).
        limit = on - dt.timedelta(days=rules.declined_interval_days)
        return c.q(declined_from__lte=limit) & _in_group(c, on)
    if key == "verify":
        return c.q(verification_opened_on__isnull=False)
    if key == "absence":
        # Received within the last N days (today included): one received longer ago is
        # history on the youth page, not work. A contact logged on or after that day
        # clears the date (youths/summary.py).
        return c.q(absence_noticed_on__gt=on - dt.timedelta(days=rules.absence_days))
    if key == "turns_20":
        window = on + dt.timedelta(days=rules.before_20_days)
        return c.q(turns_20_on__lte=window) & _in_group(c, on)
    if key == "occupation_unknown":
        # Åtgärder the nightly 20th-birthday job ended with sysselsättning "Okänd".
        return c.q(occupation_unknown_on__isnull=False)
    if key == "after_exit":
        if not rules.follow_up_after_exit:
            return c.q(pk__in=[])
        from actions.services import EXIT_KEYS_FOLLOWED_UP

        first_exit = on - dt.timedelta(days=rules.after_exit_days)
        return c.q(
            last_exit_on__gte=first_exit,
            last_exit_on__lte=on,
            last_exit_key__in=EXIT_KEYS_FOLLOWED_UP,
            # No open enrolment: the latest one has ended.
            enrolled_until__isnull=False,
        ) & (
            c.q(last_contact_on__isnull=True)
            | c.q(last_contact_on__lt=c.f("last_exit_on"))
            | c.q(last_contact_on__lte=on - dt.timedelta(days=rules.unreached_days))
        )
    raise ValueError(key)


def _due(key: str, *, on: dt.date, rules: FollowUpRules, prefix: str = "case_summary__") -> dict:
    """The `due` and `shown` annotations of a section's youths."""
    c = _Columns(prefix)
    if key == "follow_up":
        due = Case(
            When(c.q(next_follow_up__lte=on), then=c.f("next_follow_up")),
            default=c.f("action_follow_up_pending"),
            output_field=DateField(),
        )
        return {"due": due, "shown": due}
    if key == "unreached":
        return {
            "due": Case(
                When(c.q(last_try_on__isnull=True), then=c.f("unreached_since")),
                default=_plus(f"{prefix}last_try_on", rules.unreached_days),
                output_field=DateField(),
            ),
            "shown": c.f("last_try_on"),
        }
    if key == "declined":
        return {
            "due": _plus(f"{prefix}declined_from", rules.declined_interval_days),
            "shown": c.f("declined_on"),
        }
    if key == "verify":
        due = {"due": c.f("verification_opened_on"), "shown": c.f("verification_opened_on")}
        if prefix:
            due["verification_note"] = _verification_note()
        return due
    if key == "absence":
        return {"due": c.f("absence_noticed_on"), "shown": c.f("absence_noticed_on")}
    if key == "turns_20":
        return {"due": c.f("turns_20_on"), "shown": c.f("turns_20_on")}
    if key == "occupation_unknown":
        return {"due": c.f("occupation_unknown_on"), "shown": c.f("occupation_unknown_on")}
    if key == "after_exit":
        return {
            "due": Coalesce(c.f("last_contact_on"), c.f("last_exit_on")),
            "shown": c.f("last_exit_on"),
            "last_exit": c.f("last_exit_on"),
        }
    raise ValueError(key)


def _verification_note():
    """The note of the youth's open "att utreda" (the notice or list behind it), to show
    with it; annotated on a page's youths only."""
    open_now = Verification.objects.filter(youth=OuterRef("pk"), resolved_on__isnull=True)
    return Subquery(open_now.values("note")[:1])


def _due_until(rows, position: int):
    """The summary `rows` (annotated with `due`) due on or before the due day of the row
    at `position` in due order: a page's rows and the ties on its last day. The day is a
    scalar subquery of the same statement, which PostgreSQL runs once; no such row means
    the section ends on this page, and every row is kept."""
    days = rows.order_by("due").values("due")
    last = Subquery(days[position : position + 1], output_field=DateField())
    return rows.filter(due__lte=Coalesce(last, Value(dt.date.max)))


def section_queryset(key: str, *, base, on: dt.date, rules: FollowUpRules):
    """The youths of `base` in section `key` on `on`, annotated with `due` and `shown`."""
    return base.filter(section_q(key, on=on, rules=rules)).annotate(**_due(key, on=on, rules=rules))


def _detail_paths():
    """The youth page's path for an id: reversed once per page (Queue), not once per
    row (the rows of a landing page made reverse() a sixth of its rendering)."""
    marker = str(2**31 - 1)
    path = reverse("youths:detail", args=[marker])
    return lambda pk: path.replace(marker, str(pk))


def _item(key, youth, due, shown, last_exit, *, on, rules, detail_path) -> TodoItem:
    if key == "after_exit":
        # Shown due: the exit day, or N days after the latest contact, at most today.
        due = max(last_exit, min(add_days(due, rules.unreached_days), on))
    if isinstance(due, dt.datetime):
        due = due.date()
    return TodoItem(
        youth=youth, due=due, reason=key, shown=shown, today=on, url=detail_path(youth.pk)
    )


def _items(
    key: str, youths, *, on: dt.date, rules: FollowUpRules, detail_path=None
) -> list[TodoItem]:
    detail_path = detail_path or _detail_paths()
    return [
        _item(
            key,
            youth,
            youth.due,
            youth.shown,
            getattr(youth, "last_exit", None),
            on=on,
            rules=rules,
            detail_path=detail_path,
        )
        for youth in youths
    ]


def _with_notices(key: str, items: list[TodoItem]) -> list[TodoItem]:
    """Set the school notices behind each item of a verify or absence page (one query)."""
    if key not in ("verify", "absence") or not items:
        return items
    notices = SchoolNotice.objects.filter(youth_id__in=[item.youth.pk for item in items])
    if key == "verify":
        notices = notices.filter(verification__resolved_on__isnull=True)
    else:
        notices = notices.filter(
            event=SchoolEvent.ABSENCE, received_on__gte=min(item.due for item in items)
        )
    by_youth: dict[int, list] = {}
    for notice in notices.select_related("school").order_by("-event_date", "-pk"):
        by_youth.setdefault(notice.youth_id, []).append(notice)
    for item in items:
        item.notices = [
            n
            for n in by_youth.get(item.youth.pk, [])
            # absence: the notices received on the day the item counts from.
            if key == "verify" or n.received_on >= item.due
        ]
    return items


class Queue:
    """Att göra for one user, scope and day: counts and pages of each section."""

    def __init__(self, *, user, municipality_id: int, on: dt.date, scope: str = "mine"):
        self.on = on
        self.scope = scope
        self.municipality_id = municipality_id
        self.rules = FollowUpRules.for_municipality(municipality_id)
        self._detail_path = None  # the youth page's path for an id, made once
        self.youths = _scoped(user=user, municipality_id=municipality_id, scope=scope)
        # The summary's own copy of the municipality lets a section be read from one of
        # its partial indexes, whatever the size of the municipality.
        self.base = self.youths.filter(case_summary__municipality_id=municipality_id)
        self._sections: dict = {}  # each section's summary rows, built once per page

    def queryset(self, key: str):
        return section_queryset(key, base=self.base, on=self.on, rules=self.rules)

    def keys(self) -> list[str]:
        return [k for k in SECTIONS if k != "after_exit" or self.rules.follow_up_after_exit]

    def _rows(self):
        """The summary rows of the scope's youths. For the whole municipality the user
        may see (youths_visible_to grants a municipality or nothing) the rows are read
        without the youths' table; a caseload is the youths' ids, from an index."""
        rows = CaseSummary.objects.filter(municipality_id=self.municipality_id)
        if self.youths.query.is_empty():
            return rows.none()
        if self.scope != "all":
            rows = rows.filter(youth__in=self.youths.values("pk"))
        return rows

    def _summaries(self, key: str):
        """The section's summary rows, annotated with `due` (built once: a page uses them
        for its count and its rows)."""
        if key not in self._sections:
            self._sections[key] = (
                self._rows()
                .filter(section_q(key, on=self.on, rules=self.rules, prefix=""))
                .annotate(**_due(key, on=self.on, rules=self.rules, prefix=""))
            )
        return self._sections[key]

    def counts(self) -> dict[str, int]:
        """Every section's count. A coordinator's own caseload (a few hundred youths)
        is one aggregate over its youths' summary rows, found by primary key; the
        municipality and the youths without a coordinator (thousands) are one count per
        section on that section's partial index, where one aggregate would scan the
        whole summary table."""
        keys = self.keys()
        if self.scope == "mine":
            return self.base.aggregate(
                **{
                    key: Count("pk", filter=section_q(key, on=self.on, rules=self.rules))
                    for key in keys
                }
            )
        if self.youths.query.is_empty():
            return dict.fromkeys(keys, 0)
        # One statement of one count per section, each on its own partial index.
        parts, params = [], []
        for key in keys:
            sql, section_params = (
                self._summaries(key).order_by().values("pk").query.sql_with_params()
            )
            # The ORM's own SQL of the section, with its parameters kept apart.
            parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS section_rows)")  # noqa: S608
            params.extend(section_params)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(parts)}", params)
            return dict(zip(keys, cursor.fetchone(), strict=True))

    def count(self, key: str) -> int:
        return self._summaries(key).count()

    def page(self, key: str, *, offset: int = 0, limit: int | None = None) -> list[TodoItem]:
        queryset = self.queryset(key)
        if limit is not None and self.scope != "mine":
            # Thousands of youths can be due: the page's range of due days is found on
            # the summary rows alone (already limited to the scope), and only the
            # youths due within it are read, by primary key, and sorted by name (the
            # order is due day, then name). A coordinator's own caseload is small
            # enough to sort at once.
            rows = self._summaries(key)
            rows = _due_until(rows, offset + limit - 1)
            if offset:
                days = self._summaries(key).order_by("due").values_list("due", flat=True)
                first = days[offset : offset + 1].first()
                if first is None:
                    return []
                offset -= rows.filter(due__lt=first).count()
                rows = rows.filter(due__gte=first)
            queryset = section_queryset(
                key,
                # Through the scope's base, whose summary join carries the
                # municipality: without it PostgreSQL sorted every due row of the
                # installation (half a second at 500 000 youths).
                base=self.base.filter(_PkAmong(rows.values("youth_id"))),
                on=self.on,
                rules=self.rules,
            )
        order = ("due", "last_name", "first_name", "pk")
        if limit is not None and self.scope == "mine":
            # A caseload can be a thousand youths: the page's ids are picked in a
            # subquery that reads only the index youth_caseload and the section's
            # summary index, and only the page's youths are read whole.
            page = queryset.order_by(*order).values("pk")[offset : offset + limit]
            queryset = section_queryset(
                key, base=self.base.filter(pk__in=page), on=self.on, rules=self.rules
            )
            offset = 0
        queryset = queryset.select_related("assigned_to").order_by(*order)
        if limit is not None:
            queryset = queryset[offset : offset + limit]
        if self._detail_path is None:
            self._detail_path = _detail_paths()
        items = _items(key, queryset, on=self.on, rules=self.rules, detail_path=self._detail_path)
        return _with_notices(key, items)

    def overview(self, keys, *, limit: int) -> dict[str, list[TodoItem]]:
        """The first `limit` rows of each section in `keys`, as `page(key, limit=limit)`
        gives them, in two statements for all sections: their ids, due and shown days in
        one, their youths in the other.

        Each section's rows are read from its partial index up to the page's last due
        day (as in `page`), the sections are put together with UNION ALL and each is
        ranked by due day and name. One statement instead of one per section: building
        and compiling the section querysets twice (for the youths, with the summary
        joined again) cost more than running them."""
        keys = list(keys)
        if not keys or self.youths.query.is_empty():
            return {key: [] for key in keys}
        # A municipality's sections are read from their partial indexes up to the
        # page's last due day, found first (as in `page`). In a scope of part of the
        # municipality (a caseload, the youths without a coordinator) each such read
        # joins the scope's youths again, and ranking the section's rows by due day in
        # one pass costs less: a row ranks within `limit` exactly when it is due on or
        # before the page's last due day (ties share a rank).
        by_rank = self.scope != "all"
        members = []
        for number, key in enumerate(keys):
            rows = self._summaries(key)
            if by_rank:
                rank = Window(Rank(), order_by=F("due").asc())
            else:
                rows = _due_until(rows, limit - 1)
                rank = Value(1, output_field=IntegerField())
            members.append(
                rows.annotate(
                    t_youth=F("youth_id"),
                    t_section=Value(number, output_field=IntegerField()),
                    t_due=F("due"),
                    t_shown=F("shown"),
                    t_last_exit=F("last_exit") if key == "after_exit" else Value(None, DateField()),
                    t_due_rank=rank,
                )
                .order_by()
                .values_list(
                    "t_youth", "t_section", "t_due", "t_shown", "t_last_exit", "t_due_rank"
                )
            )
        union = members[0].union(*members[1:], all=True) if len(members) > 1 else members[0]
        union_sql, union_params = union.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t_youth, t_section, t_due, t_shown, t_last_exit FROM ({union_sql}) "  # noqa: S608
                f"AS due_rows WHERE t_due_rank <= %s",
                [*union_params, limit],
            )
            candidates = cursor.fetchall()
        # The candidates' youths, through the access helper's QuerySet, in the order of
        # their names as the database sorts them (its collation, as `page` sorts): each
        # section is then sorted by due day and that order, and cut at `limit` (ties on
        # the last due day brought more). Sorting here rather than in SQL lets the
        # youths be read by primary key: joined in SQL to the scope's youths PostgreSQL
        # hashed every youth of the municipality, or walked a caseload's index per row.
        youths = (
            self.youths.filter(pk__in={row[0] for row in candidates})
            .select_related("assigned_to")
            .order_by("last_name", "first_name", "pk")
        )
        if "verify" in keys:
            youths = youths.annotate(verification_note=_verification_note())
        by_pk = {youth.pk: (position, youth) for position, youth in enumerate(youths)}
        found: dict[int, list] = {number: [] for number in range(len(keys))}
        for youth_id, number, due, shown, last_exit in candidates:
            if youth_id in by_pk:
                position, youth = by_pk[youth_id]
                found[number].append((_day(due), position, youth, _day(shown), _day(last_exit)))
        if self._detail_path is None:
            self._detail_path = _detail_paths()
        sections = {}
        for number, rows in found.items():
            key = keys[number]
            items = [
                # A youth in several sections is one object with an item in each.
                _item(
                    key,
                    youth,
                    due,
                    shown,
                    last_exit,
                    on=self.on,
                    rules=self.rules,
                    detail_path=self._detail_path,
                )
                for due, _position, youth, shown, last_exit in sorted(rows)[:limit]
            ]
            sections[key] = _with_notices(key, items)
        return sections


def _day(value):
    """A date read by a plain cursor: SQLite (the development database) gives text."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def todo_for(
    *, user, municipality_id: int, on: dt.date, scope: str = "mine"
) -> dict[str, list[TodoItem]]:
    """Every section in full, most overdue first (the digest and the tests use it)."""
    queue = Queue(user=user, municipality_id=municipality_id, on=on, scope=scope)
    return {key: queue.page(key) for key in SECTIONS}
