from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    """Episodes of work (child in need, child protection plans), derived
    from the child's case records and rebuilt whenever one of them moves."""

    name = "openics.casework"
    label = "casework"
    verbose_name = "Episodes of work"

    def ready(self) -> None:
        from openics.core.identity import register_flag_provider
        from openics.records.effects import register_record_effect

        from .closure import close_case_on_closure
        from .derive import rebuild_after_merge, rebuild_on_record_step
        from .flags import episode_flags

        register_record_effect(rebuild_on_record_step)
        register_record_effect(close_case_on_closure)
        register_flag_provider(episode_flags)

        # Episodes are derived: after a merge or an unmerge both children's
        # are rebuilt from the records that now point at them.
        from openics.core.actions import register_after_merge

        register_after_merge(rebuild_after_merge)
