from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openics.core"
    label = "core"
    verbose_name = "OpenICS core"

    def ready(self) -> None:
        # Registers the deployment checks (`openics check --deploy`).
        from . import checks  # noqa: F401
