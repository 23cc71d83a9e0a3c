"""Log follow-up (logguppföljning): unusual access in a municipality's audit trail.

Reading personal data about minors must be followed up; this finds what an
administrator should look at: bursts of youth pages, reads outside the reader's
caseload, reads of youths with protected identity, and failed logins.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from kaa.models import AuditAction, AuditEvent, Membership


@dataclass
class Review:
    start: dt.date
    end: dt.date  # exclusive
    bursts: list[dict]
    outside_caseload: list[dict]
    protected_reads: list[dict]
    failed_logins: list[dict]
    unknown_failed_logins: int


_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)


def month_bounds(month: str | None) -> tuple[dt.date, dt.date]:
    """'YYYY-MM' (default: the current month) → [first day, first day of next month).

    ValueError for anything else: other scripts' digits, a month outside 1-12, or a year
    whose month bounds (or their time zone offset) fall outside what dates can hold.
    """
    if month:
        found = _MONTH.fullmatch(month)
        if found is None:
            raise ValueError("not YYYY-MM")
        year, number = int(found[1]), int(found[2])
        if not (dt.MINYEAR < year < dt.MAXYEAR and 1 <= number <= 12):
            raise ValueError("month out of range")
        start = dt.date(year, number, 1)
    else:
        start = timezone.localdate().replace(day=1)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, end


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def review(*, municipality_id: int, start: dt.date, end: dt.date) -> Review:
    from youths.models import Youth

    # A read is any page that showed a youth's data: the youth page, its forms (both
    # YOUTH_VIEW) and its registerutdrag (ACCESS_LOG_VIEW with the youth).
    reads = AuditEvent.objects.filter(
        municipality_id=municipality_id,
        action__in=[AuditAction.YOUTH_VIEW, AuditAction.ACCESS_LOG_VIEW],
        youth_id__isnull=False,
        at__gte=_aware(start),
        at__lt=_aware(end),
        user__isnull=False,
    )
    youth = Youth.objects.filter(pk=OuterRef("youth_id"))
    rows = list(
        reads.annotate(
            assigned_to_id=Subquery(youth.values("assigned_to_id")[:1]),
            protected=Subquery(youth.values("protected_identity")[:1]),
        )
        .order_by("user_id", "at")
        .values("user_id", "username", "at", "youth_id", "assigned_to_id", "protected")
    )

    window = dt.timedelta(minutes=settings.AUDIT_BURST_MINUTES)
    limit = settings.AUDIT_BURST_COUNT
    by_user: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_user[row["user_id"]].append(row)
    bursts = []
    for user_rows in by_user.values():
        times = [row["at"] for row in user_rows]
        first = 0
        best = (0, None)
        for last, at in enumerate(times):
            while at - times[first] > window:
                first += 1
            if last - first + 1 > best[0]:
                best = (last - first + 1, times[first])
        if best[0] >= limit:
            bursts.append({"username": user_rows[0]["username"], "count": best[0], "from": best[1]})

    outside = Counter(
        (row["username"]) for row in rows if row["assigned_to_id"] not in (None, row["user_id"])
    )
    protected = Counter((row["username"], row["youth_id"]) for row in rows if row["protected"])

    members = set(
        Membership.objects.filter(municipality_id=municipality_id).values_list(
            "user__username", flat=True
        )
    )
    failed = (
        AuditEvent.objects.filter(
            action=AuditAction.LOGIN_FAILED, at__gte=_aware(start), at__lt=_aware(end)
        )
        .values("username")
        .annotate(count=Count("id"))
        .order_by("-count", "username")
    )
    failed_members = [row for row in failed if row["username"] in members]
    unknown = sum(row["count"] for row in failed if row["username"] not in members)
    return Review(
        start=start,
        end=end,
        bursts=sorted(bursts, key=lambda b: -b["count"]),
        outside_caseload=[{"username": name, "count": n} for name, n in outside.most_common()],
        protected_reads=[
            {"username": name, "youth_id": youth_id, "count": n}
            for (name, youth_id), n in protected.most_common()
        ],
        failed_logins=failed_members,
        unknown_failed_logins=unknown,
    )


def report_rows(result: Review) -> Iterator[tuple[str, list]]:
    """Sheets for the xlsx report: (sheet name, rows with a header first)."""
    yield (
        "Många ungdomar på kort tid",
        [["Användare", "Antal visningar", "Från"]]
        + [
            [b["username"], b["count"], timezone.localtime(b["from"]).strftime("%Y-%m-%d %H:%M")]
            for b in result.bursts
        ],
    )
    yield (
        "Utanför egen ärendelista",
        [["Användare", "Antal visningar"]]
        + [[r["username"], r["count"]] for r in result.outside_caseload],
    )
    yield (
        "Skyddad folkbokföring",
        [["Användare", "Ungdom (id)", "Antal visningar"]]
        + [[r["username"], r["youth_id"], r["count"]] for r in result.protected_reads],
    )
    yield (
        "Misslyckade inloggningar",
        [["Användarnamn", "Antal"]]
        + [[r["username"], r["count"]] for r in result.failed_logins]
        + [["(okända användarnamn)", result.unknown_failed_logins]],
    )


def report_xlsx(result: Review, stream) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows in report_rows(result):
        sheet = workbook.create_sheet(title=title[:31])
        for row in rows:
            sheet.append(row)
    workbook.save(stream)


def purge_audit_events(*, now: dt.datetime | None = None) -> int:
    """Delete audit rows older than AUDIT_RETENTION_DAYS. Safe to run again."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted
