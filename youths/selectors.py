"""Reads for youth pages. Youth data always comes through kaa.access."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Exists, Func, OuterRef, Q, QuerySet

from kaa.access import youths_visible_to
from kaa.models import Role
from youths import rules
from youths.figures import FigureFilter, Period
from youths.models import Verification
from youths.querysets import Status, in_target_group_q, summary_reads, summary_status_q
from youths.summary import CaseSummary


def assignable_users(municipality_id: int) -> QuerySet:
    """Coordinators and administrators of the municipality, for assignment lists."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__municipality_id=municipality_id,
            memberships__role__in=[Role.COORDINATOR, Role.ADMINISTRATOR],
        )
        .order_by("first_name", "last_name", "username")
    )


def youth_list(
    *,
    user,
    municipality_id: int,
    on: dt.date,
    text: str = "",
    status: str = "",
    coordinator: str = "",
    age: int | None = None,
    figure: FigureFilter | None = None,
    figure_period: Period | None = None,
) -> QuerySet:
    """The caseload list with its filters.

    `coordinator`: "" or "mine" (the user's caseload), "all", "none" (unassigned) or a
    user id. `status`: one of Status or "" for all. `figure`: the youths behind one figure
    of the overview on `figure_period`.
    """
    queryset = youths_visible_to(user, municipality=municipality_id).for_list_page(on=on)
    queryset = queryset.search(text, today=on)
    if status in Status.values and summary_reads(on):
        # Plain columns of the casework summary and its index case_summary_status.
        queryset = queryset.filter(summary_status_q(status, on))
    elif status in Status.values:
        # The filter as plain conditions (not on the annotated CASE) so that the planner
        # can use semi-joins on the indexes instead of evaluating the rule per row.
        in_group = in_target_group_q(on)
        to_verify = Q(
            Exists(Verification.objects.filter(youth=OuterRef("pk"), resolved_on__isnull=True))
        )
        if status == Status.IN_GROUP:
            queryset = queryset.filter(in_group)
        elif status == Status.TO_VERIFY:
            queryset = queryset.filter(~in_group & to_verify)
        else:
            queryset = queryset.filter(~in_group & ~to_verify)
    if coordinator in ("", "mine"):
        queryset = queryset.filter(assigned_to=user)
    elif coordinator == "none":
        queryset = queryset.filter(assigned_to__isnull=True)
    elif coordinator.isdigit():
        queryset = queryset.filter(assigned_to_id=int(coordinator))
    if age is not None:
        queryset = queryset.aged(on=on, minimum=age, maximum=age)
    if figure is not None:
        queryset = figure.apply(queryset, figure_period)
    return queryset.order_by("last_name", "first_name", "personnummer")


class _Hashed(Func):
    """`(condition) IS TRUE`: PostgreSQL then keeps an `id IN (subquery)` as a filter
    (a "hashed SubPlan": the subquery's ids read once into a hash) instead of turning it
    into a join, which it would plan as a hash join and a sort of every match."""

    template = "(%(expressions)s) IS TRUE"
    output_field = BooleanField()


def youth_list_from_summary(
    queryset: QuerySet,
    *,
    municipality_id: int,
    on: dt.date,
    text: str = "",
    status: str = "",
    coordinator: str = "",
    age: int | None = None,
    figure: FigureFilter | None = None,
    figure_period: Period | None = None,
) -> tuple[QuerySet, int] | None:
    """The ids of `youth_list` (`queryset`, built with the same arguments) in its order,
    and their number, read through the casework summary's own rows when every filter is
    one of its columns (a status or a figure read on today, all coordinators); None
    when the summary cannot answer.

    The list as a join of the youths with their summaries misleads the planner (it
    expects a tenth of the matches): it hashed the whole municipality's register for
    the count (850 buffers against 320 for the summary's index alone), and for a page
    it sorted every match or probed the summaries of 4 500 youths one by one (18 700
    buffers for the first page of "saknar orsak"). Here the count reads the summary's
    index alone, and a page walks youth_list_order with the matching ids in a hash
    (780 buffers; the middle page of i_malgrupp 1 030 instead of a sort of 15 000
    names). Each summary row copies its youth's municipality, so the summary rows of
    the municipality are exactly the rows the join would meet."""
    if text or age is not None or coordinator != "all" or not summary_reads(on):
        return None
    if status not in Status.values and figure is None:
        return None  # the plain list reads youth_list_order alone
    conditions = Q()
    if status in Status.values:
        conditions &= summary_status_q(status, on, prefix="")
    if figure is not None:
        figure_conditions = figure.summary_q(figure_period)
        if figure_conditions is None:
            return None
        conditions &= figure_conditions
    if queryset.query.is_empty():
        return queryset.values_list("pk", flat=True), 0  # the access helper said none
    rows = CaseSummary.objects.filter(Q(municipality_id=municipality_id) & conditions)
    ids = (
        queryset.model.objects.filter(municipality_id=municipality_id)
        .filter(_Hashed(Q(pk__in=rows.values("youth_id"))))
        .order_by(*queryset.query.order_by)
        .values_list("pk", flat=True)
    )
    return ids, rows.count()


