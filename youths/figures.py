"""The figures of the overview (Översikt), each defined once as an expression on youths.

The dashboard counts them with a few aggregate queries and the youth list shows the
youths behind one of them (`?figur=…`), both through the expressions below, so a list
holds exactly the youths its figure counted. "In the target group on D" is
`Youth.objects.in_target_group(on=D)` and nothing else.

A figure is read on a day `on` within a period (the half-year up to `on`): contacts,
ended åtgärder and follow-ups are counted from `period.start` up to and including `on`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from youths.querysets import _years_before, same_municipality_q, summary_in_group_q

# Sysselsättning codes are grouped by their stable key (codes may be renumbered).
OUTCOME_CATEGORIES = {
    "studier": _("Studier"),
    "arbete": _("Arbete"),
    "annat": _("Annat"),
    "okand": _("Okänd"),
}
UNKNOWN_KEY = "okand"
VERIFICATION_OVERDUE_DAYS = 14


@dataclass(frozen=True)
class Period:
    """From `start` up to and including `on` (the figures' day)."""

    start: dt.date
    on: dt.date

    @property
    def start_at(self) -> dt.datetime:
        return _local_midnight(self.start)

    @property
    def end_at(self) -> dt.datetime:
        """The first moment after `on` (contacts are datetimes)."""
        return _local_midnight(self.on + dt.timedelta(days=1))

    @property
    def label(self) -> str:
        return half_year_label(self.start)


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def half_year_start(day: dt.date) -> dt.date:
    """Halvår as SCB counts them: H1 1 January–30 June, H2 1 July–31 December."""
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


def half_year_end(start: dt.date) -> dt.date:
    return dt.date(start.year, 6, 30) if start.month == 1 else dt.date(start.year, 12, 31)


def half_year_label(start: dt.date) -> str:
    return f"{start.year} H{1 if start.month <= 6 else 2}"


def parse_half_year(text: str) -> dt.date | None:
    """'2026H1' or '2026 H2' -> the half-year's first day, or None."""
    compact = (text or "").replace(" ", "").upper()
    if len(compact) != 6 or compact[4] != "H" or compact[5] not in "12":
        return None
    if not compact[:4].isdigit():
        return None
    return dt.date(int(compact[:4]), 1 if compact[5] == "1" else 7, 1)


def period_for(on: dt.date) -> Period:
    return Period(start=half_year_start(on), on=on)


def period_of_half_year(start: dt.date, *, today: dt.date) -> Period:
    """A half-year's figures are read on its last day, or today while it runs."""
    return Period(start=start, on=min(half_year_end(start), today))


def age_on(on: dt.date, *, youngest: int = 13, oldest: int = 21):
    """Whole years on `on` as a SQL expression (a range test on birth_date per age)."""
    return Case(
        *[
            When(
                birth_date__gt=_years_before(on, age + 1),
                birth_date__lte=_years_before(on, age),
                then=Value(age),
            )
            for age in range(youngest, oldest + 1)
        ],
        default=Value(None),
        output_field=models.IntegerField(),
    )


def outcome_category(key_field: str):
    return Case(
        When(**{f"{key_field}__startswith": "studier"}, then=Value("studier")),
        When(**{key_field: "arbete"}, then=Value("arbete")),
        When(**{key_field: UNKNOWN_KEY}, then=Value("okand")),
        default=Value("annat"),
        output_field=models.CharField(),
    )


def _models():
    from actions.models import Action  # casework sits above the register
    from youths.models import Contact, Enrolment, Verification

    return Action, Contact, Enrolment, Verification


def annotate_figures(queryset, period: Period):
    """Annotate each youth with the flags the figures count (for youths in the group on
    `period.on`; the flags mean nothing for others)."""
    Action, Contact, Enrolment, Verification = _models()
    on = period.on
    covering = (
        Enrolment.objects.period_covering(on).filter(youth=OuterRef("pk")).order_by("-start_date")
    )
    contacts_until = Contact.objects.filter(youth=OuterRef("pk"), at__lt=period.end_at)
    latest_contact = contacts_until.order_by("-at", "-pk")
    ongoing_action = Action.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=on),
        youth=OuterRef("pk"),
        start_date__lte=on,
    )
    # alias(), not annotate(): the flags filter and count, but a list page never selects
    # them (each is a subquery per youth).
    queryset = queryset.alias(
        fig_enrolled_since=Subquery(covering.values("start_date")[:1]),
        fig_entry_reason=Subquery(covering.values("entry_reason__value")[:1]),
        fig_entry_reason_key=Subquery(covering.values("entry_reason__key")[:1]),
        fig_next_follow_up=Subquery(latest_contact.values("next_follow_up")[:1]),
        fig_last_contact_on=Subquery(
            latest_contact.annotate(day=TruncDate("at")).values("day")[:1]
        ),
        # The latest reached contact's day, set against the enrolment's start: two index
        # look-ups per youth (a subquery that refers to the enrolment inside the contacts
        # would be evaluated per contact).
        fig_last_reached_on=Subquery(
            latest_contact.filter(reached=True).annotate(day=TruncDate("at")).values("day")[:1]
        ),
        fig_action_follow_up=Subquery(
            Action.objects.filter(youth=OuterRef("pk"), follow_up_on__lte=on)
            .order_by("follow_up_on")
            .values("follow_up_on")[:1]
        ),
    )
    return queryset.alias(
        fig_contacted=Exists(contacts_until.filter(at__gte=period.start_at)),
        fig_in_action=Exists(ongoing_action),
        fig_occupation_key=Coalesce(
            Subquery(latest_contact.filter(occupation__isnull=False).values("occupation__key")[:1]),
            Value(UNKNOWN_KEY),
        ),
    )


