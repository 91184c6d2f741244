from django.apps import AppConfig


class RetentionConfig(AppConfig):
    """Retention: the schedule of every class of record (rules.toml and
    coverage.py), reviews when a record's time is up, legal holds, and the
    log of every destruction."""

    name = "openics.retention"
    label = "retention"
    verbose_name = "Retention"

    def ready(self) -> None:
        from openics.core.actions import register_merge_model

        from . import schedule

        # A bad schedule stops start-up with the reason.
        schedule.classes()
        register_merge_model("legal_holds", "retention.LegalHold")
        register_merge_model("retention_dates", "retention.RecordedDate")

        from . import demo  # noqa: F401  (registers the demo extension)
