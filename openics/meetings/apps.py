from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Meetings about children: invitations, attendance, the record and its copies."""

    name = "openics.meetings"
    label = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from openics.core.chronology import register_kind

        register_kind("meeting_held", _("Meeting held"))
        register_kind("meeting_cancelled", _("Meeting cancelled"))

        from openics.core.actions import register_merge_model

        register_merge_model("meetings", "meetings.Meeting")
        register_merge_model("distributions", "meetings.Distribution")
        from . import demo  # noqa: F401  (registers the demo extension)
