"""Pages of the youth register. Thin: access helper, form, one service, redirect."""

import copy
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaa.access import Perm, has_perm, require_perm, youth_get_for_user, youths_visible_to
from kaa.audit import audit_record, audit_record_list
from kaa.forms_util import apply_validation_error
from kaa.idempotency import Done, submit_once
from kaa.models import AuditAction, AuditEvent, Code, Role
from kaa.versioning import split_base
from youths import personnummer, selectors, services
from youths.figures import FIGURE_PARAMS, FigureFilter
from youths.formpage import youth_form_page, youth_page_read
from youths.forms import (
    AssignForm,
    EnrolmentCloseForm,
    EnrolmentForm,
    GuardianForm,
    VerificationOpenForm,
    VerificationResolveForm,
    YouthEditForm,
    YouthFilterForm,
    YouthRegisterForm,
)
from youths.search import search_recall, search_remember
from youths.services import YOUTH_FIELDS

TIMELINE_PAGE = 50


def _municipality_id(request):
    return request.membership.municipality_id if request.membership else None


def _youth(request, pk, perm=Perm.VIEW_YOUTHS, **kwargs):
    return youth_get_for_user(
        user=request.user, municipality=_municipality_id(request), pk=pk, perm=perm, **kwargs
    )


def _default_coordinator(membership) -> str:
    return "mine" if membership.role == Role.COORDINATOR else "all"


@login_required
def youth_list(request):
    membership = require_perm(request.membership, Perm.VIEW_YOUTHS)
    default_coordinator = _default_coordinator(membership)
    # The search text never comes from the URL: only from a search kept on the server.
    token = request.GET.get("sok")
    text = search_recall(request, token)
    if token and text is None:
        messages.info(request, _("Sökningen har gått ut. Sök igen."))
    query = request.GET.copy()
    for key in ("q", "page"):
        query.pop(key, None)
    if text is None:
        query.pop("sok", None)
    data = query.copy()
    data.setdefault("coordinator", default_coordinator)
    if text is not None:
        data["q"] = text
    assignable = list(selectors.assignable_users(membership.municipality_id))
    form = YouthFilterForm(data, assignable=assignable, default_coordinator=default_coordinator)
    filters = form.cleaned_data if form.is_valid() else {"coordinator": default_coordinator}
    return _youth_list_page(
        request, membership, form=form, filters=filters, query_string=query.urlencode()
    )


@login_required
@require_POST
def youth_search(request):
    """The search form posts here: exactly one match opens that youth, otherwise the list
    shows the results under an opaque token (see youths/search.py)."""
    membership = require_perm(request.membership, Perm.VIEW_YOUTHS)
    default_coordinator = _default_coordinator(membership)
    assignable = list(selectors.assignable_users(membership.municipality_id))
    form = YouthFilterForm(
        request.POST, assignable=assignable, default_coordinator=default_coordinator
    )
    if not form.is_valid():
        return _youth_list_page(
            request,
            membership,
            form=form,
            filters={"coordinator": default_coordinator},
            query_string="",
        )
    filters = form.cleaned_data
    query = QueryDict(mutable=True)
    for key in ("status", "coordinator", "age"):
        if filters.get(key) not in ("", None):
            query[key] = str(filters[key])
    # A drill-down from the overview stays while searching within it.
    for key in FIGURE_PARAMS:
        if request.POST.get(key):
            query[key] = request.POST[key]
    text = filters.get("q", "").strip()
    if text:
        matches = list(_filtered(request, membership, filters).values_list("pk", flat=True)[:2])
        if len(matches) == 1:
            return redirect("youths:detail", pk=matches[0])
        query["sok"] = search_remember(request, text)
    url = reverse("youths:list")
    return redirect(f"{url}?{query.urlencode()}" if query else url)


def _figure(request):
    """A drill-down from the overview: the youths behind one figure (see youths/figures.py)."""
    figure = FigureFilter.from_query(request.GET if request.method == "GET" else request.POST)
    return figure, (figure.period(today=timezone.localdate()) if figure else None)


