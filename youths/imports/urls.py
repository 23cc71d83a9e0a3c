from django.urls import path

from youths.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("mall/<str:kind>/", views.template_download, name="template"),
    path("<int:pk>/", views.batch_detail, name="detail"),
    path("<int:pk>/kolumner/", views.batch_mapping, name="mapping"),
    path("<int:pk>/bekrafta/", views.batch_confirm, name="confirm"),
    path("<int:pk>/felrapport/", views.error_report, name="errors"),
]
