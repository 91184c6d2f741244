from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    """School operations: attendance and children missing education, the
    restricted area for allegations against staff, the school's safeguarding
    arrangements, the training register and the governors' report."""

    name = "openics.schools"
    label = "schools"
    verbose_name = "School operations"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from openics.core.chronology import register_kind

        register_kind("absence_notified", _("Absence notified to the local authority"))

        from openics.core.actions import register_merge_model

        register_merge_model("attendance_marks", "schools.AttendanceMark", unique_with=("school", "date", "session"))
        register_merge_model("absence_follow_ups", "schools.AbsenceFollowUp")
        register_merge_model(
            "absence_notifications", "schools.AbsenceNotification", unique_with=("school", "first_day")
        )

        from . import demo  # noqa: F401  (registers the demo extension)
