"""Core pages: start, switching municipality, user administration and code lists."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaa import logreview, services
from kaa.access import Perm, require_perm
from kaa.audit import audit_record
from kaa.forms import MembershipAddForm, MembershipRoleForm, UserCreateForm
from kaa.idempotency import Done, submit_once
from kaa.middleware import SESSION_KEY
from kaa.models import AuditAction, Code, CodeListVersion, Membership, Role
from kaa.versioning import BASE_FIELD


@login_required
def home(request):
    if request.membership is None:
        return render(request, "kaa/no_membership.html", status=403)
    # Rektor follows the work through the figures; coordinators start from their work queue.
    if request.membership.role == Role.PRINCIPAL:
        return redirect("dashboards:overview")
    return redirect("actions:todo")


@login_required
@require_POST
def switch_municipality(request):
    wanted = request.POST.get("municipality")
    membership = next(
        (m for m in request.memberships if str(m.municipality_id) == str(wanted)), None
    )
    if membership is None:
        # Not a member there: say nothing about that municipality.
        messages.error(request, _("Du kan inte byta till den kommunen."))
    else:
        request.session[SESSION_KEY] = membership.municipality_id
        messages.success(
            request, _("Du arbetar nu i %(name)s.") % {"name": membership.municipality.name}
        )
    target = request.POST.get("next") or ""
    # After a switch, a youth page of the previous municipality would be a 404: go to the list.
    # Only a path of this site is followed (never a view name or another host).
    if (
        not target.startswith("/")
        or not url_has_allowed_host_and_scheme(target, {request.get_host()})
        or "/ungdomar/" in target
    ):
        return redirect("youths:list")
    return HttpResponseRedirect(target)


@login_required
def user_list(request):
    membership = require_perm(request.membership, Perm.MANAGE_USERS)
    memberships = (
        Membership.objects.filter(municipality_id=membership.municipality_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    return render(request, "kaa/user_list.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    membership = require_perm(request.membership, Perm.MANAGE_USERS)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST":
        response = submit_once(
            request,
            form,
            lambda data: Done(
                reverse("user_list"),
                _("Användaren är skapad."),
                services.user_create(
                    acting_user=request.user, municipality=membership.municipality, **data
                ),
            ),
        )
        if response is not None:
            return response
    return render(
        request,
        "kaa/form_page.html",
        {
            "form": form,
            "title": _("Ny användare"),
            "submit": _("Skapa användare"),
            "back": "user_list",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_add(request):
    membership = require_perm(request.membership, Perm.MANAGE_USERS)
    form = MembershipAddForm(request.POST or None)
    if request.method == "POST":
        response = submit_once(
            request,
            form,
            lambda data: Done(
                reverse("user_list"),
                _("Medlemskapet är tillagt."),
                services.membership_add(
                    acting_user=request.user,
                    municipality=membership.municipality,
                    user=form.user,
                    role=data["role"],
                ),
            ),
        )
        if response is not None:
            return response
    return render(
        request,
        "kaa/form_page.html",
        {
            "form": form,
            "title": _("Lägg till befintlig användare"),
            "submit": _("Lägg till"),
            "back": "user_list",
        },
    )


def _member(request, pk) -> Membership:
    admin = require_perm(request.membership, Perm.MANAGE_USERS)
    # Only memberships of the administrator's own active municipality: others are a 404.
    return get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, municipality_id=admin.municipality_id
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request, pk):
    member = _member(request, pk)
    form = MembershipRoleForm(
        request.POST or None,
        initial={"role": member.role},
        edit_base=(member.version, {"role": member.role}),
    )
    if request.method == "POST":
        response = submit_once(
            request,
            form,
            lambda data: Done(
                reverse("user_list"),
                _("Rollen är ändrad."),
                services.membership_set_role(
                    acting_user=request.user,
                    membership=member,
                    role=data["role"],
                    based_on=data.get(BASE_FIELD),
                ),
            ),
        )
        if response is not None:
            return response
    return render(
        request,
        "kaa/membership_form.html",
        {"form": form, "member": member},
    )


@login_required
@require_POST
def membership_remove(request, pk):
    member = _member(request, pk)
    try:
        services.membership_remove(acting_user=request.user, membership=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Användaren är borttagen från kommunen."))
    return redirect("user_list")


@login_required
def code_lists(request):
    require_perm(request.membership, Perm.VIEW_CODE_LISTS)
    versions = CodeListVersion.objects.all()
    lists = [(label, list(Code.objects.current(value))) for value, label in Code.ListName.choices]
    return render(request, "kaa/code_lists.html", {"versions": versions, "lists": lists})


@login_required
def log_review(request):
    """Logguppföljning for administrators; the read of it is itself logged."""
    membership = require_perm(request.membership, Perm.VIEW_ACCESS_LOG)
    try:
        start, end = logreview.month_bounds(request.GET.get("manad"))
    except ValueError:
        messages.error(request, _("Ange månad som ÅÅÅÅ-MM."))
        start, end = logreview.month_bounds(None)
    result = logreview.review(municipality_id=membership.municipality_id, start=start, end=end)
    # Only known values reach the audit row: the raw parameter could hold anything (a NUL).
    report_format = "xlsx" if request.GET.get("format") == "xlsx" else "html"
    audit_record(
        user=request.user,
        municipality_id=membership.municipality_id,
        action=AuditAction.ACCESS_LOG_VIEW,
        detail={"log_review": start.strftime("%Y-%m"), "format": report_format},
    )
    if report_format == "xlsx":
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="logguppfoljning-{membership.municipality.code}-{start:%Y-%m}.xlsx"'
        )
        logreview.report_xlsx(result, response)
        return response
    return render(
        request, "kaa/log_review.html", {"review": result, "month": start.strftime("%Y-%m")}
    )


class LogoutView(auth_views.LogoutView):
    """Logs out and says so on the login page it returns to."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Du är utloggad."))
        return response


@login_required
@require_POST
def user_set_active(request, pk):
    """Deactivate or reactivate a user of the municipality (history is kept)."""
    admin = require_perm(request.membership, Perm.MANAGE_USERS)
    membership = get_object_or_404(Membership, pk=pk, municipality_id=admin.municipality_id)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(acting_user=request.user, membership=membership, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Användaren är aktiv igen.")
            if active
            else _("Användaren är inaktiverad och kan inte logga in. Historiken finns kvar."),
        )
    return redirect("user_list")
