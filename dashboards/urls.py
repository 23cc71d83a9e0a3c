from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("rakna-om/", views.rebuild, name="rebuild"),
    path("namndrapport/", views.report_page, name="report"),
    path("namndrapport.xlsx", views.report_xlsx, name="report_xlsx"),
]
