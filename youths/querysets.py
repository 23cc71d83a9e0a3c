"""Reads of the register as QuerySet methods. Status comes from dates, never stored flags."""

from __future__ import annotations

import datetime as dt
import re

from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from youths import personnummer, rules


class Status(models.TextChoices):
    IN_GROUP = "i_malgrupp", _("I målgruppen")
    TO_VERIFY = "att_utreda", _("Att utreda")
    OUTSIDE = "ej_aktuell", _("Ej i målgruppen")


class EnrolmentQuerySet(models.QuerySet):
    def covering(self, on: dt.date):
        """The enrolments an event dated `on` belongs to (rules.enrolment_for in SQL):
        the period holds the day and the youth has not turned 20."""
        return self.filter(rules.covering_q(on))

    def period_covering(self, on: dt.date):
        """Half of the rule: the period holds the day. The caller checks the 20th
        birthday on the youth (see YouthQuerySet.in_target_group)."""
        return self.filter(rules.covering_q(on, youth=None))

    def open(self):
        return self.filter(end_date__isnull=True)

    def overlapping(self, start: dt.date, end: dt.date | None):
        """Enrolments that share at least one day with [start, end)."""
        queryset = self.filter(Q(end_date__isnull=True) | Q(end_date__gt=start))
        if end is not None:
            queryset = queryset.filter(start_date__lt=end)
        return queryset


def in_target_group_q(on: dt.date) -> Q:
    """The SQL form of rules.enrolment_for seen from the youth: an enrolment's period
    holds `on` and the youth has not turned 20 (the birthday is checked on the youth's
    own row, so the subquery needs no join)."""
    from youths.models import Enrolment

    covering = Enrolment.objects.period_covering(on).filter(youth=OuterRef("pk"))
    return Q(Exists(covering)) & Q(turns_20_on__gt=on)


def summary_reads(on: dt.date) -> bool:
    """Whether the casework summary (youths/summary.py) answers questions about `on`: its
    latest enrolment is the covering one on any day from its start on, so on today and
    later. An earlier day is read from the enrolments themselves."""
    from django.utils import timezone

    return on >= timezone.localdate()


def summary_in_group_q(on: dt.date, *, prefix: str = "case_summary__") -> Q:
    """`in_target_group_q(on)` read from the summary's columns, for `on` today or later
    (`summary_reads`): the latest enrolment holds the day and the youth is under 20."""
    return Q(**{f"{prefix}enrolled_since__lte": on, f"{prefix}turns_20_on__gt": on}) & (
        Q(**{f"{prefix}enrolled_until__isnull": True}) | Q(**{f"{prefix}enrolled_until__gt": on})
    )


def summary_not_in_group_q(on: dt.date, *, prefix: str = "case_summary__") -> Q:
    """The negation of `summary_in_group_q` as plain conditions (no NOT over the join)."""
    return (
        Q(**{f"{prefix}enrolled_since__isnull": True})
        | Q(**{f"{prefix}enrolled_since__gt": on})
        | Q(**{f"{prefix}enrolled_until__lte": on})
        | Q(**{f"{prefix}turns_20_on__lte": on})
    )


def same_municipality_q(prefix: str = "case_summary__") -> Q:
    """The summary row's copy of the municipality equals the youth's: PostgreSQL carries
    the youth's `municipality_id = N` over to the summary, which it then reads through
    its (municipality, …) indexes instead of the whole table."""
    return Q(**{f"{prefix}municipality_id": F("municipality_id")})


def summary_status_q(status: str, on: dt.date, *, prefix: str = "case_summary__") -> Q:
    """The youth list's status filter from the summary, for `on` today or later.
    `prefix=""`: the same on the summary's own rows (no join, no municipality check)."""
    if status == Status.IN_GROUP:
        condition = summary_in_group_q(on, prefix=prefix)
    else:
        opened = f"{prefix}verification_opened_on__isnull"
        condition = summary_not_in_group_q(on, prefix=prefix) & Q(
            **{opened: status != Status.TO_VERIFY}
        )
    return same_municipality_q(prefix) & condition if prefix else condition


class YouthQuerySet(models.QuerySet):
    def in_target_group(self, *, on: dt.date):
        """In the group on `on`: an enrolment covers the day and the youth is under 20."""
        return self.filter(in_target_group_q(on))

    def in_target_group_fast(self, *, on: dt.date):
        """`in_target_group`, read from the casework summary when it can answer for `on`
        (today or later), otherwise from the enrolments."""
        if summary_reads(on):
            return self.filter(same_municipality_q() & summary_in_group_q(on))
        return self.in_target_group(on=on)

    def to_verify(self):
        from youths.models import Verification

        return self.filter(
            Exists(Verification.objects.filter(youth=OuterRef("pk"), resolved_on__isnull=True))
        )

    def with_status(self, *, on: dt.date):
        from youths.models import Enrolment, Verification

        open_verification = Verification.objects.filter(
            youth=OuterRef("pk"), resolved_on__isnull=True
        )
        return self.annotate(
            status=Case(
                When(in_target_group_q(on), then=Value(Status.IN_GROUP)),
                When(Exists(open_verification), then=Value(Status.TO_VERIFY)),
                default=Value(Status.OUTSIDE),
                output_field=models.CharField(),
            ),
            current_enrolment_start=Subquery(
                Enrolment.objects.covering(on)
                .filter(youth=OuterRef("pk"))
                .order_by("-start_date")
                .values("start_date")[:1]
            ),
        )

    def with_status_value(self, status: str, *, on: dt.date):
        return self.with_status(on=on).filter(status=status)

    def aged(self, *, on: dt.date, minimum: int | None = None, maximum: int | None = None):
        """Youths whose age on `on` is within [minimum, maximum]."""
        queryset = self
        if minimum is not None:
            # Age >= minimum  <=>  born on or before the day `minimum` years before `on`.
            queryset = queryset.filter(birth_date__lte=_years_before(on, minimum))
        if maximum is not None:
            # Age <= maximum  <=>  born after the day `maximum + 1` years before `on`.
            queryset = queryset.filter(birth_date__gt=_years_before(on, maximum + 1))
        return queryset

    def search(self, text: str, *, today: dt.date | None = None):
        """By personnummer (any accepted form, or a part of the digits) or by name."""
        text = (text or "").strip()
        if not text:
            return self
        compact = re.sub(r"[\s\-+]", "", text)
        if compact.isdigit():
            if len(compact) in (10, 12):
                try:
                    return self.filter(personnummer=personnummer.normalize(text, today=today))
                except personnummer.InvalidPersonnummer:
                    pass
            return self.filter(personnummer__contains=compact)
        from youths.folding import Folded, fold

        # Without diacritics and case: "bjork" finds Björk (youths/folding.py).
        queryset = self.alias(folded_first=Folded("first_name"), folded_last=Folded("last_name"))
        for term in text.split():
            term = fold(term)
            queryset = queryset.filter(
                Q(folded_first__contains=term) | Q(folded_last__contains=term)
            )
        return queryset

    def for_list_page(self, *, on: dt.date):
        return self.select_related("assigned_to").with_status(on=on)


def _years_before(on: dt.date, years: int) -> dt.date:
    """The day `years` years before `on` (a 29 February falls back to 28 February)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)
