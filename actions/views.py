"""Casework pages: "Att göra", contacts, åtgärder, plan, consent, follow-up rules."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from actions import forms, selectors, services
from actions.models import FollowUpRules
from kaa.access import Perm, require_perm, youth_get_for_user
from kaa.audit import audit_record_list
from kaa.idempotency import Done, submit_once
from kaa.models import Role
from youths.formpage import youth_form_page


def _youth(request, pk):
    return youth_get_for_user(
        user=request.user,
        municipality=request.membership.municipality_id if request.membership else None,
        pk=pk,
        perm=Perm.CHANGE_YOUTHS,
    )


@login_required
def todo(request):
    membership = require_perm(request.membership, Perm.VIEW_YOUTHS)
    default_scope = "mine" if membership.role == Role.COORDINATOR else "all"
    scope = request.GET.get("vy", default_scope)
    if scope not in ("mine", "all", "none"):
        scope = default_scope
    today = timezone.localdate()
    sections = selectors.todo_for(
        user=request.user, municipality_id=membership.municipality_id, on=today, scope=scope
    )
    shown = {item.youth.pk for items in sections.values() for item in items}
    audit_record_list(
        user=request.user,
        municipality_id=membership.municipality_id,
        youth_ids=sorted(shown),
        context="todo",
    )
    return render(
        request,
        "actions/todo.html",
        {
            "sections": [(key, selectors.SECTIONS[key], items) for key, items in sections.items()],
            "scope": scope,
            "today": today,
            "total": sum(len(items) for items in sections.values()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request, pk):
    youth = _youth(request, pk)
    form = forms.ContactForm(request.POST or None)
    return youth_form_page(
        request,
        youth=youth,
        form=form,
        title=_("Registrera kontakt"),
        submit=_("Spara kontakt"),
        service=lambda **data: services.contact_log(acting_user=request.user, youth=youth, **data),
        success=_("Kontakten är registrerad."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_offer(request, pk):
    youth = _youth(request, pk)
    form = forms.ActionOfferForm(request.POST or None)
    return youth_form_page(
        request,
        youth=youth,
        form=form,
        title=_("Erbjud åtgärd"),
        submit=_("Spara erbjudandet"),
        service=lambda **data: services.action_offer(acting_user=request.user, youth=youth, **data),
        success=_("Åtgärden är erbjuden."),
    )


ACTION_STEPS = {
    "svar": (
        forms.ActionRespondForm,
        services.action_respond,
        _("Ungdomens svar"),
        _("Spara svar"),
        _("Svaret är registrerat."),
    ),
    "starta": (
        forms.ActionStartForm,
        services.action_start,
        _("Starta åtgärd"),
        _("Starta"),
        _("Åtgärden har startat."),
    ),
    "avsluta": (
        forms.ActionEndForm,
        services.action_end,
        _("Avsluta åtgärd"),
        _("Avsluta"),
        _("Åtgärden är avslutad."),
    ),
    "komplettera": (
        forms.ActionCompleteForm,
        services.action_complete_occupation,
        _("Komplettera sysselsättning efter åtgärden"),
        _("Spara"),
        _("Sysselsättningen efter åtgärden är sparad."),
    ),
    "uppfoljning": (
        forms.ActionFollowUpForm,
        services.action_set_follow_up,
        _("Uppföljning av åtgärd"),
        _("Spara"),
        _("Uppföljningsdatumet är sparat."),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def action_step(request, pk, action_pk, step):
    youth = _youth(request, pk)
    action = get_object_or_404(youth.actions.select_related("kind"), pk=action_pk)
    if step not in ACTION_STEPS:
        raise Http404
    form_class, service, title, submit, success = ACTION_STEPS[step]
    form = form_class(request.POST or None)
    return youth_form_page(
        request,
        youth=youth,
        form=form,
        title=f"{title}: {action.kind.label}",
        submit=submit,
        service=lambda **data: service(acting_user=request.user, action=action, **data),
        success=success,
        extra={"action": action},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_revise(request, pk):
    youth = _youth(request, pk)
    current = youth.plan_revisions.first()
    initial = {"goal": current.goal, "steps": current.steps} if current else {}
    form = forms.PlanForm(request.POST or None, initial=initial)
    return youth_form_page(
        request,
        youth=youth,
        form=form,
        title=_("Individuell planering"),
        submit=_("Spara ny version"),
        service=lambda **data: services.plan_revise(acting_user=request.user, youth=youth, **data),
        success=_("Planeringen är sparad. Tidigare versioner finns kvar."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request, pk):
    youth = _youth(request, pk)
    form = forms.ConsentForm(request.POST or None)
    return youth_form_page(
        request,
        youth=youth,
        form=form,
        title=_("Registrera samtycke"),
        submit=_("Spara samtycke"),
        service=lambda **data: services.consent_register(
            acting_user=request.user, youth=youth, **data
        ),
        success=_("Samtycket är registrerat."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, pk, consent_pk):
    youth = _youth(request, pk)
    consent = get_object_or_404(youth.consents, pk=consent_pk)
    form = forms.ConsentWithdrawForm(request.POST or None)
    return youth_form_page(
        request,
        youth=youth,
        form=form,
        title=_("Återkalla samtycke: %(agency)s") % {"agency": consent.agency},
        submit=_("Återkalla"),
        service=lambda **data: services.consent_withdraw(
            acting_user=request.user, consent=consent, **data
        ),
        success=_("Samtycket är återkallat."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_rules(request):
    membership = require_perm(request.membership, Perm.MANAGE_USERS)
    rules = FollowUpRules.for_municipality(membership.municipality_id)
    form = forms.FollowUpRulesForm(request.POST or None, instance=rules)
    if request.method == "POST":
        response = submit_once(
            request,
            form,
            lambda data: Done(
                reverse("actions:rules"),
                _("Uppföljningsreglerna är sparade."),
                services.follow_up_rules_update(
                    acting_user=request.user, municipality=membership.municipality, **data
                ),
            ),
        )
        if response is not None:
            return response
    return render(
        request,
        "kaa/form_page.html",
        {"form": form, "title": _("Uppföljningsregler"), "submit": _("Spara")},
    )