def _list_arguments(request, membership, filters) -> dict:
    figure, figure_period = _figure(request)
    return {
        "municipality_id": membership.municipality_id,
        "on": timezone.localdate(),
        "text": filters.get("q", ""),
        "status": filters.get("status", ""),
        "coordinator": filters.get("coordinator") or _default_coordinator(membership),
        "age": filters.get("age"),
        "figure": figure,
        "figure_period": figure_period,
    }


def _filtered(request, membership, filters):
    return selectors.youth_list(user=request.user, **_list_arguments(request, membership, filters))


def _youth_list_page(request, membership, *, form, filters, query_string):
    figure, figure_period = _figure(request)
    arguments = _list_arguments(request, membership, filters)
    queryset = selectors.youth_list(user=request.user, **arguments)
    page = selectors.youth_list_page(
        queryset,
        number=request.GET.get("page"),
        per_page=settings.KAA_PAGE_SIZE,
        from_summary=selectors.youth_list_from_summary(queryset, **arguments),
    )
    youths = page.object_list
    # A search looks in the whole municipality: say how many more match outside the
    # chosen filters, with one click to see them.
    outside, widen = 0, ""
    if filters.get("q") and (
        filters.get("status")
        or filters.get("age") is not None
        or filters.get("coordinator") != "all"
    ):
        everywhere = dict(filters, status="", age=None, coordinator="all")
        outside = _filtered(request, membership, everywhere).count() - page.paginator.count
        token = QueryDict(query_string).get("sok", "")
        widen = QueryDict(mutable=True)
        widen.update({"coordinator": "all", "sok": token})
        widen = widen.urlencode()
    audit_record_list(
        user=request.user,
        municipality_id=membership.municipality_id,
        youth_ids=[youth.pk for youth in youths],
        context="youth_list",
    )
    return render(
        request,
        "youths/youth_list.html",
        {
            "form": form,
            "page": page,
            "youths": youths,
            "today": timezone.localdate(),
            "query_string": query_string,
            "figure": figure,
            "figure_period": figure_period,
            "figure_params": [
                (key, request.GET[key]) for key in FIGURE_PARAMS if figure and request.GET.get(key)
            ],
            "outside": max(0, outside),
            "widen": widen,
            "is_mine": (filters.get("coordinator") or _default_coordinator(membership)) == "mine",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def youth_create(request):
    membership = require_perm(request.membership, Perm.CHANGE_YOUTHS)
    assignable = selectors.assignable_users(membership.municipality_id)
    initial = {"assigned_to": request.user.pk if membership.role == Role.COORDINATOR else None}
    form = YouthRegisterForm(request.POST or None, assignable=assignable, initial=initial)

    def register(data) -> Done:
        data = dict(data)
        youth = services.youth_intake(
            acting_user=request.user,
            municipality=membership.municipality,
            personnummer_text=data.pop("personnummer_text"),
            **data,
        )
        return Done(reverse("youths:detail", args=[youth.pk]), _("Ungdomen är registrerad."), youth)

    existing = None
    if request.method == "POST":
        response = submit_once(request, form, register)
        if response is not None:
            return response
        existing = _already_registered(request, membership, form)
    return render(request, "youths/youth_register.html", {"form": form, "existing": existing})


def _already_registered(request, membership, form):
    """The youth a refused registration is about, when the number is already there: the
    error then links to that youth (its page, by id; no personnummer in the URL)."""
    if not form.errors:
        return None
    try:
        digits = personnummer.normalize(request.POST.get("personnummer_text", ""))
    except personnummer.InvalidPersonnummer:
        return None
    return (
        youths_visible_to(request.user, municipality=membership.municipality_id)
        .filter(personnummer=digits)
        .first()
    )


def _contact_form():
    # The casework app sits above this one (kaa <- youths <- actions).
    from actions.forms import ContactForm

    return ContactForm()


@login_required
def youth_detail(request, pk):
    youth = _youth(request, pk, record_read=True)
    today = timezone.localdate()
    context = selectors.youth_detail(youth, on=today)
    # A long history is paged (newest first); the rest of the page is the same.
    timeline_page = Paginator(context["timeline"], TIMELINE_PAGE).get_page(
        request.GET.get("handelser")
    )
    context["timeline"] = timeline_page.object_list
    context["timeline_page"] = timeline_page
    can_change = has_perm(request.membership, Perm.CHANGE_YOUTHS)
    context.update(
        {
            "youth": youth,
            "today": today,
            "can_change": can_change,
            "can_view_access_log": has_perm(request.membership, Perm.VIEW_ACCESS_LOG),
            "contact_form": _contact_form() if can_change else None,
            "assign_form": AssignForm(
                assignable=selectors.assignable_users(youth.municipality_id),
                initial={"assignee": youth.assigned_to_id},
            )
            if can_change
            else None,
        }
    )
    return render(request, "youths/youth_detail.html", context)


def _form_page(
    request, *, youth, form, title, submit, template="youths/youth_action_form.html", extra=None
):
    context = {"youth": youth, "form": form, "title": title, "submit": submit}
    context.update(extra or {})
    youth_page_read(request, youth)
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def youth_edit(request, pk):
    youth = _youth(request, pk, perm=Perm.CHANGE_YOUTHS)
    # The form validates on a copy: a ModelForm writes into its instance while validating,
    # and the service must see what changed.
    form = YouthEditForm(
        request.POST or None,
        instance=copy.copy(youth),
        edit_base=(youth.version, {name: getattr(youth, name) for name in YOUTH_FIELDS}),
    )

    def save(data) -> Done:
        based_on, changes = split_base(data)
        youth_saved = services.youth_update(
            acting_user=request.user, youth=youth, based_on=based_on, **changes
        )
        return Done(
            reverse("youths:detail", args=[youth.pk]), _("Uppgifterna är sparade."), youth_saved
        )

    if request.method == "POST":
        response = submit_once(request, form, save)
        if response is not None:
            return response
    return _form_page(
        request, youth=youth, form=form, title=_("Ändra uppgifter"), submit=_("Spara")
    )


@login_required
@require_POST
def youth_assign(request, pk):
    youth = _youth(request, pk, perm=Perm.CHANGE_YOUTHS)
    form = AssignForm(request.POST, assignable=selectors.assignable_users(youth.municipality_id))
    if form.is_valid():
        services.youth_assign(
            acting_user=request.user, youth=youth, assignee=form.cleaned_data["assignee"]
        )
        messages.success(request, _("Ansvarig samordnare är ändrad."))
        return redirect("youths:detail", pk=youth.pk)
    return _form_page(
        request, youth=youth, form=form, title=_("Tilldela samordnare"), submit=_("Tilldela")
    )


def _suggested(request, list_name: str, field: str) -> dict:
    """A reason suggested by a notice or list (`?orsak=<code key>`), one click from the
    verification on the youth page; the coordinator still confirms it."""
    key = request.GET.get("orsak", "")
    # A code key is a short slug; anything else (a NUL byte, a long string) suggests nothing.
    if not re.fullmatch(r"[-a-z0-9_]{1,40}", key):
        return {}
    code = Code.objects.current(list_name).filter(key=key).first()
    return {field: code.pk} if code else {}


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_create(request, pk):
    youth = _youth(request, pk, perm=Perm.CHANGE_YOUTHS)
    return youth_form_page(
        request,
        youth=youth,
        form=EnrolmentForm(
            request.POST or None,
            initial={
                "start_date": timezone.localdate(),
                **_suggested(request, Code.ListName.ENTRY_REASON, "entry_reason"),
            },
        ),
        title=_("Skriv in i aktivitetsansvaret"),
        submit=_("Skriv in"),
        service=lambda **data: services.enrolment_create(
            acting_user=request.user, youth=youth, **data
        ),
        success=_("Ungdomen är inskriven i aktivitetsansvaret."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_close(request, pk, enrolment_pk):
    # Closing deals with the youth's casework, which lives in the actions app.
    from actions import services as casework

    youth = _youth(request, pk, perm=Perm.CHANGE_YOUTHS)
    enrolment = get_object_or_404(youth.enrolments, pk=enrolment_pk)
    running = list(
        youth.actions.filter(start_date__isnull=False, end_date__isnull=True).select_related("kind")
    )
    form = EnrolmentCloseForm(
        request.POST or None,
        initial={
            "end_date": timezone.localdate(),
            **_suggested(request, Code.ListName.EXIT_REASON, "exit_reason"),
        },
        running_actions=running,
    )
    outside = []

    def refused(error):
        # A refusal for casework after the end lists the entries, with links.
        outside.extend(getattr(error, "entries", ()))
        apply_validation_error(form, error)

    if request.method == "POST":
        response = submit_once(
            request,
            form,
            lambda data: Done(
                reverse("youths:detail", args=[youth.pk]),
                _("Inskrivningen är avslutad."),
                casework.enrolment_close_with_casework(
                    acting_user=request.user, enrolment=enrolment, **data
                ),
            ),
            on_error=refused,
        )
        if response is not None:
            return response
    return _form_page(
        request,
        youth=youth,
        form=form,
        title=_("Avsluta inskrivning"),
        submit=_("Avsluta"),
        extra={"enrolment": enrolment, "running_actions": running, "outside": outside},
    )


@login_required
@require_http_methods(["GET", "POST"])
def verification_open(request, pk):
    youth = _youth(request, pk, perm=Perm.CHANGE_YOUTHS)
    return youth_form_page(
        request,
        youth=youth,
        form=VerificationOpenForm(request.POST or None),
        title=_("Markera att utreda"),
        submit=_("Spara"),
        service=lambda **data: services.verification_open(
            acting_user=request.user, youth=youth, **data
        ),
        success=_("Ungdomen är markerad att utreda."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def verification_resolve(request, pk, verification_pk):
    youth = _youth(request, pk, perm=Perm.CHANGE_YOUTHS)
    verification = get_object_or_404(youth.verifications, pk=verification_pk)
    return youth_form_page(
        request,
        youth=youth,
        form=VerificationResolveForm(request.POST or None),
        title=_("Avsluta utredning"),
        submit=_("Avsluta utredning"),
        service=lambda **data: services.verification_resolve(
            acting_user=request.user, verification=verification, **data
        ),
        success=_("Utredningen är avslutad."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def guardian_add(request, pk):
    youth = _youth(request, pk, perm=Perm.CHANGE_YOUTHS)
    return youth_form_page(
        request,
        youth=youth,
        form=GuardianForm(request.POST or None),
        title=_("Lägg till vårdnadshavare"),
        submit=_("Lägg till"),
        service=lambda **data: services.guardian_add(acting_user=request.user, youth=youth, **data),
        success=_("Vårdnadshavaren är tillagd."),
    )


@login_required
@require_POST
def guardian_remove(request, pk, guardian_pk):
    youth = _youth(request, pk, perm=Perm.CHANGE_YOUTHS)
    guardian = youth.guardians.filter(pk=guardian_pk).first()
    # Already gone (a double-click on "Ta bort"): the result the user asked for.
    if guardian is not None:
        services.guardian_remove(acting_user=request.user, guardian=guardian)
    messages.success(request, _("Vårdnadshavaren är borttagen."))
    return redirect("youths:detail", pk=youth.pk)


@login_required
def access_log(request, pk):
    """Registerutdrag: who read or changed this youth's record, and when."""
    youth = _youth(request, pk, perm=Perm.VIEW_ACCESS_LOG)
    audit_record(
        user=request.user,
        municipality_id=youth.municipality_id,
        action=AuditAction.ACCESS_LOG_VIEW,
        youth_id=youth.pk,
    )
    events = AuditEvent.objects.filter(youth_id=youth.pk).select_related("user")
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    # Users named in the details (an assignment's from and to), in one query.
    from kaa.audit_words import user_ids

    ids = user_ids(event.detail for event in page.object_list)
    names = {user.pk: user.display_name() for user in get_user_model().objects.filter(pk__in=ids)}
    return render(request, "youths/access_log.html", {"youth": youth, "page": page, "names": names})
