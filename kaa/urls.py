from django.contrib.auth import views as auth_views
from django.urls import include, path

from kaa import oidc, ops, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "konto/logga-in/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("oidc/authenticate/", oidc.authenticate, name="oidc_authentication_init"),
    path("oidc/callback/", oidc.callback, name="oidc_authentication_callback"),
    path("konto/logga-ut/", views.LogoutView.as_view(), name="logout"),
    # Password reset by e-mail, for local accounts (users of single sign-on have no local
    # password; Django sends nothing to them).
    path(
        "konto/losenord/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "konto/losenord/skickat/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "konto/losenord/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/losenord/klart/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("konto/session/", ops.session_status, name="session_status"),
    path("konto/forlang-session/", ops.session_keep_alive, name="session_keep_alive"),
    path("halsa/", ops.health, name="health"),
    path("tillganglighet/", ops.accessibility_statement, name="accessibility"),
    path("kommun/byt/", views.switch_municipality, name="switch_municipality"),
    path("administration/anvandare/", views.user_list, name="user_list"),
    path("administration/anvandare/ny/", views.user_create, name="user_create"),
    path("administration/anvandare/lagg-till/", views.membership_add, name="membership_add"),
    path("administration/medlemskap/<int:pk>/", views.membership_edit, name="membership_edit"),
    path(
        "administration/medlemskap/<int:pk>/ta-bort/",
        views.membership_remove,
        name="membership_remove",
    ),
    path(
        "administration/medlemskap/<int:pk>/aktiv/",
        views.user_set_active,
        name="user_set_active",
    ),
    path("administration/logguppfoljning/", views.log_review, name="log_review"),
    path("kodlistor/", views.code_lists, name="code_lists"),
    path("scb-rapport/", include("scb_export.urls")),
    path("ungdomar/", include("youths.urls")),
    path("administration/importera/", include("youths.imports.urls")),
    path("oversikt/", include("dashboards.urls")),
    path("", include("actions.urls")),
]