def _declined_latest(period: Period):
    Action, *_ = _models()
    latest = (
        Action.objects.filter(youth=OuterRef("pk"), responded_on__lte=period.on)
        .exclude(response="")
        .order_by("-responded_on", "-pk")
    )
    return Subquery(latest.values("response")[:1])


def _overdue_q(on: dt.date) -> Q:
    # The same rule as the follow-up section of Att göra, counted when the due day has
    # passed: the latest contact's next follow-up, otherwise an åtgärd's follow-up date
    # that no contact has answered yet.
    return Q(fig_next_follow_up__lt=on) | (
        (Q(fig_next_follow_up__isnull=True) | Q(fig_next_follow_up__gt=on))
        & Q(fig_action_follow_up__lt=on)
        & (
            Q(fig_last_contact_on__isnull=True)
            | Q(fig_last_contact_on__lt=F("fig_action_follow_up"))
        )
    )


def _summary_q(period: Period, *, summary: str = "case_summary__") -> dict[str, Q]:
    """The figures that the casework summary (youths/summary.py) answers with plain
    columns, when they are read on today or later: the summary holds every contact and
    the latest enrolment, which is then the one covering `period.on`. A past half-year is
    read from the source tables (`annotate_figures`), as the summary keeps no history.
    `summary=""` gives the conditions on the summary's own rows (`FigureFilter.summary_q`)."""
    on = period.on
    return {
        # Nobody reached the youth since the enrolment began.
        "aldrig_nadda": Q(**{f"{summary}unreached_since__isnull": False}),
        "forsenad_uppfoljning": Q(**{f"{summary}next_follow_up__lt": on})
        | (
            (
                Q(**{f"{summary}next_follow_up__isnull": True})
                | Q(**{f"{summary}next_follow_up__gt": on})
            )
            & Q(**{f"{summary}action_follow_up_pending__lt": on})
        ),
        # At least one contact from the half-year's start (every contact lies before
        # the end of `on`).
        "kontaktade": Q(**{f"{summary}last_contact_on__gte": period.start}),
        "ej_kontaktade": Q(**{f"{summary}last_contact_on__isnull": True})
        | Q(**{f"{summary}last_contact_on__lt": period.start}),
        # The latest enrolment is the covering one: its orsak.
        "saknar_orsak": Q(**{f"{summary}entry_reason__key": UNKNOWN_KEY}),
        # Åtgärder start and end, and offers are answered, no later than today: an
        # åtgärd runs on `on` if it has not ended, or ended after `on`.
        "i_atgard": _in_action_q(period.on, summary=summary),
        "tackat_nej": Q(**{f"{summary}last_answer_declined_on__lte": on})
        & (
            Q(**{f"{summary}action_open_since__isnull": True})
            | Q(**{f"{summary}action_open_since__gt": on})
        )
        & (
            Q(**{f"{summary}action_last_end__isnull": True})
            | Q(**{f"{summary}action_last_end__lte": on})
        ),
        # No contact recorded a sysselsättning, or the latest one recorded "okänd".
        "okand_sysselsattning": Q(**{f"{summary}occupation_key__in": ["", UNKNOWN_KEY]}),
    }


def _in_action_q(on: dt.date, *, summary: str = "case_summary__") -> Q:
    return Q(**{f"{summary}action_open_since__lte": on}) | Q(
        **{f"{summary}action_last_end__gt": on}
    )


def _is_current(period: Period) -> bool:
    return period.on >= timezone.localdate()


