"""The shape of every casework form page about one youth."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from kaa.audit import audit_record
from kaa.forms_util import apply_validation_error
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
    """GET shows the form; a valid POST calls `service(**cleaned_data)` and returns to the
    youth page. A service's ValidationError goes onto the form, with everything typed kept."""
    if request.method == "POST" and form.is_valid():
        try:
            service(**form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, success)
            return redirect("youths:detail", pk=youth.pk)
    context = {"youth": youth, "form": form, "title": title, "submit": submit}
    context.update(extra or {})
    youth_page_read(request, youth)
    return render(request, "youths/youth_action_form.html", context)
