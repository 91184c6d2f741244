from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "openics.web"
    label = "web"
