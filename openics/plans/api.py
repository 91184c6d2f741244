"""Plans through the REST API: the same actions and access as the pages.

`people/{child_id}/plans/` lists and starts a child's plans and
`people/{child_id}/level-of-need/` lists and records levels of need;
`plans/{id}/` reads a plan (with its estimated and actual cost), with POST
`versions` (a new draft version) and `reviews` (record a review), and
`actual-costs` (GET: estimated against actual per service, with the costs
recorded; POST: record what a service cost); `plan-versions/{id}/` reads a
version, PATCH saves a draft (with the counter it started from), POST
`agree` and `endorse`.  Refusals answer with their message: 403 for who you are
("Nobody endorses a plan they wrote or agreed"), 409 for the state.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from openics.core import audit
from openics.core.access import MAX_ID, access_child
from openics.core.api import ID_PATTERN
from openics.core.models import User
from openics.core.roles import Part
from openics.meetings.models import DeliveryMethod, Distribution

from . import actions, costs
from .content import COST_MAX_PENCE, total_cost_pence
from .models import (
    ActualCost,
    Level,
    LevelOfNeed,
    Plan,
    PlanReview,
    PlanVersion,
    Progress,
    ReviewDecision,
    Stage,
    VersionStatus,
)
from .types import all_plan_types, get_plan_type

CHILD_PLANS = rf"people/(?P<child_id>{ID_PATTERN})/plans"
CHILD_LEVELS = rf"people/(?P<child_id>{ID_PATTERN})/level-of-need"
CHILD_ID = OpenApiParameter("child_id", int, OpenApiParameter.PATH, description="The child's id")


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _pk(value: str) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= MAX_ID:
        raise Http404
    return pk


class PlanVersionSerializer(serializers.ModelSerializer[PlanVersion]):
    estimated_cost_pence = serializers.SerializerMethodField()

    class Meta:
        model = PlanVersion
        fields = [
            "id",
            "plan",
            "number",
            "status",
            "content",
            "reason",
            "version",
            "from_review",
            "created_by",
            "created_at",
            "agreed_by",
            "agreed_on",
            "endorsed_by",
            "endorsed_at",
            "endorsement_comments",
            "estimated_cost_pence",
        ]
        read_only_fields = fields

    def get_estimated_cost_pence(self, obj: PlanVersion) -> int:
        return total_cost_pence(obj.content)


class PlanReviewSerializer(serializers.ModelSerializer[PlanReview]):
    class Meta:
        model = PlanReview
        fields = [
            "id",
            "plan",
            "version",
            "review_date",
            "held_at",
            "attended",
            "outcomes",
            "decision",
            "decision_reason",
            "next_review_on",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer[Plan]):
    title = serializers.CharField(read_only=True)
    versions = PlanVersionSerializer(many=True, read_only=True)
    reviews = PlanReviewSerializer(many=True, read_only=True)
    estimated_cost_pence = serializers.SerializerMethodField(
        help_text="The estimated cost of the version in force (pence)"
    )
    actual_cost_pence = serializers.SerializerMethodField(help_text="The actual costs recorded (pence)")

    class Meta:
        model = Plan
        fields = [
            "id",
            "child",
            "plan_type",
            "title",
            "part",
            "status",
            "started_on",
            "ended_on",
            "end_reason",
            "next_review_on",
            "created_by",
            "created_at",
            "versions",
            "reviews",
            "estimated_cost_pence",
            "actual_cost_pence",
        ]
        read_only_fields = fields

    def get_estimated_cost_pence(self, obj: Plan) -> int:
        # From the versions already read (prefetched for lists), not a query per plan.
        agreed = [v for v in obj.versions.all() if v.status != VersionStatus.DRAFT]
        return total_cost_pence(max(agreed, key=lambda v: v.number).content) if agreed else 0

    def get_actual_cost_pence(self, obj: Plan) -> int:
        return sum(c.amount_pence for c in obj.actual_costs.all())


class PlanLevelSerializer(serializers.ModelSerializer[LevelOfNeed]):
    class Meta:
        model = LevelOfNeed
        fields = ["id", "child", "level", "stage", "decided_on", "reason", "decided_by", "review", "created_at"]
        read_only_fields = ["id", "child", "decided_by", "review", "created_at"]


class PlanStartSerializer(serializers.Serializer[Any]):
    plan_type = serializers.ChoiceField(choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan_type"].choices = list(all_plan_types())  # type: ignore[attr-defined]


class PlanDraftSerializer(serializers.Serializer[Any]):
    """The counter the edit started from, and the whole content of the draft."""

    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    content = serializers.DictField(child=serializers.JSONField(), allow_empty=True)


class PlanNewVersionSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=5000)


class PlanAgreeSerializer(serializers.Serializer[Any]):
    agreed_on = serializers.DateField()
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)


class PlanEndorseSerializer(serializers.Serializer[Any]):
    comments = serializers.CharField(max_length=10_000)


class PlanOutcomeReviewSerializer(serializers.Serializer[Any]):
    outcome = serializers.UUIDField()
    happened = serializers.CharField(max_length=20_000)
    progress = serializers.ChoiceField(choices=Progress.choices)
    impact = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="")
    not_delivered = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="")
    targets = serializers.DictField(
        child=serializers.ChoiceField(choices=Progress.choices), required=False, default=dict
    )


class PlanReviewCreateSerializer(serializers.Serializer[Any]):
    review_date = serializers.DateField()
    held_at = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    attended = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    outcomes = PlanOutcomeReviewSerializer(many=True)
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    decision_reason = serializers.CharField(max_length=10_000)
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)
    late_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PlanLevelCreateSerializer(serializers.Serializer[Any]):
    level = serializers.ChoiceField(choices=Level.choices)
    stage = serializers.ChoiceField(choices=Stage.choices, required=False, allow_null=True, default=None)
    decided_on = serializers.DateField()
    reason = serializers.CharField(max_length=10_000)


class ActualCostSerializer(serializers.ModelSerializer[ActualCost]):
    class Meta:
        model = ActualCost
        fields = [
            "id",
            "plan",
            "action_key",
            "amount_pence",
            "period_start",
            "period_end",
            "note",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class ActualCostCreateSerializer(serializers.Serializer[Any]):
    action_key = serializers.CharField(max_length=64, help_text="The key of the action (service) in the plan")
    amount_pence = serializers.IntegerField(
        min_value=-COST_MAX_PENCE,
        max_value=COST_MAX_PENCE,
        help_text="What it cost, in pence; negative to reduce what was recorded (with a note saying why)",
    )
    period_start = serializers.DateField()
    period_end = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Blank: the period is the one day"
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ServiceCostSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    what = serializers.CharField()
    who = serializers.CharField()
    in_force = serializers.BooleanField(help_text="False for a service a later version removed")
    estimated_cost_pence = serializers.IntegerField(source="estimated_pence")
    actual_cost_pence = serializers.IntegerField(source="actual_pence")


class PlanCostsSerializer(serializers.Serializer[Any]):
    """A plan's estimated and actual cost, per service, with the entries recorded."""

    estimated_cost_pence = serializers.IntegerField()
    actual_cost_pence = serializers.IntegerField()
    services = ServiceCostSerializer(many=True)
    entries = ActualCostSerializer(many=True)


