"""The one access helper: what a user may see and do, in which municipality.

Every view, export and task that touches youth data loads it through
`youths_visible_to` / `youth_get_for_user`. A youth of a municipality the user is not a
member of answers 404 (so that its existence does not leak); an action the user's role
does not allow answers 403.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from kaa.models import AuditAction, Membership, Municipality, Role

if TYPE_CHECKING:
    from youths.models import Youth, YouthQuerySet


class Perm(StrEnum):
    VIEW_YOUTHS = "youth.view"
    CHANGE_YOUTHS = "youth.change"
    MANAGE_USERS = "users.manage"
    VIEW_ACCESS_LOG = "audit.view"
    VIEW_CODE_LISTS = "codes.view"
    VIEW_STATISTICS = "stats.view"
    # Recount the overview's cached figures now (a heavy query over the municipality,
    # no record changes): for those who answer for the follow-up, not every reader.
    REBUILD_STATISTICS = "stats.rebuild"
    EXPORT_SCB = "scb.export"
    IMPORT_LISTS = "import.upload"


ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.COORDINATOR: frozenset(
        {Perm.VIEW_YOUTHS, Perm.CHANGE_YOUTHS, Perm.VIEW_CODE_LISTS, Perm.VIEW_STATISTICS}
    ),
    # Rektor reads casework and statistics but does not change casework.
    # Rektor may also recount the figures (a cache, not casework).
    Role.PRINCIPAL: frozenset(
        {Perm.VIEW_YOUTHS, Perm.VIEW_CODE_LISTS, Perm.VIEW_STATISTICS, Perm.REBUILD_STATISTICS}
    ),
    Role.ADMINISTRATOR: frozenset(Perm),
}


# The request's user carries the memberships the middleware read for this request, so
# that a read of youths does not ask for one of them again (a query on every page).
MEMBERSHIPS_READ = "_kaa_memberships_read"


def memberships_of(user) -> list[Membership]:
    if not user.is_authenticated or not user.is_active:
        return []
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("municipality")
        .order_by("municipality__name")
    )
    setattr(user, MEMBERSHIPS_READ, {m.municipality_id: m for m in memberships})
    return memberships


def _membership_to_read(user, municipality: Municipality | int | None) -> Membership | None:
    """`membership_in` for reads, from the memberships this request already read. A
    write's permission check (the services) asks the database each time."""
    read = getattr(user, MEMBERSHIPS_READ, None)
    if read is None or municipality is None or not user.is_active:
        return membership_in(user, municipality)
    return read.get(getattr(municipality, "pk", municipality))


def membership_in(user, municipality: Municipality | int | None) -> Membership | None:
    if municipality is None or not user.is_authenticated or not user.is_active:
        return None
    municipality_id = getattr(municipality, "pk", municipality)
    return (
        Membership.objects.filter(user=user, municipality_id=municipality_id)
        .select_related("municipality")
        .first()
    )


def has_perm(membership: Membership | None, perm: Perm) -> bool:
    return membership is not None and perm in ROLE_PERMISSIONS.get(membership.role, frozenset())


def require_perm(membership: Membership | None, perm: Perm) -> Membership:
    """The membership, if its role allows `perm`; otherwise 403."""
    if not has_perm(membership, perm):
        raise PermissionDenied
    return membership  # type: ignore[return-value]


def youths_visible_to(user, *, municipality: Municipality | int | None) -> YouthQuerySet:
    """Youths of `municipality` if `user` may read youth data there, otherwise none."""
    return _visible_through(_membership_to_read(user, municipality))


def _visible_through(membership: Membership | None) -> YouthQuerySet:
    from youths.models import Youth

    if not has_perm(membership, Perm.VIEW_YOUTHS):
        return Youth.objects.none()
    return Youth.objects.filter(municipality_id=membership.municipality_id)


def youth_get_for_user(
    *,
    user,
    municipality: Municipality | int | None,
    pk: int,
    perm: Perm = Perm.VIEW_YOUTHS,
    record_read: bool = False,
    for_update: bool = False,
) -> Youth:
    """One youth, or 404 if it is not in a municipality the user can read; 403 if the
    user can read it but the role lacks `perm`. With `record_read` the read is audited."""
    membership = _membership_to_read(user, municipality)
    queryset = _visible_through(membership)
    if for_update:
        queryset = queryset.select_for_update()
    try:
        youth = queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    require_perm(membership, perm)
    if record_read:
        from kaa.audit import audit_record

        audit_record(
            user=user,
            municipality_id=youth.municipality_id,
            action=AuditAction.YOUTH_VIEW,
            youth_id=youth.pk,
        )
    return youth
