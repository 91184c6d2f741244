from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    """School safeguarding: concerns with body maps, alerts to the DSL, the
    DSL's triage decisions and the FGM notification duty."""

    name = "openics.safeguarding"
    label = "safeguarding"
    verbose_name = "School safeguarding"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from openics.core.chronology import register_kind

        register_kind("safeguarding_concern", _("Safeguarding concern"))
        register_kind("safeguarding_decision", _("DSL decision"))
        register_kind("fgm_notification", _("FGM notified to the police"))
        register_kind("cp_file_transfer", _("Child protection file transferred"))

        from openics.core.actions import register_merge_model

        register_merge_model("concerns", "safeguarding.Concern")
        register_merge_model("cp_file_transfers", "safeguarding.FileTransfer")
        register_merge_model("cp_file_destructions", "safeguarding.FileDestruction")
        register_merge_model("cp_file_requests", "safeguarding.FileRequest")

        from . import demo  # noqa: F401  (registers the demo extension)
