from django.apps import AppConfig


class PlansConfig(AppConfig):
    """One plans engine for every plan type: versions, reviews, levels of need."""

    name = "openics.plans"
    label = "plans"
    verbose_name = "Plans"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from openics.core.actions import register_merge_model
        from openics.core.chronology import register_kind

        from .types import all_plan_types

        register_kind("plan_agreed", _("Plan agreed"))
        register_kind("plan_reviewed", _("Plan reviewed"))
        register_kind("plan_ended", _("Plan ended"))
        register_kind("level_of_need", _("Level of need decided"))
        register_kind("ehc_requested", _("EHC needs assessment requested"))
        register_kind("ehc_step", _("EHC needs assessment step"))
        # A merge of duplicate children moves their plans and levels of need.
        register_merge_model("plans", "plans.Plan")
        register_merge_model("levels_of_need", "plans.LevelOfNeed")
        register_merge_model("ehc_requests", "plans.EhcRequest")
        # A broken plan-type file stops start-up, not the first page using it.
        all_plan_types()
        from . import demo  # noqa: F401  (registers the demo extension)
