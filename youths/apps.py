from django.apps import AppConfig


class YouthsConfig(AppConfig):
    name = "youths"
