from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Typed case records: drafts, submission, endorsement and corrections."""

    name = "openics.records"
    label = "records"
    verbose_name = "Case records"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from openics.core.chronology import register_kind

        from . import demo  # noqa: F401  (registers the "records" demo extension)
        from .definitions import all_definitions

        register_kind("record_submitted", _("Record submitted"))
        register_kind("record_endorsed", _("Record endorsed"))
        # A merged child's records follow it to the kept record.
        from openics.core.actions import register_merge_model

        register_merge_model("case_records", "records.CaseRecord")
        # A broken definition file should stop start-up, not the first page
        # that happens to use it.
        all_definitions()
