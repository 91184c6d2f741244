from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Typed case records: drafts, submission, endorsement and corrections."""

    name = "openics.records"
    label = "records"
    verbose_name = "Case records"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from openics.core.chronology import register_kind

        from .definitions import all_definitions

        register_kind("record_submitted", _("Record submitted"))
        register_kind("record_endorsed", _("Record endorsed"))
        # A broken definition file should stop start-up, not the first page
        # that happens to use it.
        all_definitions()
