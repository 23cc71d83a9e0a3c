from django.urls import path

from scb_export import views

app_name = "scb_export"

urlpatterns = [
    path("", views.export_index, name="index"),
    path("<int:pk>/", views.run_detail, name="run"),
    path("<int:pk>/godkann/", views.run_accept, name="accept"),
    path("<int:pk>/fil/", views.run_download, name="download"),
]
