"""Writes in the core: users and their memberships. Audited like everything else."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kaa.access import Perm, has_perm, membership_in
from kaa.audit import audit_record
from kaa.models import AuditAction, Membership, Municipality, Role


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
    user.save()
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
    if Membership.objects.filter(user=user, municipality=municipality).exists():
        raise ValidationError({"email": _("Användaren är redan medlem i kommunen.")})
    membership = Membership.objects.create(user=user, municipality=municipality, role=role)
    audit_record(
        user=acting_user,
        municipality_id=municipality.pk,
        action=AuditAction.USER_CHANGE,
        obj=user,
        detail={"change": "membership_added", "role": role},
    )
    return membership


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
def membership_set_role(*, acting_user, membership: Membership, role: str) -> Membership:
    _require_admin(acting_user, membership.municipality_id)
    if membership.role == role:
        return membership
    if _last_admin(membership):
        raise ValidationError(_("Kommunen måste ha minst en administratör."))
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
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
