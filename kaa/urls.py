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
    path("administration/logguppfoljning/", views.log_review, name="log_review"),
    path("kodlistor/", views.code_lists, name="code_lists"),
    path("scb-rapport/", include("scb_export.urls")),
    path("ungdomar/", include("youths.urls")),
    path("administration/importera/", include("youths.imports.urls")),
    path("oversikt/", include("dashboards.urls")),
    path("", include("actions.urls")),
]
