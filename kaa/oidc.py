"""Single sign-on with the municipality's identity provider (OpenID Connect).

Off unless OIDC_ENABLED=1. Users are matched by an employee-id claim or by e-mail,
never by personnummer, and never created here: an administrator adds the user and the
membership first (kaa.services.user_create), so no one gets in without a role.
"""

from django.conf import settings
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView


class KaaOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        users = self.UserModel.objects.filter(is_active=True, memberships__isnull=False).distinct()
        claim = settings.OIDC_EMPLOYEE_ID_CLAIM
        if claim and claims.get(claim):
            return users.filter(employee_id=str(claims[claim]))
        email = claims.get("email")
        if not email:
            return self.UserModel.objects.none()
        return users.filter(email__iexact=email)

    def verify_claims(self, claims):
        claim = settings.OIDC_EMPLOYEE_ID_CLAIM
        return bool(claims.get("email") or (claim and claims.get(claim)))

    def update_user(self, user, claims):
        # The identity provider is not the register of names here; keep what the
        # administrator entered.
        return user


def _require_enabled():
    if not settings.OIDC_ENABLED:
        raise Http404


def authenticate(request, *args, **kwargs):
    _require_enabled()
    return OIDCAuthenticationRequestView.as_view()(request, *args, **kwargs)


def callback(request, *args, **kwargs):
    _require_enabled()
    return OIDCAuthenticationCallbackView.as_view()(request, *args, **kwargs)
