from django.apps import AppConfig


class TimescalesConfig(AppConfig):
    """Working-day calendars, timescale rule profiles and deadlines."""

    name = "openics.timescales"
    label = "timescales"
    verbose_name = "Timescales"

    def ready(self) -> None:
        from openics.core.actions import register_merge_model

        register_merge_model("deadlines", "timescales.Deadline")
