from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "openics.api"
    label = "api"
