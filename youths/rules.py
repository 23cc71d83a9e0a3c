"""The one rule of time in KAA, written once.

- When skolplikt ends (`skolplikt_end`): a youth can enter the target group the day after.
- When the youth leaves the group (`turns_20_on`): on the 20th birthday.
- Which enrolment an event dated D belongs to (`enrolment_for`): the enrolment with
  start_date <= D < end_date (or open), and D before the 20th birthday. The SQL halves of
  the same rule are `Enrolment.objects.covering(on)` and
  `Youth.objects.in_target_group(on=...)` in youths/querysets.py, built from `covering_q`.
- Which dates are sane at all (`EARLIEST_DATE`, `date_error`, `check_date`): used by the
  forms where a date is typed and by the services that write it.

This module imports nothing from the models, so models, querysets, forms, services and
the casework app can all use it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from youths.personnummer import birthday_of_age

if TYPE_CHECKING:  # pragma: no cover
    from youths.models import Enrolment

# skollagen 29 kap. 9 §: the duty covers those who "inte har fyllt 20 år".
TARGET_GROUP_AGE_LIMIT = 20

# skollagen 7 kap. 12 §: skolplikt ends at the end of the spring term of the ninth school
# year, the year the youth turns 16 (our reading of the usual case, DOMAIN.md §1).
SKOLPLIKT_LAST_AGE = 16
DEFAULT_SPRING_TERM_END = (6, 30)

# Kommunernas aktivitetsansvar replaced the earlier informationsansvar on 2015-01-01
# (SFS 2014:1267). Nothing in this register can be dated before the duty existed; the bound
# also keeps impossible dates (year 1, typing slips like 0202) out of the database.
EARLIEST_DATE = dt.date(2015, 1, 1)

# A future date that is allowed (a follow-up, a consent's end) is still refused when it
# is further ahead than this: every youth has left the group long before.
MAX_YEARS_AHEAD = 10

# Who the register holds: youths from the year they may leave compulsory school up to
# shortly after the 20th birthday (the after-exit follow-up and a late registration for
# the half-year just reported). Births outside make no sense in the register: a birth in
# the 1800s, or a 14-year-old typed with the wrong century, is a typing error.
REGISTER_MIN_AGE = 13
REGISTER_MAX_AGE = 21


def turns_20_on(birth_date: dt.date) -> dt.date:
    """The 20th birthday, the day the youth leaves the target group.

    A 29 February birthday turns 20 on 1 March in a year without 29 February (our
    reading, see personnummer.birthday_of_age).
    """
    return birthday_of_age(birth_date, TARGET_GROUP_AGE_LIMIT)


def spring_term_end(year: int, *, municipality=None) -> dt.date:
    """The last day of the spring term in `year` (per municipality, default 30 June)."""
    month, day = DEFAULT_SPRING_TERM_END
    if municipality is not None:
        month = getattr(municipality, "spring_term_end_month", None) or month
        day = getattr(municipality, "spring_term_end_day", None) or day
    # A day past the month's end (31 June) means the month's last day.
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def skolplikt_end(birth_date: dt.date, *, municipality=None) -> dt.date:
    """The last day of skolplikt: the end of the spring term of the calendar year the
    youth turns 16. The youth can enter the target group the day after."""
    return spring_term_end(birth_date.year + SKOLPLIKT_LAST_AGE, municipality=municipality)


def earliest_enrolment(birth_date: dt.date, *, municipality=None) -> dt.date:
    """The first day a youth can be enrolled without an explicit early-completion note."""
    return skolplikt_end(birth_date, municipality=municipality) + dt.timedelta(days=1)


class _Period(Protocol):
    start_date: dt.date
    end_date: dt.date | None


def period_covers(enrolment: _Period, day: dt.date) -> bool:
    """The enrolment's own period holds `day` (from start_date up to, not incl., end_date)."""
    return enrolment.start_date <= day and (enrolment.end_date is None or day < enrolment.end_date)


