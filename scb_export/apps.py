from django.apps import AppConfig


class ScbExportConfig(AppConfig):
    name = "scb_export"
