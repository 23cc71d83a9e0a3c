"""\"Att göra\" as a work queue: one query per section, in SQL, from dates.

Each section is a QuerySet of the caseload's youths that need that kind of attention on a
day, annotated with `due` (when it became due; the queue is sorted most overdue first)
and `shown` (the date the page shows, whose meaning the section names). A section's count
is one aggregate over that QuerySet and a page is a LIMIT of it, so the cost of the page
does not grow with the number of youths listed, and the audit trail records only the
youths shown. Nothing is stored: the rules run on dates every time.

The rules (per municipality numbers in FollowUpRules):
- follow_up: the latest contact set a next follow-up that has come, or else an åtgärd's
  follow-up date has come with no contact since.
- unreached: in the group and not reached since the enrolment began; due N days after the
  last attempt, or at once when nobody has tried.
- declined: in the group, latest answer to an offer was "Tackade nej" (nothing accepted
  since); due every M days after the answer or the latest contact.
- verify: an open "att utreda".
- turns_20: in the group and the 20th birthday within the reminder window.
- after_exit: when the municipality follows up after exit, youths who left for one of the
  followed-up reasons within the window and were not contacted since, or are due again.
- occupation_unknown: an åtgärd that the 20th-birthday job ended with sysselsättning
  "Okänd", for the coordinator to complete.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models import Action, FollowUpRules
from kaa.access import youths_visible_to
from youths.models import Contact, Enrolment, Verification
from youths.rules import add_days

SECTIONS = {
    "follow_up": _("Uppföljningar som ska göras"),
    "unreached": _("Inte nådda på länge"),
    "declined": _("Tackade nej: månatlig uppföljning"),
    "verify": _("Att utreda"),
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

    @property
    def overdue(self) -> bool:
        return self.reason != "turns_20" and self.due < self.today

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due).days if self.overdue else 0


class LocalMidnight(Func):
    """The first moment of a date in the current time zone, as a timestamp.

    Comparing `Contact.at >= LocalMidnight(date)` keeps the (youth, at) index usable,
    where truncating every contact's `at` to a date would not. SQLite keeps naive UTC
    text, so there the day starts at UTC midnight (the demo database only).
    """

    output_field = DateTimeField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"datetime({sql})", params

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        zone = timezone.get_current_timezone_name()
        return f"(({sql})::timestamp AT TIME ZONE %s)", [*params, zone]


def _any_of(rows) -> Q:
    """`rows` (correlated to the youth) is not empty, as a scalar subquery with LIMIT 1.

    Written as EXISTS, PostgreSQL turns the test into a hash (anti-)join over every
    contact of the installation (a million rows at 500 000 youths) instead of one index
    probe per youth of the municipality; a LIMIT 1 scalar subquery stays a probe.
    """
    return Q(IsNull(Subquery(rows.order_by().values("pk")[:1]), False))


def _none_of(rows) -> Q:
    return Q(IsNull(Subquery(rows.order_by().values("pk")[:1]), True))


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _plus(expression, days: int):
    """`expression` + `days` in SQL, held within year 9999 as rules.add_days does."""
    return Least(
        ExpressionWrapper(F(expression) + dt.timedelta(days=days), output_field=DateField()),
        Value(dt.date.max),
        output_field=DateField(),
    )


def _contact_days():
    return Contact.objects.annotate(day=TruncDate("at"))


def _base(*, user, municipality_id: int, scope: str):
    queryset = youths_visible_to(user, municipality=municipality_id)
    if scope == "mine":
        queryset = queryset.filter(assigned_to=user)
    elif scope == "none":
        queryset = queryset.filter(assigned_to__isnull=True)
    return queryset


def _in_group(queryset, on: dt.date):
    """In the target group on `on` (rules.enrolment_for), annotated with the start of
    the enrolment that covers the day (`since`)."""
    covering = Enrolment.objects.period_covering(on).filter(youth=OuterRef("pk"))
    return (
        queryset.filter(turns_20_on__gt=on)
        .annotate(since=Subquery(covering.order_by("-start_date").values("start_date")[:1]))
        .filter(since__isnull=False)
    )


def section_queryset(key: str, *, base, on: dt.date, rules: FollowUpRules):
    """The youths of `base` in section `key` on `on`, annotated with `due` and `shown`."""
    if key == "follow_up":
        latest = Contact.objects.filter(youth=OuterRef("pk")).order_by("-at", "-pk")
        queryset = (
            base.filter(
                _any_of(Contact.objects.filter(youth=OuterRef("pk"), next_follow_up__lte=on))
                | _any_of(Action.objects.filter(youth=OuterRef("pk"), follow_up_on__lte=on))
            )
            .annotate(
                next_follow_up=Subquery(latest.values("next_follow_up")[:1]),
                action_follow_up=Subquery(
                    Action.objects.filter(youth=OuterRef("pk"), follow_up_on__lte=on)
                    .order_by("follow_up_on")
                    .values("follow_up_on")[:1]
                ),
            )
            .filter(
                Q(next_follow_up__lte=on)
                | Q(action_follow_up__isnull=False)
                & ~Exists(
                    Contact.objects.filter(
                        youth=OuterRef("pk"), at__gte=LocalMidnight(OuterRef("action_follow_up"))
                    )
                )
            )
            .annotate(
                due=Case(
                    When(next_follow_up__lte=on, then=F("next_follow_up")),
                    default=F("action_follow_up"),
                    output_field=DateField(),
                )
            )
        )
        return queryset.annotate(shown=F("due"))
    if key == "unreached":
        since = Contact.objects.filter(
            youth=OuterRef("pk"), at__gte=LocalMidnight(OuterRef("since"))
        )
        # Not reached since the enrolment began and no attempt in the last N days: one
        # NOT EXISTS per youth.
        recent = _midnight(on - dt.timedelta(days=rules.unreached_days - 1))
        queryset = _in_group(base, on).filter(
            _none_of(since.filter(Q(reached=True) | Q(at__gte=recent)))
        )
        return queryset.annotate(
            last_try=Subquery(
                since.annotate(day=TruncDate("at")).order_by("-at", "-pk").values("day")[:1]
            )
        ).annotate(
            due=Case(
                When(last_try__isnull=True, then=F("since")),
                default=_plus("last_try", rules.unreached_days),
                output_field=DateField(),
            ),
            shown=F("last_try"),
        )
    if key == "declined":
        answers = Action.objects.filter(youth=OuterRef("pk")).order_by("-responded_on", "-pk")
        queryset = (
            _in_group(base, on)
            .filter(
                pk__in=Action.objects.filter(response=Action.Response.DECLINED).values("youth_id")
            )
            .annotate(
                declined_on=Subquery(
                    answers.filter(response=Action.Response.DECLINED).values("responded_on")[:1]
                ),
                accepted_on=Subquery(
                    answers.filter(response=Action.Response.ACCEPTED).values("responded_on")[:1]
                ),
                last_day=Subquery(
                    _contact_days()
                    .filter(youth=OuterRef("pk"))
                    .order_by("-at", "-pk")
                    .values("day")[:1]
                ),
            )
            .filter(
                Q(declined_on__isnull=False),
                Q(accepted_on__isnull=True) | Q(accepted_on__lt=F("declined_on")),
            )
            .annotate(base_day=Greatest("declined_on", Coalesce("last_day", "declined_on")))
        )
        limit = on - dt.timedelta(days=rules.declined_interval_days)
        return queryset.filter(base_day__lte=limit).annotate(
            due=_plus("base_day", rules.declined_interval_days), shown=F("declined_on")
        )
    if key == "verify":
        open_since = Verification.objects.filter(youth=OuterRef("pk"), resolved_on__isnull=True)
        return (
            base.filter(
                pk__in=Verification.objects.filter(resolved_on__isnull=True).values("youth_id")
            )
            .annotate(
                due=Subquery(open_since.values("opened_on")[:1]),
                # The notice or list behind "att utreda", shown with it.
                verification_note=Subquery(open_since.values("note")[:1]),
            )
            .annotate(shown=F("due"))
        )
    if key == "turns_20":
        window = on + dt.timedelta(days=rules.before_20_days)
        return _in_group(base.filter(turns_20_on__lte=window), on).annotate(
            due=F("turns_20_on"), shown=F("turns_20_on")
        )
    if key == "occupation_unknown":
        # Åtgärder the nightly 20th-birthday job ended with sysselsättning "Okänd".
        unknown = Action.objects.filter(
            youth=OuterRef("pk"), end_date__isnull=False, occupation_after__key="okand"
        )
        return (
            base.filter(_any_of(unknown))
            .annotate(due=Subquery(unknown.order_by("end_date").values("end_date")[:1]))
            .annotate(shown=F("due"))
        )
    if key == "after_exit":
        if not rules.follow_up_after_exit:
            return base.none().annotate(due=F("turns_20_on"), shown=F("turns_20_on"))
        from actions.services import EXIT_KEYS_FOLLOWED_UP

        first_exit = on - dt.timedelta(days=rules.after_exit_days)
        ended = Enrolment.objects.filter(youth=OuterRef("pk"), end_date__isnull=False).order_by(
            "-end_date"
        )
        queryset = (
            base.filter(
                pk__in=Enrolment.objects.filter(
                    end_date__gte=first_exit,
                    end_date__lte=on,
                    exit_reason__key__in=EXIT_KEYS_FOLLOWED_UP,
                ).values("youth_id")
            )
            .filter(~Exists(Enrolment.objects.open().filter(youth=OuterRef("pk"))))
            .annotate(
                last_exit=Subquery(ended.values("end_date")[:1]),
                last_exit_key=Subquery(ended.values("exit_reason__key")[:1]),
                last_day=Subquery(
                    _contact_days()
                    .filter(youth=OuterRef("pk"))
                    .order_by("-at", "-pk")
                    .values("day")[:1]
                ),
            )
            .filter(
                last_exit__gte=first_exit,
                last_exit__lte=on,
                last_exit_key__in=EXIT_KEYS_FOLLOWED_UP,
            )
            .filter(
                Q(last_day__isnull=True)
                | Q(last_day__lt=F("last_exit"))
                | Q(last_day__lte=on - dt.timedelta(days=rules.unreached_days))
            )
        )
        return queryset.annotate(due=Coalesce("last_day", "last_exit"), shown=F("last_exit"))
    raise ValueError(key)


def _items(key: str, youths, *, on: dt.date, rules: FollowUpRules) -> list[TodoItem]:
    items = []
    for youth in youths:
        due = youth.due
        if key == "after_exit":
            # Shown due: the exit day, or N days after the latest contact, at most today.
            due = max(youth.last_exit, min(add_days(due, rules.unreached_days), on))
        if isinstance(due, dt.datetime):
            due = due.date()
        items.append(TodoItem(youth=youth, due=due, reason=key, shown=youth.shown, today=on))
    return items


class Queue:
    """Att göra for one user, scope and day: counts and pages of each section."""

    def __init__(self, *, user, municipality_id: int, on: dt.date, scope: str = "mine"):
        self.on = on
        self.rules = FollowUpRules.for_municipality(municipality_id)
        self.base = _base(user=user, municipality_id=municipality_id, scope=scope)

    def queryset(self, key: str):
        return section_queryset(key, base=self.base, on=self.on, rules=self.rules)

    def keys(self) -> list[str]:
        return [k for k in SECTIONS if k != "after_exit" or self.rules.follow_up_after_exit]

    def count(self, key: str) -> int:
        return self.queryset(key).count()

    def page(self, key: str, *, offset: int = 0, limit: int | None = None) -> list[TodoItem]:
        queryset = (
            self.queryset(key)
            .select_related("assigned_to")
            .order_by("due", "last_name", "first_name", "pk")
        )
        if limit is not None:
            queryset = queryset[offset : offset + limit]
        return _items(key, queryset, on=self.on, rules=self.rules)


def todo_for(
    *, user, municipality_id: int, on: dt.date, scope: str = "mine"
) -> dict[str, list[TodoItem]]:
    """Every section in full, most overdue first (the digest and the tests use it)."""
    queue = Queue(user=user, municipality_id=municipality_id, on=on, scope=scope)
    return {key: queue.page(key) for key in SECTIONS}