def enrolment_for(
    enrolments: Iterable[Enrolment], day: dt.date, *, turns_20: dt.date | None = None
) -> Enrolment | None:
    """The enrolment an event dated `day` belongs to, or None.

    `enrolments` is a prefetched list of one youth's enrolments. The youth's 20th birthday
    is read from `turns_20` or from each enrolment's youth (set on a related manager's
    rows without a query). Enrolments never overlap (the service refuses it); should old
    data overlap, the latest start wins.
    """
    found = None
    for enrolment in enrolments:
        limit = turns_20 if turns_20 is not None else enrolment.youth.turns_20_on
        if day >= limit or not period_covers(enrolment, day):
            continue
        if found is None or enrolment.start_date > found.start_date:
            found = enrolment
    return found


def covering_q(on: dt.date, *, youth: str | None = "youth__") -> Q:
    """The SQL form of `enrolment_for` for the Enrolment table.

    `youth` is the path from Enrolment to the youth's 20th birthday; None leaves that
    half to the caller (`Youth.objects.in_target_group` checks it on the youth itself).
    """
    condition = Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gt=on))
    if youth is not None:
        condition &= Q(**{f"{youth}turns_20_on__gt": on})
    return condition


# Date sanity --------------------------------------------------------------------------


def add_days(day: dt.date, days: int) -> dt.date:
    """`day` + `days`, held within the dates Python and PostgreSQL share (year 1 to 9999),
    so that old rows with absurd dates never crash a page or a job."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def latest_future_date(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)


def date_error(
    day: dt.date | dt.datetime | None,
    *,
    today: dt.date,
    birth_date: dt.date | None = None,
    future: bool = False,
    label: str | None = None,
) -> str | None:
    """The Swedish message for a date that cannot be right, or None.

    Refused: before EARLIEST_DATE, before the youth's birth, in the future (unless
    `future`), more than MAX_YEARS_AHEAD years ahead.
    """
    if day is None:
        return None
    if isinstance(day, dt.datetime):
        day = day.date()
    label = label or _("Datumet")
    if day < EARLIEST_DATE:
        return _("%(label)s kan inte vara före %(earliest)s.") % {
            "label": label,
            "earliest": EARLIEST_DATE.isoformat(),
        }
    if birth_date is not None and day < birth_date:
        return _("%(label)s kan inte vara före ungdomens födelsedag (%(birth)s).") % {
            "label": label,
            "birth": birth_date.isoformat(),
        }
    if not future and day > today:
        return _("%(label)s kan inte ligga i framtiden.") % {"label": label}
    if future and day > latest_future_date(today):
        return _("%(label)s kan inte ligga mer än %(years)s år fram i tiden.") % {
            "label": label,
            "years": MAX_YEARS_AHEAD,
        }
    return None


def check_date(
    day: dt.date | dt.datetime | None,
    *,
    field: str,
    today: dt.date,
    birth_date: dt.date | None = None,
    future: bool = False,
    label: str | None = None,
    errors: dict | None = None,
) -> None:
    """Record the date's problem under `field` in `errors`, or raise ValidationError."""
    message = date_error(day, today=today, birth_date=birth_date, future=future, label=label)
    if message is None:
        return
    if errors is None:
        raise ValidationError({field: message})
    errors.setdefault(field, message)


def birth_date_error(birth_date: dt.date, *, today: dt.date) -> str | None:
    """Why a youth born on `birth_date` cannot be registered on `today`, or None."""
    from youths.personnummer import age_on

    age = age_on(birth_date, today)
    if age < REGISTER_MIN_AGE:
        return _(
            "Ungdomen är %(age)s år. Registret gäller ungdomar från %(min)s år "
            "(skolplikten upphör vårterminen det år ungdomen fyller 16)."
        ) % {"age": age, "min": REGISTER_MIN_AGE}
    if age > REGISTER_MAX_AGE:
        return _(
            "Ungdomen är %(age)s år. Aktivitetsansvaret gäller till 20-årsdagen, så "
            "registret tar inte emot ungdomar äldre än %(max)s år. Kontrollera århundradet "
            "i personnumret."
        ) % {"age": age, "max": REGISTER_MAX_AGE}
    return None
