"""The shape of every casework form page about one youth."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from kaa.forms_util import apply_validation_error


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
    return render(request, "youths/youth_action_form.html", context)
