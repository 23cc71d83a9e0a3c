"""A per-youth summary of casework dates: a cache that "Att göra" and the figures read.

One row per youth holds the DATES the daily pages ask about (the latest contact, the
latest reached contact, the next planned follow-up, the earliest åtgärd follow-up, the
latest answers to offers, the open "att utreda", the latest enrolment and exit). Whether a
youth is due on a day is still decided from these dates on that day: nothing here says
"overdue", so the rows are right tomorrow without a job. They are only a cache of the
source tables: `case_summary_refresh` recomputes the rows of some youths in one
statement, and every writer of contacts, åtgärder, enrolments and verifications calls it
in its transaction; `case_summary_rebuild` recomputes all of them (the nightly safety
net and `manage.py rebuild_case_summary`).

The model lives with the register (youths) because the figures of youths/figures.py read
it too. The columns that come from åtgärder are computed in SQL over the actions table,
found through the app registry when a refresh runs, so youths imports nothing from
actions at module level (kaa <- youths <- actions).

The queue reads "in the group on D" from the latest enrolment, which is the covering one
on any day from its start on: enrolments never overlap and cannot start in the future,
so that holds on every day the pages are read (today and later).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db import connection, models, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

UNKNOWN_OCCUPATION_KEY = "okand"
ABSENCE_EVENT = "franvaro"  # youths.imports.models.SchoolEvent.ABSENCE
REBUILD_CHUNK = 5000


class CaseSummary(models.Model):
    """The casework dates of one youth (see the module docstring: a rebuildable cache)."""

    youth = models.OneToOneField(
        "youths.Youth", on_delete=models.CASCADE, primary_key=True, related_name="case_summary"
    )
    # Copies of the youth's own fixed values (derived from the municipality and the
    # personnummer, which never change), so a municipality's queue is read from this
    # table's indexes alone.
    municipality = models.ForeignKey(
        "kaa.Municipality", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    turns_20_on = models.DateField()
    # The latest enrolment (by start): the one that covers any day from its start on.
    enrolled_since = models.DateField(null=True)
    enrolled_until = models.DateField(null=True)
    # The latest enrolment's orsak till registrering (the drill-down by orsak).
    entry_reason = models.ForeignKey(
        "kaa.Code", null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The latest ended enrolment (by end date) and the key of its exit reason.
    last_exit_on = models.DateField(null=True)
    last_exit_key = models.CharField(max_length=40, blank=True, default="")
    # Contacts, as local days.
    last_contact_on = models.DateField(null=True)
    last_reached_on = models.DateField(null=True)
    next_follow_up = models.DateField(null=True)  # set by the latest contact
    # The enrolment's start while nobody has reached the youth since it began.
    unreached_since = models.DateField(null=True)
    # The latest contact's day when it lies within the latest enrolment.
    last_try_on = models.DateField(null=True)
    # Åtgärder: the earliest follow-up date, and that date again while no contact was
    # made on or after it.
    action_follow_up_on = models.DateField(null=True)
    action_follow_up_pending = models.DateField(null=True)
    # The earlier of next_follow_up and action_follow_up_pending: the first day the
    # youth is due a follow-up.
    follow_up_from = models.DateField(null=True)
    declined_on = models.DateField(null=True)  # the latest "Tackade nej"
    accepted_on = models.DateField(null=True)  # the latest "Tackade ja"
    # While the latest answer stands as "nej": the later of that answer and the latest
    # contact, from which the monthly follow-up counts.
    declined_from = models.DateField(null=True)
    verification_opened_on = models.DateField(null=True)  # the open "att utreda"
    # The earliest ended åtgärd with sysselsättning "Okänd" after it.
    occupation_unknown_on = models.DateField(null=True)
    # The latest such end: the data-quality figure "avslutad åtgärd med okänd
    # sysselsättning efter" of a half-year, read on today, asks whether it lies in the
    # half-year (ends are never dated in the future).
    occupation_unknown_last_on = models.DateField(null=True)
    # "In an åtgärd on D" for D today or later (starts, ends and answers are never
    # dated in the future): the earliest start of a started åtgärd not yet ended, and
    # the latest end of an ended one (an end after D means it still ran on D).
    action_open_since = models.DateField(null=True)
    action_last_end = models.DateField(null=True)
    # The latest answer to an offer (by its day, then the latest recorded), its day
    # when that answer is "nej": the youth declined and has not said yes since.
    last_answer_declined_on = models.DateField(null=True)
    # The key of the sysselsättning of the latest contact that recorded one, "" if none.
    occupation_key = models.CharField(max_length=40, blank=True, default="")
    # The day the latest frånvaro notice (skollagen 15 kap. 15 §) was received, while no
    # contact was logged on or after that day: the school asks for a preventive
    # follow-up, and a contact answers it.
    absence_noticed_on = models.DateField(null=True)

    class Meta:
        verbose_name = _("sammanfattning av ärendet")
        verbose_name_plural = _("sammanfattningar av ärenden")
        # Each section of "Att göra" counts a municipality's rows through one partial
        # index, reading the in-group dates from the index itself (EXPLAIN ANALYZE at
        # 50 000 youths in a municipality, 500 000 in all).
        indexes = [
            models.Index(
                fields=["municipality", "follow_up_from"],
                include=["youth"],
                condition=Q(follow_up_from__isnull=False),
                name="case_summary_follow_up",
            ),
            models.Index(
                fields=["municipality", "unreached_since"],
                include=["youth", "enrolled_since", "enrolled_until", "turns_20_on", "last_try_on"],
                condition=Q(unreached_since__isnull=False),
                name="case_summary_unreached",
            ),
            models.Index(
                fields=["municipality", "declined_from"],
                include=["youth", "enrolled_since", "enrolled_until", "turns_20_on"],
                condition=Q(declined_from__isnull=False),
                name="case_summary_declined",
            ),
            models.Index(
                fields=["municipality", "verification_opened_on"],
                include=["youth"],
                condition=Q(verification_opened_on__isnull=False),
                name="case_summary_verify",
            ),
            models.Index(
                fields=["municipality", "turns_20_on"],
                include=["youth", "enrolled_since", "enrolled_until"],
                condition=Q(enrolled_since__isnull=False),
                name="case_summary_enrolled",
            ),
            # The youth list's status filters and the drill-downs by orsak, read on
            # today or later (youths/querysets.py summary_in_group_q).
            models.Index(
                fields=["municipality", "youth"],
                include=[
                    "enrolled_since",
                    "enrolled_until",
                    "turns_20_on",
                    "verification_opened_on",
                    "entry_reason",
                ],
                name="case_summary_status",
            ),
            models.Index(
                fields=["municipality", "occupation_unknown_on"],
                include=["youth"],
                condition=Q(occupation_unknown_on__isnull=False),
                name="case_summary_occupation",
            ),
            models.Index(
                fields=["municipality", "last_exit_on"],
                condition=Q(last_exit_on__isnull=False),
                name="case_summary_exit",
            ),
            # The other drill-downs on today over the group (kontaktade, aldrig nådda,
            # försenad uppföljning, orsak): the group's rows of a municipality with the
            # dates they test, read from the index alone instead of the table's pages.
            models.Index(
                fields=["municipality", "turns_20_on"],
                include=[
                    "youth",
                    "enrolled_since",
                    "enrolled_until",
                    "last_contact_on",
                    "unreached_since",
                    "next_follow_up",
                    "action_follow_up_pending",
                    "entry_reason",
                ],
                condition=Q(enrolled_since__isnull=False),
                name="case_summary_group_figures",
            ),
            # The drill-downs "i åtgärd", "tackade nej" and "okänd sysselsättning" on
            # today (youths/figures.py): each reads the few youths it counts, and their
            # in-group dates, from its own index alone.
            models.Index(
                fields=["municipality", "turns_20_on"],
                include=[
                    "youth",
                    "enrolled_since",
                    "enrolled_until",
                    "action_open_since",
                    "action_last_end",
                ],
                condition=Q(action_open_since__isnull=False) | Q(action_last_end__isnull=False),
                name="case_summary_in_action",
            ),
            models.Index(
                fields=["municipality", "turns_20_on"],
                include=[
                    "youth",
                    "enrolled_since",
                    "enrolled_until",
                    "last_answer_declined_on",
                    "action_open_since",
                    "action_last_end",
                ],
                condition=Q(last_answer_declined_on__isnull=False),
                name="case_summary_declined_last",
            ),
            models.Index(
                fields=["municipality", "turns_20_on"],
                include=["youth", "enrolled_since", "enrolled_until"],
                condition=Q(occupation_key__in=["", UNKNOWN_OCCUPATION_KEY]),
                name="case_summary_unknown_job",
            ),
            models.Index(
                fields=["municipality", "occupation_unknown_last_on"],
                include=["youth"],
                condition=Q(occupation_unknown_last_on__isnull=False),
                name="case_summary_unknown_after",
            ),
            models.Index(
                fields=["municipality", "absence_noticed_on"],
                include=["youth"],
                condition=Q(absence_noticed_on__isnull=False),
                name="case_summary_absence",
            ),
        ]

    def __str__(self) -> str:
        return str(self.youth_id)


# The stored columns in the order the refresh writes them.
COLUMNS = [f.column for f in CaseSummary._meta.concrete_fields if f.column not in ("youth_id",)]


def _source(registry, youth_ids):
    """The SELECT over the source tables, as (sql, params), one row per youth."""
    Youth = registry.get_model("youths", "Youth")
    Contact = registry.get_model("youths", "Contact")
    Enrolment = registry.get_model("youths", "Enrolment")
    Verification = registry.get_model("youths", "Verification")
    Action = registry.get_model("actions", "Action")
    SchoolNotice = registry.get_model("youths", "SchoolNotice")
    mine = {"youth": OuterRef("pk")}
    latest_enrolment = Enrolment.objects.filter(**mine).order_by("-start_date", "-pk")
    latest_exit = Enrolment.objects.filter(end_date__isnull=False, **mine).order_by(
        "-end_date", "-pk"
    )
    latest_contact = (
        Contact.objects.filter(**mine).annotate(day=TruncDate("at")).order_by("-at", "-pk")
    )
    answers = Action.objects.filter(**mine).order_by("-responded_on", "-pk")
    latest_answer = (
        Action.objects.filter(responded_on__isnull=False, **mine)
        .exclude(response="")
        .order_by("-responded_on", "-pk")
    )
    started = Action.objects.filter(start_date__isnull=False, **mine)
    queryset = Youth.objects.order_by()
    if youth_ids is not None:
        queryset = queryset.filter(pk__in=youth_ids)
    queryset = queryset.annotate(
        s_youth_id=F("pk"),
        s_municipality_id=F("municipality_id"),
        s_turns_20_on=F("turns_20_on"),
        s_enrolled_since=Subquery(latest_enrolment.values("start_date")[:1]),
        s_enrolled_until=Subquery(latest_enrolment.values("end_date")[:1]),
        s_entry_reason_id=Subquery(latest_enrolment.values("entry_reason_id")[:1]),
        s_last_exit_on=Subquery(latest_exit.values("end_date")[:1]),
        s_last_exit_key=Subquery(latest_exit.values("exit_reason__key")[:1]),
        s_last_contact_on=Subquery(latest_contact.values("day")[:1]),
        s_last_reached_on=Subquery(latest_contact.filter(reached=True).values("day")[:1]),
        s_next_follow_up=Subquery(latest_contact.values("next_follow_up")[:1]),
        s_action_follow_up_on=Subquery(
            Action.objects.filter(follow_up_on__isnull=False, **mine)
            .order_by("follow_up_on")
            .values("follow_up_on")[:1]
        ),
        s_declined_on=Subquery(answers.filter(response="nej").values("responded_on")[:1]),
        s_accepted_on=Subquery(answers.filter(response="ja").values("responded_on")[:1]),
        s_verification_opened_on=Subquery(
            Verification.objects.filter(resolved_on__isnull=True, **mine)
            .order_by("-opened_on", "-pk")
            .values("opened_on")[:1]
        ),
        s_occupation_unknown_on=Subquery(
            Action.objects.filter(
                end_date__isnull=False,
                occupation_after__key=UNKNOWN_OCCUPATION_KEY,
                **mine,
            )
            .order_by("end_date")
            .values("end_date")[:1]
        ),
        s_occupation_unknown_last_on=Subquery(
            Action.objects.filter(
                end_date__isnull=False,
                occupation_after__key=UNKNOWN_OCCUPATION_KEY,
                **mine,
            )
            .order_by("-end_date")
            .values("end_date")[:1]
        ),
        s_action_open_since=Subquery(
            started.filter(end_date__isnull=True).order_by("start_date").values("start_date")[:1]
        ),
        s_action_last_end=Subquery(
            started.filter(end_date__isnull=False).order_by("-end_date").values("end_date")[:1]
        ),
        s_last_answer=Subquery(latest_answer.values("response")[:1]),
        s_last_answer_on=Subquery(latest_answer.values("responded_on")[:1]),
        s_occupation_key=Subquery(
            latest_contact.filter(occupation__isnull=False).values("occupation__key")[:1]
        ),
        s_absence_noticed_on=Subquery(
            SchoolNotice.objects.filter(event=ABSENCE_EVENT, **mine)
            .order_by("-received_on")
            .values("received_on")[:1]
        ),
    ).values(
        "s_youth_id",
        "s_municipality_id",
        "s_turns_20_on",
        "s_enrolled_since",
        "s_enrolled_until",
        "s_entry_reason_id",
        "s_last_exit_on",
        "s_last_exit_key",
        "s_last_contact_on",
        "s_last_reached_on",
        "s_next_follow_up",
        "s_action_follow_up_on",
        "s_declined_on",
        "s_accepted_on",
        "s_verification_opened_on",
        "s_occupation_unknown_on",
        "s_occupation_unknown_last_on",
        "s_action_open_since",
        "s_action_last_end",
        "s_last_answer",
        "s_last_answer_on",
        "s_occupation_key",
        "s_absence_noticed_on",
    )
    return queryset.query.sql_with_params()


# The derived columns, from the source columns (plain CASE and comparisons, which
# PostgreSQL and SQLite read alike: SQLite keeps dates as ISO text, ordered as dates).
_DERIVED = {
    "unreached_since": (
        "CASE WHEN s.s_last_reached_on >= s.s_enrolled_since THEN NULL ELSE s.s_enrolled_since END"
    ),
    "last_try_on": (
        "CASE WHEN s.s_last_contact_on >= s.s_enrolled_since THEN s.s_last_contact_on END"
    ),
    "action_follow_up_pending": (
        "CASE WHEN s.s_last_contact_on >= s.s_action_follow_up_on THEN NULL "
        "ELSE s.s_action_follow_up_on END"
    ),
    "follow_up_from": (
        "CASE WHEN s.s_action_follow_up_on IS NULL "
        "OR s.s_last_contact_on >= s.s_action_follow_up_on THEN s.s_next_follow_up "
        "WHEN s.s_next_follow_up IS NULL OR s.s_next_follow_up > s.s_action_follow_up_on "
        "THEN s.s_action_follow_up_on ELSE s.s_next_follow_up END"
    ),
    "absence_noticed_on": (
        "CASE WHEN s.s_last_contact_on >= s.s_absence_noticed_on THEN NULL "
        "ELSE s.s_absence_noticed_on END"
    ),
    "declined_from": (
        "CASE WHEN s.s_declined_on IS NULL OR s.s_accepted_on >= s.s_declined_on THEN NULL "
        "WHEN s.s_last_contact_on > s.s_declined_on THEN s.s_last_contact_on "
        "ELSE s.s_declined_on END"
    ),
    "last_answer_declined_on": ("CASE WHEN s.s_last_answer = 'nej' THEN s.s_last_answer_on END"),
}


def _upsert(registry, youth_ids) -> None:
    table = CaseSummary._meta.db_table
    quote = connection.ops.quote_name
    source_sql, params = _source(registry, youth_ids)
    # The columns of the model as `registry` has it (a migration's historical model may
    # lack columns added later).
    summary = registry.get_model("youths", "CaseSummary")
    stored = {f.column for f in summary._meta.concrete_fields}
    columns = ["youth_id", *(c for c in COLUMNS if c in stored)]
    values = []
    for column in columns:
        if column in _DERIVED:
            values.append(_DERIVED[column])
        elif column in ("last_exit_key", "occupation_key"):
            values.append(f"COALESCE(s.s_{column}, '')")
        else:
            values.append(f"s.s_{column}")
    updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns[1:])
    # The WHERE keeps SQLite from reading ON CONFLICT as part of a join.
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM ({source_sql}) AS s WHERE 1 = 1 "
        f"ON CONFLICT ({quote('youth_id')}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def case_summary_refresh(youth_ids: Iterable[int], *, registry=global_apps) -> None:
    """Recompute the summary rows of `youth_ids` from the source tables, in one statement.

    Call it inside the writer's transaction, after its writes. It locks the youths first
    (youths.services.lock_youth, already held by the services): with every writer holding
    the lock from its refresh to its commit, the refresh (a new statement under READ
    COMMITTED) sees every other writer's committed rows, so two coordinators logging a
    contact at once leave a row with both.
    """
    ids = sorted({int(pk) for pk in youth_ids})
    if not ids:
        return
    Youth = registry.get_model("youths", "Youth")
    with transaction.atomic():
        list(Youth.objects.filter(pk__in=ids).select_for_update().order_by("pk").values_list("pk"))
        _upsert(registry, ids)


def case_summary_insert_new(select_sql: str, params=()) -> None:
    """Insert the rows of youths that the caller's transaction created and gave nothing
    but, perhaps, an "att utreda" opened on a day: `select_sql` yields (youth_id,
    municipality_id, turns_20_on, verification_opened_on) per youth.

    For such a youth the refresh would find no contact, enrolment or åtgärd and compute
    exactly this row (a test holds the two equal), but through a dozen subqueries per
    youth: a list import creates tens of thousands of youths at a time. No lock is
    needed: nobody else sees a youth before the transaction that created it commits.
    """
    table = connection.ops.quote_name(CaseSummary._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (youth_id, municipality_id, turns_20_on, "  # noqa: S608
            f"verification_opened_on, last_exit_key, occupation_key) "
            f"SELECT s.*, '', '' FROM ({select_sql}) AS s",
            params,
        )


def _analyze_sources(registry) -> None:
    """Fresh planner statistics for the tables a rebuild reads.

    A rebuild mostly follows a bulk load (seed_demo, a restore, the benchmarks), and a
    table the planner still believes empty gets a sequential scan per youth in every
    subquery above: a 500 000-youth rebuild then ran for over 20 minutes instead of
    about half a minute. ANALYZE samples a bounded number of rows, so it costs about a
    second even at millions of contacts, and it sees the rows of the caller's own
    transaction.
    """
    if connection.vendor != "postgresql":
        return
    tables = [
        registry.get_model(app, name)._meta.db_table
        for app, name in (
            ("youths", "Youth"),
            ("youths", "Contact"),
            ("youths", "Enrolment"),
            ("youths", "Verification"),
            ("youths", "SchoolNotice"),
            ("actions", "Action"),
        )
    ]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(quote(t) for t in tables)}")


def case_summary_rebuild(
    *, municipality_id: int | None = None, registry=global_apps, chunk: int = REBUILD_CHUNK
) -> int:
    """Recompute every youth's row (or a municipality's), idempotent, in short
    transactions of `chunk` youths each. Returns the number of youths."""
    Youth = registry.get_model("youths", "Youth")
    _analyze_sources(registry)
    youths = Youth.objects.all()
    if municipality_id is not None:
        youths = youths.filter(municipality_id=municipality_id)
    last, done = 0, 0
    while True:
        ids = list(youths.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:chunk])
        if not ids:
            break
        case_summary_refresh(ids, registry=registry)
        done += len(ids)
        last = ids[-1]
    return done