def youth_list_page(
    queryset: QuerySet,
    *,
    number,
    per_page: int,
    from_summary: tuple[QuerySet, int] | None = None,
) -> Page:
    """One page of `youth_list`, its rows in the list's order.

    The page's ids come first, read in the list's order from the index youth_list_order
    alone (or with `from_summary`, see youth_list_from_summary); a page past the middle
    is read from the end (the index backwards), so the last page costs what the first
    does. Only then are the page's rows read with the status, the enrolment and the
    coordinator (the per-row subqueries of for_list_page): selecting those with OFFSET
    would compute them for every row skipped too.
    """
    ids_in_order = queryset.values_list("pk", flat=True)
    if from_summary is not None:
        ids_in_order, count = from_summary
    paginator = Paginator(ids_in_order, per_page)
    if from_summary is not None:
        paginator.count = count
    page = paginator.get_page(number)
    count = paginator.count
    bottom = (page.number - 1) * per_page
    top = min(bottom + per_page, count)
    if bottom > count // 2:
        ids = list(ids_in_order.reverse()[count - top : count - bottom])[::-1]
    else:
        ids = list(ids_in_order[bottom:top])
    rows = {youth.pk: youth for youth in queryset.filter(pk__in=ids).order_by()} if ids else {}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def youth_detail(youth, *, on: dt.date) -> dict:
    """What the youth page shows besides the youth itself (a fixed number of queries)."""
    # The casework app sits above this one (kaa <- youths <- actions).
    from actions.selectors import timeline

    enrolments = list(
        youth.enrolments.select_related("entry_reason", "exit_reason", "created_by", "closed_by")
    )
    verifications = list(youth.verifications.all())
    current = rules.enrolment_for(enrolments, on, turns_20=youth.turns_20_on)
    open_verification = next((v for v in verifications if v.is_open), None)
    if current is not None:
        status = Status.IN_GROUP
    elif open_verification is not None:
        status = Status.TO_VERIFY
    else:
        status = Status.OUTSIDE
    contacts = list(youth.contacts.select_related("occupation", "created_by"))
    actions = list(youth.actions.select_related("kind", "occupation_after", "created_by"))
    plans = list(youth.plan_revisions.select_related("created_by"))
    consents = list(youth.consents.select_related("created_by"))
    events = timeline(
        youth,
        contacts=contacts,
        actions=actions,
        plans=plans,
        consents=consents,
        enrolments=enrolments,
        verifications=verifications,
        **_import_history(youth, verifications),
    )
    return {
        "timeline": events,
        "actions": actions,
        "plan": plans[0] if plans else None,
        "plan_revisions": plans,
        "earlier_plans": plans[1:],
        "next_follow_up": next_follow_up(contacts, actions),
        "consents": consents,
        "consents_valid": {c.pk for c in consents if c.is_valid_on(on)},
        "last_contact": contacts[0] if contacts else None,
        "enrolments": enrolments,
        "verifications": verifications,
        "current_enrolment": current,
        "open_enrolment": next((e for e in enrolments if e.is_open), None),
        "open_verification": open_verification,
        "status": status,
        "status_label": Status(status).label,
        "guardians": list(youth.guardians.all()),
    }


def next_follow_up(contacts, actions) -> dict | None:
    """The next planned follow-up: the date set at the latest contact, or an åtgärd's
    follow-up not done yet (no contact on or after it), whichever comes first."""
    from django.utils import timezone

    planned = []
    latest = contacts[0] if contacts else None
    last_day = timezone.localdate(latest.at) if latest else None
    if latest is not None and latest.next_follow_up:
        planned.append((latest.next_follow_up, "contact", latest))
    for action in actions:
        pending = action.follow_up_on and not action.end_date
        if pending and (last_day is None or last_day < action.follow_up_on):
            planned.append((action.follow_up_on, "action", action))
    if not planned:
        return None
    day, source, obj = min(planned, key=lambda item: item[0])
    return {"date": day, "source": source, "object": obj}


def _import_history(youth, verifications) -> dict:
    """Notices and move-ins of the youth with the imported list rows behind them (two
    queries); the notices behind each verification are set on it as `notice_list`."""
    notices = list(
        youth.school_notices.select_related("school", "source_row__batch").defer(
            "source_row__batch__content", "source_row__values"
        )
    )
    move_ins = list(
        youth.move_ins.select_related("source_row__batch").defer(
            "source_row__batch__content", "source_row__values"
        )
    )
    for verification in verifications:
        verification.notice_list = [n for n in notices if n.verification_id == verification.pk]
    rows = {
        item.source_row.pk: item.source_row
        for item in [*notices, *move_ins]
        if item.source_row is not None and item.source_row.applied_at is not None
    }
    return {"notices": notices, "move_ins": move_ins, "import_rows": list(rows.values())}