def entry_reason_field(period: Period) -> str:
    """Where the orsak of the enrolment covering `period.on` is read: the summary's latest
    enrolment on today or later (it is the covering one), otherwise the subquery of
    `annotate_figures`."""
    return "case_summary__entry_reason__value" if _is_current(period) else "fig_entry_reason"


def in_group_figures(period: Period) -> dict[str, Q]:
    """Figures over the youths in the group on `period.on`, as conditions on
    `annotate_figures`. Keys are the `figur` values of the youth list."""
    current = _summary_q(period) if _is_current(period) else {}
    return {
        "i_malgrupp": Q(),
        "kontaktade": Q(fig_contacted=True),
        "ej_kontaktade": Q(fig_contacted=False),
        "aldrig_nadda": Q(fig_last_reached_on__isnull=True)
        | Q(fig_last_reached_on__lt=F("fig_enrolled_since")),
        "i_atgard": Q(fig_in_action=True),
        "tackat_nej": Q(fig_in_action=False, fig_response="nej"),
        "okand_sysselsattning": Q(fig_occupation_key=UNKNOWN_KEY),
        "forsenad_uppfoljning": _overdue_q(period.on),
        "saknar_orsak": Q(fig_entry_reason_key=UNKNOWN_KEY),
        **current,
    }


def with_in_group_figures(queryset, period: Period, *, from_summary: bool = False):
    """The youths in the group on `period.on`, annotated for `in_group_figures`.

    `from_summary`: read the group from the casework summary's columns when it can
    answer for `period.on` (the same rule, see youths/querysets.py summary_in_group_q).
    Only for a figure that the summary answers too: a figure with a subquery per youth
    pages better from the enrolments' semi-join (EXPLAIN ANALYZE)."""
    group = queryset.in_target_group_fast if from_summary else queryset.in_target_group
    queryset = group(on=period.on)
    if _is_current(period):
        # Every figure on today is a condition on the summary's columns (_summary_q,
        # entry_reason_field): building the subqueries below would cost a page a few
        # milliseconds for expressions no condition refers to.
        return queryset
    queryset = annotate_figures(queryset, period)
    return queryset.alias(fig_response=_declined_latest(period))


def quality_conditions(period: Period) -> dict[str, Q]:
    """Data-quality figures over all the municipality's youths (not only the group)."""
    Action, _contact, _enrolment, Verification = _models()
    overdue = period.on - dt.timedelta(days=VERIFICATION_OVERDUE_DAYS)
    if _is_current(period):
        # The open verification's day, from the casework summary (youths/summary.py),
        # through its (municipality, verification_opened_on) index.
        long_to_verify = same_municipality_q() & Q(case_summary__verification_opened_on__lt=overdue)
    else:
        long_to_verify = Q(
            Exists(
                Verification.objects.filter(
                    youth=OuterRef("pk"), resolved_on__isnull=True, opened_on__lt=overdue
                )
            )
        )
    if _is_current(period):
        # The latest end of an åtgärd that ended with sysselsättning okänd, from the
        # summary: ends are never dated in the future, so "one ended in the half-year
        # up to today" is "the latest one ended on or after its first day". Read
        # through the summary's index instead of every municipality's ended åtgärder.
        ended_unknown = same_municipality_q() & Q(
            case_summary__occupation_unknown_last_on__gte=period.start,
            case_summary__occupation_unknown_last_on__lte=period.on,
        )
    else:
        ended_unknown = Q(
            Exists(
                Action.objects.filter(
                    youth=OuterRef("pk"),
                    end_date__gte=period.start,
                    end_date__lte=period.on,
                    occupation_after__key=UNKNOWN_KEY,
                )
            )
        )
    return {
        "att_utreda_lange": long_to_verify,
        "avslutad_okand": ended_unknown,
        "anmalan_ej_hanterad": Q(Exists(_notices_not_acted_on(period.on))),
    }


def _notices_not_acted_on(on: dt.date):
    """A school's notice that the youth left or is absent (skollagen 15 kap. 15 §) that
    nobody has acted on: no contact since it came, and its check is not resolved."""
    from youths.imports.models import SchoolEvent, SchoolNotice
    from youths.models import Contact

    contact_since = Contact.objects.filter(
        youth=OuterRef("youth"), at__date__gte=OuterRef("received_on")
    )
    return (
        SchoolNotice.objects.filter(
            youth=OuterRef("pk"),
            event__in=[SchoolEvent.DROPOUT, SchoolEvent.ABSENCE, SchoolEvent.LEFT],
            received_on__lte=on,
        )
        .filter(Q(verification__isnull=True) | Q(verification__resolved_on__isnull=True))
        .exclude(Exists(contact_since))
    )


