from django.urls import path

from youths import views

app_name = "youths"

urlpatterns = [
    path("", views.youth_list, name="list"),
    path("ny/", views.youth_create, name="create"),
    path("sok/", views.youth_search, name="search"),
    path("<int:pk>/", views.youth_detail, name="detail"),
    path("<int:pk>/andra/", views.youth_edit, name="edit"),
    path("<int:pk>/tilldela/", views.youth_assign, name="assign"),
    path("<int:pk>/inskrivning/ny/", views.enrolment_create, name="enrolment_create"),
    path(
        "<int:pk>/inskrivning/<int:enrolment_pk>/avsluta/",
        views.enrolment_close,
        name="enrolment_close",
    ),
    path("<int:pk>/utreda/", views.verification_open, name="verification_open"),
    path(
        "<int:pk>/utreda/<int:verification_pk>/",
        views.verification_resolve,
        name="verification_resolve",
    ),
    path("<int:pk>/vardnadshavare/ny/", views.guardian_add, name="guardian_add"),
    path(
        "<int:pk>/vardnadshavare/<int:guardian_pk>/ta-bort/",
        views.guardian_remove,
        name="guardian_remove",
    ),
    path("<int:pk>/registerutdrag/", views.access_log, name="access_log"),
]
