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

        from openics.core.actions import register_merge_model

        register_merge_model("concerns", "safeguarding.Concern")
