from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openics.core"
    label = "core"
    verbose_name = "OpenICS core"

    def ready(self) -> None:
        # Registers the deployment checks (`openics check --deploy`).
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401
        from .middleware import mark_signed_in

        user_logged_in.connect(mark_signed_in, dispatch_uid="openics-mark-signed-in")
