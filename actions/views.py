"""Casework pages: "Att göra", contacts, åtgärder, plan, consent, follow-up rules."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from actions import forms, services
from actions import todo as todo_queue
from actions.models import FollowUpRules
from kaa.access import Perm, require_perm, youth_get_for_user
from kaa.audit import audit_record_list
from kaa.idempotency import Done, submit_once
from kaa.models import Role
from kaa.versioning import split_base
from youths.formpage import youth_form_page


def _youth(request, pk):
    return youth_get_for_user(
        user=request.user,
        municipality=request.membership.municipality_id if request.membership else None,
        pk=pk,
        perm=Perm.CHANGE_YOUTHS,
    )


TODO_CAP = 10  # rows per section on the overview; "Visa alla" pages through the rest
TODO_PAGE = 50


@login_required
def todo(request):
    membership = require_perm(request.membership, Perm.VIEW_YOUTHS)
    coordinator = membership.role == Role.COORDINATOR
    scope = request.GET.get("vy")
    # A rektor's or administrator's landing page is not the municipality's list of names:
    # it gives the counts, and a click opens a section.
    counts_only = scope is None and not coordinator
    if scope not in todo_queue.SCOPES:
        scope = "mine" if coordinator else "all"
    today = timezone.localdate()
    queue = todo_queue.Queue(
        user=request.user, municipality_id=membership.municipality_id, on=today, scope=scope
    )
    keys = queue.keys()
    counts = queue.counts()
    section = request.GET.get("avsnitt")
    page_number = 1
    if section in keys:
        try:
            page_number = max(1, int(request.GET.get("sida", "1")))
        except ValueError:
            page_number = 1
        pages = max(1, -(-counts[section] // TODO_PAGE))
        page_number = min(page_number, pages)
        shown = [
            (
                section,
                queue.page(section, offset=(page_number - 1) * TODO_PAGE, limit=TODO_PAGE),
            )
        ]
    else:
        section, pages = None, 1
        shown = (
            []
            if counts_only
            else list(queue.overview([k for k in keys if counts[k]], limit=TODO_CAP).items())
        )
    youth_ids = sorted({item.youth.pk for _key, items in shown for item in items})
    audit_record_list(
        user=request.user,
        municipality_id=membership.municipality_id,
        youth_ids=youth_ids,
        context="todo",
    )
    return render(
        request,
        "actions/todo.html",
        {
            "counts": [(key, todo_queue.SECTIONS[key], counts[key]) for key in keys],
            "sections": [
                {
                    "key": key,
                    "label": todo_queue.SECTIONS[key],
                    "meaning": todo_queue.DATE_MEANING[key],
                    "items": items,
                    "count": counts[key],
                    "more": counts[key] - len(items) if section is None else 0,
                }
                for key, items in shown
                if items
            ],
            "section": section,
            "page_number": page_number,
            "pages": pages,
            "scope": scope,
            "today": today,
            "total": sum(counts.values()),
            "counts_only": counts_only,
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
    form = forms.PlanForm(
        request.POST or None,
        initial=initial,
        # The plan's version is the revision the form is based on.
        edit_base=(current.pk if current else 0, {"goal": "", "steps": "", **initial}),
    )

    def revise(**data):
        based_on, values = split_base(data)
        return services.plan_revise(
            acting_user=request.user, youth=youth, based_on=based_on, **values
        )

    return youth_form_page(
        request,
        youth=youth,
        form=form,
        title=_("Individuell planering"),
        submit=_("Spara ny version"),
        service=revise,
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
    form = forms.FollowUpRulesForm(
        request.POST or None,
        instance=rules,
        edit_base=(
            rules.version,
            {name: getattr(rules, name) for name in forms.FollowUpRulesForm.Meta.fields},
        ),
    )

    def save(data) -> Done:
        based_on, values = split_base(data)
        saved = services.follow_up_rules_update(
            acting_user=request.user,
            municipality=membership.municipality,
            based_on=based_on,
            **values,
        )
        return Done(reverse("actions:rules"), _("Uppföljningsreglerna är sparade."), saved)

    if request.method == "POST":
        response = submit_once(request, form, save)
        if response is not None:
            return response
    return render(
        request,
        "kaa/form_page.html",
        {"form": form, "title": _("Uppföljningsregler"), "submit": _("Spara")},
    )