def _plans_of(child: Any) -> Any:
    assert child._grant is not None
    return (
        Plan.objects.filter(child=child, part__in=child._grant.parts)
        .prefetch_related("versions", "reviews", "actual_costs")
        .order_by("-created_at", "-pk")
    )


@extend_schema_view(list=extend_schema(parameters=[CHILD_ID]), create=extend_schema(parameters=[CHILD_ID]))
class ChildPlanViewSet(viewsets.ViewSet):
    """A child's plans: list them, or start one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PlanSerializer(many=True))
    def list(self, request: Request, child_id: str) -> Response:
        child = access_child(_user(request), child_id, part=Part.PLANS)
        return Response(PlanSerializer(_plans_of(child), many=True).data)

    @extend_schema(request=PlanStartSerializer, responses={201: PlanSerializer})
    def create(self, request: Request, child_id: str) -> Response:
        user = _user(request)
        child = access_child(user, child_id, for_write=True, part=Part.PLANS)
        serializer = PlanStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ptype = get_plan_type(serializer.validated_data["plan_type"])
        child = access_child(user, child_id, for_write=True, part=ptype.part)
        plan = actions.do_start_plan(child, actor=user, plan_type=ptype.id)
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanViewSet(viewsets.ViewSet):
    """One plan: read it, start a new version, record a review."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = ID_PATTERN
    queryset = Plan.objects.none()

    def _plan(self, request: Request, pk: str, *, for_write: bool = False) -> Plan:
        plan = Plan.objects.filter(pk=_pk(pk)).first()
        if plan is None:
            raise Http404
        plan.child = access_child(_user(request), plan.child_id, for_write=for_write, part=plan.part)
        return plan

    @extend_schema(responses=PlanSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        plan = self._plan(request, pk)
        audit.record("view", user=_user(request), obj=plan, child_id=plan.child_id)
        return Response(PlanSerializer(plan).data)

    @extend_schema(request=PlanNewVersionSerializer, responses={201: PlanVersionSerializer})
    @action(detail=True, methods=["post"])
    def versions(self, request: Request, pk: str) -> Response:
        plan = self._plan(request, pk, for_write=True)
        serializer = PlanNewVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = actions.do_new_version(plan, actor=_user(request), reason=serializer.validated_data["reason"])
        return Response(PlanVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanReviewCreateSerializer, responses={201: PlanReviewSerializer})
    @action(detail=True, methods=["post"])
    def reviews(self, request: Request, pk: str) -> Response:
        plan = self._plan(request, pk, for_write=True)
        serializer = PlanReviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        outcomes = [{**o, "outcome": str(o["outcome"])} for o in d["outcomes"]]
        review = actions.do_record_review(
            plan,
            actor=_user(request),
            review_date=d["review_date"],
            held_at=d["held_at"],
            attended=d["attended"],
            outcomes=outcomes,
            decision=d["decision"],
            decision_reason=d["decision_reason"],
            next_review_on=d["next_review_on"],
            late_reason=d["late_reason"],
        )
        return Response(PlanReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=PlanCostsSerializer)
    @extend_schema(methods=["POST"], request=ActualCostCreateSerializer, responses={201: ActualCostSerializer})
    @action(detail=True, methods=["get", "post"], url_path="actual-costs", url_name="actual-costs")
    def actual_costs(self, request: Request, pk: str) -> Response:
        """The plan's estimated and actual cost per service, or record what a
        service actually cost over a period."""
        plan = self._plan(request, pk, for_write=request.method == "POST")
        if request.method == "GET":
            audit.record("view", user=_user(request), obj=plan, child_id=plan.child_id, detail={"page": "costs"})
            rows = costs.by_action(plan, actions.current_version(plan))
            data = {
                "estimated_cost_pence": sum(r.estimated_pence for r in rows),
                "actual_cost_pence": sum(r.actual_pence for r in rows),
                "services": rows,
                "entries": [e for r in rows for e in r.entries],
            }
            return Response(PlanCostsSerializer(data).data)
        serializer = ActualCostCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        try:
            row = actions.do_record_actual_cost(
                plan,
                actor=_user(request),
                action_key=d["action_key"],
                amount_pence=d["amount_pence"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                note=d["note"],
            )
        except DjangoValidationError as error:
            # The action names the amount as the page does (`amount`); here it is `amount_pence`.
            errors = {("amount_pence" if k == "amount" else k): v for k, v in error.message_dict.items()}
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(ActualCostSerializer(row).data, status=status.HTTP_201_CREATED)


class PlanCopySerializer(serializers.ModelSerializer[Distribution]):
    class Meta:
        model = Distribution
        fields = ["id", "recipient", "method", "address", "language", "withheld", "withheld_reason", "at", "by"]
        read_only_fields = fields


class PlanCopyCreateSerializer(serializers.Serializer[Any]):
    recipient = serializers.CharField(max_length=200)
    method = serializers.ChoiceField(choices=DeliveryMethod.choices, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    # Blank: the main carer's or the child's language (English when neither is printed).
    language = serializers.ChoiceField(choices=["en-gb", "cy", "pl"], required=False, allow_blank=True, default="")
    withheld = serializers.BooleanField(required=False, default=False)
    withheld_reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class PlanVersionViewSet(viewsets.ViewSet):
    """One version of a plan: read it, save the draft, agree, endorse."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = ID_PATTERN
    queryset = PlanVersion.objects.none()

    def _version(self, request: Request, pk: str, *, for_write: bool = False) -> PlanVersion:
        version = PlanVersion.objects.select_related("plan").filter(pk=_pk(pk)).first()
        if version is None:
            raise Http404
        plan = version.plan
        plan.child = access_child(_user(request), plan.child_id, for_write=for_write, part=plan.part)
        return version

    def _answer(self, version: PlanVersion, code: int = status.HTTP_200_OK) -> Response:
        version.refresh_from_db()
        return Response(PlanVersionSerializer(version).data, status=code)

    @extend_schema(responses=PlanVersionSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        version = self._version(request, pk)
        audit.record("view", user=_user(request), obj=version, child_id=version.plan.child_id)
        return Response(PlanVersionSerializer(version).data)

    @extend_schema(request=PlanDraftSerializer, responses=PlanVersionSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        version = self._version(request, pk, for_write=True)
        serializer = PlanDraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # StaleEdit becomes 409 and a Django ValidationError 400 in openics.api.errors.
        version = actions.do_save_draft(
            version,
            actor=_user(request),
            content=serializer.validated_data["content"],
            expected_version=serializer.validated_data["version"],
        )
        return self._answer(version)

    @extend_schema(request=PlanAgreeSerializer, responses=PlanVersionSerializer)
    @action(detail=True, methods=["post"])
    def agree(self, request: Request, pk: str) -> Response:
        version = self._version(request, pk, for_write=True)
        serializer = PlanAgreeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = actions.do_agree(
            version,
            actor=_user(request),
            agreed_on=serializer.validated_data["agreed_on"],
            next_review_on=serializer.validated_data["next_review_on"],
        )
        return self._answer(version)

    @extend_schema(request=PlanEndorseSerializer, responses=PlanVersionSerializer)
    @action(detail=True, methods=["post"])
    def endorse(self, request: Request, pk: str) -> Response:
        version = self._version(request, pk, for_write=True)
        serializer = PlanEndorseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = actions.do_endorse(version, actor=_user(request), comments=serializer.validated_data["comments"])
        return self._answer(version)

    @extend_schema(methods=["GET"], responses=PlanCopySerializer(many=True))
    @extend_schema(methods=["POST"], request=PlanCopyCreateSerializer, responses=PlanCopySerializer)
    @action(detail=True, methods=["get", "post"])
    def copies(self, request: Request, pk: str) -> Response:
        """Copies of an agreed version for the family: list, or record one
        (email sends the PDF through the outbox; withheld needs a reason)."""
        from .pdf import check_copyable, copies_of, do_give_copy, preferred_language

        version = self._version(request, pk, for_write=request.method == "POST")
        check_copyable(version)
        if request.method == "GET":
            audit.record("view", user=_user(request), obj=version, child_id=version.plan.child_id)
            return Response(PlanCopySerializer(copies_of(version), many=True).data)
        serializer = PlanCopyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["language"] = data["language"] or preferred_language(version.plan.child)
        try:
            row = do_give_copy(version, actor=_user(request), **data)
        except DjangoValidationError as error:
            return Response(error.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response(PlanCopySerializer(row).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=[CHILD_ID]), create=extend_schema(parameters=[CHILD_ID]))
class ChildLevelOfNeedViewSet(viewsets.ViewSet):
    """A child's level of need and stage: the history, or a new decision."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PlanLevelSerializer(many=True))
    def list(self, request: Request, child_id: str) -> Response:
        child = access_child(_user(request), child_id, part=Part.PLANS)
        rows = LevelOfNeed.objects.filter(child=child).order_by("decided_on", "pk")
        return Response(PlanLevelSerializer(rows, many=True).data)

    @extend_schema(request=PlanLevelCreateSerializer, responses={201: PlanLevelSerializer})
    def create(self, request: Request, child_id: str) -> Response:
        user = _user(request)
        child = access_child(user, child_id, for_write=True, part=Part.PLANS)
        serializer = PlanLevelCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        row = actions.do_record_level_of_need(
            child, actor=user, level=d["level"], stage=d["stage"], decided_on=d["decided_on"], reason=d["reason"]
        )
        return Response(PlanLevelSerializer(row).data, status=status.HTTP_201_CREATED)
