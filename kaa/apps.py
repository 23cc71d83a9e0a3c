from django.apps import AppConfig


class KaaConfig(AppConfig):
    name = "kaa"
    verbose_name = "KAA"

    def ready(self):
        from kaa import signals  # noqa: F401  (connects the audit of logins)