def ended_actions(period: Period):
    """Åtgärder ended within the period, with the category of sysselsättning after."""
    Action, *_ = _models()
    return Action.objects.filter(end_date__gte=period.start, end_date__lte=period.on).annotate(
        outcome=outcome_category("occupation_after__key")
    )


FIGURE_LABELS = {
    "i_malgrupp": _("I målgruppen"),
    "kontaktade": _("Kontaktade detta halvår"),
    "ej_kontaktade": _("Inte kontaktade detta halvår"),
    "aldrig_nadda": _("Aldrig nådda under inskrivningen"),
    "i_atgard": _("I pågående åtgärd"),
    "tackat_nej": _("Tackade nej"),
    "okand_sysselsattning": _("Okänd sysselsättning"),
    "forsenad_uppfoljning": _("Försenad uppföljning"),
    "saknar_orsak": _("Orsak till inskrivning okänd"),
    "att_utreda_lange": _("Att utreda i mer än 14 dagar"),
    "avslutad_okand": _("Avslutad åtgärd med okänd sysselsättning efter"),
    "anmalan_ej_hanterad": _("Anmälan från skola som ingen har hanterat"),
    "orsak": _("Orsak till inskrivning"),
    "utfall": _("Utfall av avslutade åtgärder"),
}


FIGURE_PARAMS = ("figur", "kon", "alder", "orsak", "atgard", "utfall", "halvar")


@dataclass(frozen=True)
class FigureFilter:
    """A drill-down from the overview: which figure, and its split (kön, age, …)."""

    figure: str
    sex: str = ""
    age: int | None = None
    reason: str = ""
    action_kind: str = ""
    outcome: str = ""
    half_year: dt.date | None = None

    @classmethod
    def from_query(cls, data) -> FigureFilter | None:
        figure = data.get("figur", "")
        if figure not in FIGURE_LABELS:
            return None
        age = data.get("alder", "")
        outcome = data.get("utfall", "")
        return cls(
            figure=figure,
            sex=data.get("kon", "") if data.get("kon", "") in ("K", "M") else "",
            age=int(age) if age.isdigit() and len(age) <= 2 else None,
            reason=data.get("orsak", "")[:10],
            action_kind=data.get("atgard", "")[:10],
            outcome=outcome if outcome in OUTCOME_CATEGORIES else "",
            half_year=parse_half_year(data.get("halvar", "")),
        )

    def period(self, *, today: dt.date) -> Period:
        if self.half_year is None or self.half_year > today:
            return period_for(today)
        return period_of_half_year(self.half_year, today=today)

    @property
    def label(self) -> str:
        return str(FIGURE_LABELS[self.figure])

    def summary_q(self, period: Period) -> Q | None:
        """The youths that `apply` keeps, as conditions on the casework summary's own rows
        (no join to the youths), when the summary alone answers: a figure of the group
        read on today or later, split by nothing the summary lacks (kön, age). The list
        counts its youths with it (youths/selectors.py). None otherwise."""
        if self.sex or self.age is not None or not _is_current(period):
            return None
        in_group = summary_in_group_q(period.on, prefix="")
        if self.figure == "i_malgrupp":
            return in_group
        if self.figure == "orsak":
            return in_group & Q(entry_reason__value=self.reason)
        conditions = _summary_q(period, summary="")
        if self.figure in conditions:
            return in_group & conditions[self.figure]
        return None

    def apply(self, queryset, period: Period):
        """The youths of `queryset` that this figure counted on `period`."""
        figure = self.figure
        if figure in ("att_utreda_lange", "avslutad_okand", "anmalan_ej_hanterad"):
            queryset = queryset.filter(quality_conditions(period)[figure])
        elif figure == "utfall":
            actions = ended_actions(period).filter(youth=OuterRef("pk"))
            if self.action_kind:
                actions = actions.filter(kind__value=self.action_kind)
            if self.outcome:
                actions = actions.filter(outcome=self.outcome)
            queryset = queryset.filter(Exists(actions))
        else:
            from_summary = _is_current(period) and (
                figure in ("i_malgrupp", "orsak") or figure in _summary_q(period)
            )
            queryset = with_in_group_figures(queryset, period, from_summary=from_summary)
            if figure == "orsak":
                queryset = queryset.filter(**{entry_reason_field(period): self.reason})
            else:
                queryset = queryset.filter(in_group_figures(period)[figure])
        if self.sex:
            queryset = queryset.filter(sex=self.sex)
        if self.age is not None:
            queryset = queryset.aged(on=period.on, minimum=self.age, maximum=self.age)
        return queryset
