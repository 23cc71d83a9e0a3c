"""The shape of every casework form page about one youth."""

from django.shortcuts import render
from django.urls import reverse

from kaa.audit import audit_record
from kaa.idempotency import Done, submit_once
from kaa.models import AuditAction


def youth_page_read(request, youth) -> None:
    """A page showing this youth's data is being sent: the read goes into the audit trail,
    naming the page, so that the log follow-up sees every read (forms included)."""
    match = getattr(request, "resolver_match", None)
    audit_record(
        user=request.user,
        municipality_id=youth.municipality_id,
        action=AuditAction.YOUTH_VIEW,
        youth_id=youth.pk,
        detail={"page": match.view_name if match else ""},
    )


def youth_form_page(request, *, youth, form, title, submit, service, success, extra=None):
    """GET shows the form; a valid POST calls `service(**cleaned_data)` once per form
    token and returns to the youth page. A service's ValidationError goes onto the form,
    with everything typed kept."""
    if request.method == "POST":
        response = submit_once(
            request,
            form,
            lambda data: Done(reverse("youths:detail", args=[youth.pk]), success, service(**data)),
        )
        if response is not None:
            return response
    context = {"youth": youth, "form": form, "title": title, "submit": submit}
    context.update(extra or {})
    youth_page_read(request, youth)
    return render(request, "youths/youth_action_form.html", context)
