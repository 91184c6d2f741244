from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openics.core"
    label = "core"
    verbose_name = "OpenICS core"
