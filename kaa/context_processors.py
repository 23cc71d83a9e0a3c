from kaa.access import ROLE_PERMISSIONS


def municipality(request):
    membership = getattr(request, "membership", None)
    perms = ROLE_PERMISSIONS.get(membership.role, frozenset()) if membership else frozenset()
    from django.conf import settings

    return {
        "session_warning_before": settings.SESSION_WARNING_BEFORE,
        "oidc_enabled": settings.OIDC_ENABLED,
        "oidc_provider_name": settings.OIDC_PROVIDER_NAME,
        "active_membership": membership,
        "all_memberships": getattr(request, "memberships", []),
        "kaa_perms": {perm.value for perm in perms},
    }
