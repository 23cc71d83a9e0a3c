"""One write per form: a one-time token in every form that writes.

The token is rendered as a hidden field (`{% form_token %}`), and the POST is handled by
`submit_once`: the token is stored in the same transaction as the write, under a unique
constraint, so a second POST with the same token (a double-click, a reload of the POST, a
retried request, even five at once) is sent where the first went, with the same message,
and writes nothing. A write refused with a ValidationError stores nothing, so the same
form can be corrected and sent again.

A POST without a token (a client that does not render our forms) is handled as before.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from kaa.forms_util import apply_validation_error
from kaa.models import FormSubmission

TOKEN_FIELD = "form_token"
# A form is normally sent within the session (at most 12 hours); a week is ample.
KEEP_DAYS = 7


@dataclass
class Done:
    """What a successful write answers: where to go and what to say."""

    redirect_to: str
    message: str
    obj: object = None


def posted_token(request) -> uuid.UUID | None:
    if request.method != "POST":
        return None
    try:
        return uuid.UUID(request.POST.get(TOKEN_FIELD, ""))
    except ValueError:
        return None


def token_for(request) -> str:
    """The token to render: the posted one when a form is shown again after an error
    (it is still unused), otherwise a new one."""
    token = posted_token(request)
    return str(token or uuid.uuid4())


def _replay(request, token: uuid.UUID) -> HttpResponse | None:
    done = FormSubmission.objects.filter(user=request.user, token=token).first()
    if done is None:
        return None
    if done.message:
        messages.success(request, done.message)
    return redirect(done.redirect_to)


class _AlreadySubmitted(Exception):
    pass


def submit_once(
    request,
    form,
    perform: Callable[[dict], Done],
    *,
    on_error: Callable[[ValidationError], None] | None = None,
) -> HttpResponse | None:
    """Validate `form` and run `perform(cleaned_data)` at most once per form token.

    Returns the redirect of a successful (or earlier) submission, or None when the form
    is to be shown again: invalid input, or the service's ValidationError, which goes onto
    the form (through `on_error` when given).
    """
    token = posted_token(request)
    if token is not None:
        # Before validation: the second POST of a "create user" form would otherwise be
        # refused because the first one created the user.
        earlier = _replay(request, token)
        if earlier is not None:
            return earlier
    if not form.is_valid():
        return None
    try:
        with transaction.atomic():
            submission = None
            if token is not None:
                try:
                    with transaction.atomic():
                        submission = FormSubmission.objects.create(
                            user=request.user, token=token, redirect_to="/"
                        )
                except IntegrityError:
                    # A POST with the same token committed while this one ran.
                    raise _AlreadySubmitted from None
            done = perform(form.cleaned_data)
            if submission is not None:
                submission.redirect_to = done.redirect_to
                submission.message = str(done.message)[:300]
                if getattr(done.obj, "pk", None) is not None:
                    submission.object_type = done.obj._meta.model_name
                    submission.object_id = done.obj.pk
                submission.save(
                    update_fields=["redirect_to", "message", "object_type", "object_id"]
                )
    except _AlreadySubmitted:
        return _replay(request, token) or redirect("home")
    except ValidationError as error:
        handler = on_error or getattr(form, "show_error", None)
        if handler is None:
            apply_validation_error(form, error)
        else:
            handler(error)
        return None
    if done.message:
        messages.success(request, done.message)
    return redirect(done.redirect_to)


def purge_form_submissions(*, now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(days=KEEP_DAYS)
    deleted, _ = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
