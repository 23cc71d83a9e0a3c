"""Writes in the core: users and their memberships. Audited like everything else."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kaa.access import Perm, has_perm, membership_in
from kaa.audit import audit_record
from kaa.models import AuditAction, Membership, Municipality, Role
from kaa.versioning import EditBase, resolve_edit


def _require_admin(acting_user, municipality_id: int) -> None:
    if not has_perm(membership_in(acting_user, municipality_id), Perm.MANAGE_USERS):
        raise PermissionDenied


@transaction.atomic
def user_create(
    *,
    acting_user,
    municipality: Municipality,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    password: str = "",
    employee_id: str = "",
):
    """Create a user with a membership in the administrator's municipality."""
    _require_admin(acting_user, municipality.pk)
    user = get_user_model()(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        employee_id=employee_id,
    )
    if password:
        user.set_password(password)
    else:
        # Single sign-on only: no local password can be used.
        user.set_unusable_password()
    if employee_id and get_user_model().objects.filter(employee_id=employee_id).exists():
        raise ValidationError(
            {"employee_id": _("Anställnings-id:t används redan av en annan användare.")}
        )
    try:
        # Two administrators creating the same user at once: the unique constraints decide,
        # and the loser gets the same message as a sequential duplicate.
        with transaction.atomic():
            user.save()
    except IntegrityError:
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("Användarnamnet finns redan.")}) from None
        raise ValidationError(
            {"employee_id": _("Anställnings-id:t används redan av en annan användare.")}
        ) from None
    Membership.objects.create(user=user, municipality=municipality, role=role)
    audit_record(
        user=acting_user,
        municipality_id=municipality.pk,
        action=AuditAction.USER_CHANGE,
        obj=user,
        detail={"change": "created", "role": role},
    )
    return user


@transaction.atomic
def membership_add(*, acting_user, municipality: Municipality, user, role: str) -> Membership:
    _require_admin(acting_user, municipality.pk)
    already = ValidationError({"email": _("Användaren är redan medlem i kommunen.")})
    if Membership.objects.filter(user=user, municipality=municipality).exists():
        raise already
    try:
        # The same user added twice at once: the unique constraint decides.
        with transaction.atomic():
            membership = Membership.objects.create(user=user, municipality=municipality, role=role)
    except IntegrityError:
        raise already from None
    audit_record(
        user=acting_user,
        municipality_id=municipality.pk,
        action=AuditAction.USER_CHANGE,
        obj=user,
        detail={"change": "membership_added", "role": role},
    )
    return membership


def _lock_for_change(membership: Membership) -> Membership:
    """Lock the municipality's administrator memberships, then re-read `membership`.

    Every change of a role or membership takes these locks first and in one order, so two
    administrators demoting each other at once run one after the other and the second
    sees the first's change (the last-administrator rule holds). Raises ValidationError
    if the membership was removed meanwhile.
    """
    list(
        Membership.objects.select_for_update()
        .filter(municipality_id=membership.municipality_id, role=Role.ADMINISTRATOR)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    try:
        return Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    except Membership.DoesNotExist:
        raise ValidationError(_("Användaren är inte längre medlem i kommunen.")) from None


def _last_admin(membership: Membership) -> bool:
    return (
        membership.role == Role.ADMINISTRATOR
        and not Membership.objects.filter(
            municipality_id=membership.municipality_id, role=Role.ADMINISTRATOR
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_set_role(
    *, acting_user, membership: Membership, role: str, based_on: EditBase | None = None
) -> Membership:
    _require_admin(acting_user, membership.municipality_id)
    membership = _lock_for_change(membership)
    # Checked again under the lock: the acting administrator may just have been demoted.
    _require_admin(acting_user, membership.municipality_id)
    write = resolve_edit(
        version=membership.version,
        current={"role": membership.role},
        mine={"role": role},
        based_on=based_on,
    )
    if not write:
        return membership
    if _last_admin(membership):
        raise ValidationError(_("Kommunen måste ha minst en administratör."))
    previous = membership.role
    membership.role = role
    membership.version += 1
    membership.save(update_fields=["role", "version"])
    audit_record(
        user=acting_user,
        municipality_id=membership.municipality_id,
        action=AuditAction.USER_CHANGE,
        obj=membership.user,
        detail={"change": "role", "from": previous, "to": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, acting_user, membership: Membership) -> None:
    """End a user's membership. Their caseload in this municipality becomes unassigned."""
    _require_admin(acting_user, membership.municipality_id)
    membership = _lock_for_change(membership)
    _require_admin(acting_user, membership.municipality_id)
    if _last_admin(membership):
        raise ValidationError(_("Kommunen måste ha minst en administratör."))
    from kaa.access import youths_visible_to

    # Scoped to the membership's municipality: the user's youths elsewhere are untouched.
    released = (
        youths_visible_to(acting_user, municipality=membership.municipality_id)
        .filter(assigned_to=membership.user)
        .update(assigned_to=None)
    )
    audit_record(
        user=acting_user,
        municipality_id=membership.municipality_id,
        action=AuditAction.USER_CHANGE,
        obj=membership.user,
        detail={"change": "membership_removed", "released_youths": released},
    )
    membership.delete()


@transaction.atomic
def user_set_active(*, acting_user, membership: Membership, active: bool):
    """Deactivate (or reactivate) a user of the administrator's municipality.

    A deactivated user keeps every row they wrote and every audit row about them, but can
    no longer log in, and an open session ends at its next request (Django refuses
    inactive users). Their caseload stays assigned so that nothing is lost; the
    administrator reassigns it.
    """
    _require_admin(acting_user, membership.municipality_id)
    user = get_user_model().objects.select_for_update().get(pk=membership.user_id)
    if user.pk == acting_user.pk and not active:
        raise ValidationError(_("Du kan inte inaktivera dig själv."))
    if user.is_active == active:
        return user
    if not active and _last_admin(membership):
        raise ValidationError(_("Kommunen måste ha minst en administratör."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        user=acting_user,
        municipality_id=membership.municipality_id,
        action=AuditAction.USER_CHANGE,
        obj=user,
        detail={"change": "activated" if active else "deactivated"},
    )
    return user
