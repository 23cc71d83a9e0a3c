"""Monthly figures and the day's overview per municipality: caches a job can always rebuild.

The target group on a month's last day is computed from dates (enrolments, birth dates)
like every other figure; the table only saves the overview from recounting three years
of month-ends on every view. Each row says when it was computed, and the page shows it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaa.models import Municipality


class MonthlyFigure(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="monthly_figures"
    )
    month_end = models.DateField(_("månadens sista dag"))
    in_group = models.PositiveIntegerField(_("i målgruppen"))
    women = models.PositiveIntegerField(_("kvinnor"))
    men = models.PositiveIntegerField(_("män"))
    # [[kön, age on month_end, count], …]: the split the issue asks of every figure.
    # Empty on rows computed before it existed, until the next rebuild.
    by_sex_age = models.JSONField(_("per kön och ålder"), default=list, blank=True)
    computed_at = models.DateTimeField(_("beräknad"))

    class Meta:
        ordering = ["municipality", "month_end"]
        verbose_name = _("månadssiffra")
        verbose_name_plural = _("månadssiffror")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "month_end"], name="monthly_figure_one_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.month_end}"


class OverviewSnapshot(models.Model):
    """The overview's figures for a municipality on a day, as computed at `computed_at`.

    Counting every figure over a city's register takes seconds, so the page reads the
    figures computed by the nightly job (or on demand, or by the day's first view) and
    says when they were computed; the lists behind them are always live.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="overview_snapshots"
    )
    on = models.DateField(_("dag"))
    computed_at = models.DateTimeField(_("beräknad"))
    data = models.JSONField()

    class Meta:
        verbose_name = _("översikt (beräknad)")
        verbose_name_plural = _("översikter (beräknade)")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "on"], name="overview_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.on}"


class CaseloadTrend(models.Model):
    """A coordinator's caseload (the youths assigned to them) in the group on the last day
    of each past half-year, as computed at `computed_at` for the day `on`.

    Counting past half-years over the caseload takes a quarter of a second at a city's
    scale, too slow for every view of the overview; the past does not change within a
    day except through late corrections, so the nightly job (or the day's first view)
    counts it and the page says when. The running half-year is always counted live.
    """

    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    on = models.DateField(_("dag"))
    computed_at = models.DateTimeField(_("beräknad"))
    # [[half-year end (ISO), [[kön, age on that day, count], …]], …], oldest first.
    points = models.JSONField(default=list)

    class Meta:
        verbose_name = _("ärendemängdens utveckling (beräknad)")
        verbose_name_plural = _("ärendemängdens utveckling (beräknad)")
        constraints = [
            models.UniqueConstraint(
                fields=["coordinator", "municipality", "on"], name="caseload_trend_one_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.coordinator_id} {self.municipality_id} {self.on}"
