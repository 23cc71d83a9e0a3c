"""Översikt for rektor and chef, the nämnd report, and the drill-down links to the list."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dashboards import charts, report, selectors
from dashboards.services import caseload_trend_past, last_computed, municipality_overview
from dashboards.tasks import rebuild_monthly_figures
from kaa.access import Perm, has_perm, require_perm, youths_visible_to
from kaa.models import Role
from youths.figures import (
    FIGURE_LABELS,
    OUTCOME_CATEGORIES,
    half_year_label,
    half_year_start,
    parse_half_year,
    period_for,
    period_of_half_year,
)

SEXES = (("K", gettext_lazy("Kvinnor")), ("M", gettext_lazy("Män")))
SCOPE_MINE = "mina"
SCOPE_MUNICIPALITY = "kommun"
REBUILD_COOLDOWN = dt.timedelta(minutes=5)


def _scope(request, membership) -> str:
    # A coordinator sees the figures of their own caseload as well as the municipality's.
    if membership.role == Role.COORDINATOR and request.GET.get("urval") == SCOPE_MINE:
        return SCOPE_MINE
    return SCOPE_MUNICIPALITY


def _trend_chart(trend):
    labels = [point.label for point in trend]
    return charts.grouped_bars(
        labels,
        [
            ("bar-women", [point.women for point in trend]),
            ("bar-men", [point.men for point in trend]),
        ],
    )


def _figures_chart(data):
    keys = list(data.figures)
    return charts.grouped_bars(
        [str(FIGURE_LABELS[key]) for key in keys],
        [
            ("bar-women", [data.figures[key].by_sex["K"] for key in keys]),
            ("bar-men", [data.figures[key].by_sex["M"] for key in keys]),
        ],
    )


@login_required
def overview(request):
    membership = require_perm(request.membership, Perm.VIEW_STATISTICS)
    today = timezone.localdate()
    scope = _scope(request, membership)
    youths = youths_visible_to(request.user, municipality=membership.municipality_id)
    if scope == SCOPE_MINE:
        youths = youths.filter(assigned_to=request.user)
    period = period_for(today)
    if scope == SCOPE_MINE:
        # Today's figures of a caseload are counted live on every view (a few hundred
        # youths); its past half-years come from the day's stored count.
        data, computed_at = selectors.overview(youths, period), None
        past, past_computed_at = caseload_trend_past(
            caseload=youths,
            coordinator_id=request.user.pk,
            municipality_id=membership.municipality_id,
            today=today,
        )
        trend = selectors.caseload_trend(
            period=period, past=past, computed_at=past_computed_at, current=data.in_group
        )
    else:
        data, computed_at = municipality_overview(
            municipality_id=membership.municipality_id, today=today
        )
        trend = selectors.half_year_trend(
            municipality_id=membership.municipality_id, period=period, current=data.in_group
        )
    return render(
        request,
        "dashboards/overview.html",
        {
            "data": data,
            "computed_at": computed_at,
            "trend": trend,
            "trend_ages": selectors.trend_ages(trend),
            "trend_chart": _trend_chart(trend),
            "trend_computed_at": min((p.computed_at for p in trend if p.computed_at), default=None),
            "trend_missing": any(p.in_group is None for p in trend),
            "figures_chart": _figures_chart(data),
            "figure_labels": FIGURE_LABELS,
            "outcome_categories": OUTCOME_CATEGORIES,
            "sexes": SEXES,
            "scope": scope,
            "can_choose_scope": membership.role == Role.COORDINATOR,
            "can_rebuild": has_perm(membership, Perm.REBUILD_STATISTICS),
            "can_drill": has_perm(membership, Perm.VIEW_YOUTHS),
            "drill_base": {
                "coordinator": "mine" if scope == SCOPE_MINE else "all",
            },
        },
    )


@login_required
@require_POST
def rebuild(request):
    """Recount the overview and the monthly figures now (caches of counts; no record
    changes). Rektor and administrator may (Perm.REBUILD_STATISTICS). A press within
    REBUILD_COOLDOWN of the last recount (the monthly figures' time) queues nothing:
    repeated presses would pile recounts of a whole municipality onto the database."""
    membership = require_perm(request.membership, Perm.REBUILD_STATISTICS)
    municipality_id = membership.municipality_id
    latest = last_computed(municipality_id)
    if latest is not None and timezone.now() - latest < REBUILD_COOLDOWN:
        messages.info(
            request,
            _("Siffrorna räknades om %(at)s. Vänta några minuter innan du räknar om igen.")
            % {"at": timezone.localtime(latest).strftime("%H:%M")},
        )
        return redirect("dashboards:overview")
    transaction.on_commit(lambda: rebuild_monthly_figures.delay(municipality_id=municipality_id))
    messages.success(request, _("Siffrorna räknas om. Ladda om sidan om en stund för att se dem."))
    return redirect("dashboards:overview")


def _report_context(request, membership):
    today = timezone.localdate()
    current = half_year_start(today)
    choices = [current]
    while len(choices) < 6:
        choices.append(half_year_start(choices[-1] - dt.timedelta(days=1)))
    wanted = parse_half_year(request.GET.get("halvar", ""))
    start = wanted if wanted in choices else current
    period = period_of_half_year(start, today=today)
    if start == current:
        # The running half-year on today: the overview's figures of the day, as stored
        # (counting a city's register takes about a second), with when they were counted.
        data, computed_at = municipality_overview(
            municipality_id=membership.municipality_id, today=today
        )
    else:
        youths = youths_visible_to(request.user, municipality=membership.municipality_id)
        data, computed_at = selectors.overview(youths, period), timezone.now()
    trend = selectors.half_year_trend(
        municipality_id=membership.municipality_id, period=period, current=data.in_group
    )
    return {
        "data": data,
        "trend": trend,
        "trend_ages": selectors.trend_ages(trend),
        "municipality": membership.municipality,
        "half_year": half_year_label(start),
        "half_year_param": f"{start.year}H{1 if start.month == 1 else 2}",
        "choices": [
            (f"{c.year}H{1 if c.month == 1 else 2}", half_year_label(c), c == start)
            for c in choices
        ],
        "figure_labels": FIGURE_LABELS,
        "outcome_categories": OUTCOME_CATEGORIES,
        "sexes": SEXES,
        "computed_at": timezone.localtime(computed_at),
        "trend_computed_at": last_computed(membership.municipality_id),
    }


@login_required
def report_page(request):
    """The half-year report for the nämnd, printable: figures only, no names."""
    membership = require_perm(request.membership, Perm.VIEW_STATISTICS)
    return render(request, "dashboards/report.html", _report_context(request, membership))


@login_required
def report_xlsx(request):
    membership = require_perm(request.membership, Perm.VIEW_STATISTICS)
    context = _report_context(request, membership)
    content = report.render_xlsx(context)
    filename = f"kaa-namndrapport-{context['municipality'].code}-{context['half_year_param']}.xlsx"
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
