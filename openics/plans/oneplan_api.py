"""SEND One Planning and EHC needs assessment requests through the REST API.

`one-plans/{id}/` reads a One Plan's evidence, delivery log and cycles,
with POST `evidence` and `delivery-log`, and `copies` lists and records
the family's copies of the One Plan (an emailed one carries the PDF); `people/{child_id}/ehc-requests/`
lists and records requests; `ehc-requests/{id}/` reads one with its
deadlines, and POST `steps` records the next statutory step.  The same
actions and access chokepoint as the pages (openics/plans/oneplan.py).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from openics.core import audit
from openics.core.access import access_child
from openics.core.api import ID_PATTERN

from . import oneplan
from .api import CHILD_ID, PlanCopyCreateSerializer, PlanCopySerializer, _pk, _user
from .models import DeliveredBy, DeliveryLogEntry, EhcRequest, EhcRequester, EvidenceKind, OnePlanEvidence, Plan
from .pdf import preferred_language

CHILD_EHC_REQUESTS = rf"people/(?P<child_id>{ID_PATTERN})/ehc-requests"


class EvidenceSerializer(serializers.ModelSerializer[OnePlanEvidence]):
    class Meta:
        model = OnePlanEvidence
        fields = ["id", "plan", "kind", "given_by", "role", "given_on", "summary", "created_by", "created_at"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer[DeliveryLogEntry]):
    class Meta:
        model = DeliveryLogEntry
        fields = [
            "id",
            "plan",
            "delivered_by",
            "who",
            "delivered_on",
            "target_key",
            "what_was_done",
            "notes",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class CycleSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    starts_on = serializers.DateField()
    review = serializers.SerializerMethodField()
    delivery_log = serializers.SerializerMethodField()

    def get_review(self, obj: oneplan.Cycle) -> int | None:
        return obj.review.pk if obj.review is not None else None

    def get_delivery_log(self, obj: oneplan.Cycle) -> list[int]:
        return [e.pk for e in obj.deliveries]


class OnePlanSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    child = serializers.IntegerField()
    status = serializers.CharField()
    evidence = EvidenceSerializer(many=True)
    delivery_log = DeliverySerializer(many=True)
    cycles = CycleSerializer(many=True)


class EvidenceCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    given_by = serializers.CharField(max_length=200)
    role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    given_on = serializers.DateField()
    summary = serializers.CharField(max_length=20_000)


class DeliveryCreateSerializer(serializers.Serializer[Any]):
    delivered_by = serializers.ChoiceField(choices=DeliveredBy.choices)
    who = serializers.CharField(max_length=200)
    delivered_on = serializers.DateField()
    target_key = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    what_was_done = serializers.CharField(max_length=20_000)
    notes = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="")


class DeadlineSerializer(serializers.Serializer[Any]):
    rule_id = serializers.CharField()
    title = serializers.CharField()
    trigger_date = serializers.DateField()
    due_date = serializers.DateField()
    met_on = serializers.DateField(allow_null=True)
    cancelled_on = serializers.DateField(allow_null=True)
    status = serializers.CharField(source="current_status")


class EhcRequestSerializer(serializers.ModelSerializer[EhcRequest]):
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = EhcRequest
        fields = [
            "id",
            "child",
            "one_plan",
            "requested_by",
            "requester_name",
            "received_on",
            "evidence",
            "status",
            "decision_on",
            "decision_reasons",
            "decision_notified_on",
            "advice_requested_on",
            "advice_received_on",
            "draft_issued_on",
            "final_issued_on",
            "no_plan_notified_on",
            "created_by",
            "created_at",
            "deadlines",
        ]
        read_only_fields = fields

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, obj: EhcRequest) -> Any:
        return DeadlineSerializer(oneplan.ehc_deadlines_with_status(obj), many=True).data


class EhcCreateSerializer(serializers.Serializer[Any]):
    requested_by = serializers.ChoiceField(choices=EhcRequester.choices)
    requester_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    received_on = serializers.DateField()
    evidence = serializers.CharField(max_length=20_000)
    one_plan = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class EhcStepSerializer(serializers.Serializer[Any]):
    step = serializers.ChoiceField(choices=oneplan.EhcStep.CHOICES)
    on = serializers.DateField()
    reasons = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="")
    late_reason = serializers.CharField(max_length=5_000, required=False, allow_blank=True, default="")


def _one_plan_data(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "child": plan.child_id,
        "status": plan.status,
        "evidence": list(plan.evidence.all()),
        "delivery_log": list(plan.delivery_log.all()),
        "cycles": oneplan.cycles(plan),
    }


class OnePlanViewSet(viewsets.ViewSet):
    """A One Plan's Assess and Do: evidence, delivery log and cycles."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = ID_PATTERN
    queryset = Plan.objects.none()

    def _plan(self, request: Request, pk: str, *, for_write: bool = False) -> Plan:
        plan = Plan.objects.filter(pk=_pk(pk), plan_type=oneplan.ONE_PLAN).first()
        if plan is None:
            raise Http404
        plan.child = access_child(_user(request), plan.child_id, for_write=for_write, part=plan.part)
        return plan

    @extend_schema(responses=OnePlanSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        plan = self._plan(request, pk)
        audit.record("view", user=_user(request), obj=plan, child_id=plan.child_id)
        return Response(OnePlanSerializer(_one_plan_data(plan)).data)

    @extend_schema(request=EvidenceCreateSerializer, responses={201: EvidenceSerializer})
    @action(detail=True, methods=["post"])
    def evidence(self, request: Request, pk: str) -> Response:
        plan = self._plan(request, pk, for_write=True)
        serializer = EvidenceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = oneplan.do_add_evidence(plan, actor=_user(request), **serializer.validated_data)
        return Response(EvidenceSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DeliveryCreateSerializer, responses={201: DeliverySerializer})
    @action(detail=True, methods=["post"], url_path="delivery-log", url_name="delivery-log")
    def delivery_log(self, request: Request, pk: str) -> Response:
        plan = self._plan(request, pk, for_write=True)
        serializer = DeliveryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = oneplan.do_log_delivery(plan, actor=_user(request), **serializer.validated_data)
        return Response(DeliverySerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=PlanCopySerializer(many=True))
    @extend_schema(methods=["POST"], request=PlanCopyCreateSerializer, responses={201: PlanCopySerializer})
    @action(detail=True, methods=["get", "post"])
    def copies(self, request: Request, pk: str) -> Response:
        """Copies of the One Plan for the family: list, or record one (email
        sends the One Plan PDF through the outbox; withheld needs a reason)."""
        plan = self._plan(request, pk, for_write=request.method == "POST")
        oneplan.one_plan_printable(plan)  # refuses a plan not yet agreed (409)
        if request.method == "GET":
            audit.record("view", user=_user(request), obj=plan, child_id=plan.child_id, detail={"page": "copies"})
            return Response(PlanCopySerializer(oneplan.one_plan_copies(plan), many=True).data)
        serializer = PlanCopyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["language"] = data["language"] or preferred_language(plan.child)
        row = oneplan.do_give_one_plan_copy(plan, actor=_user(request), **data)
        return Response(PlanCopySerializer(row).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=[CHILD_ID]), create=extend_schema(parameters=[CHILD_ID]))
class ChildEhcRequestViewSet(viewsets.ViewSet):
    """A child's requests for an EHC needs assessment: list them, or record one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=EhcRequestSerializer(many=True))
    def list(self, request: Request, child_id: str) -> Response:
        child = access_child(_user(request), child_id, part=oneplan.EHC_PART)
        rows = EhcRequest.objects.filter(child=child).order_by("-received_on", "-pk")
        return Response(EhcRequestSerializer(rows, many=True).data)

    @extend_schema(request=EhcCreateSerializer, responses={201: EhcRequestSerializer})
    def create(self, request: Request, child_id: str) -> Response:
        user = _user(request)
        child = access_child(user, child_id, for_write=True, part=oneplan.EHC_PART)
        serializer = EhcCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = dict(serializer.validated_data)
        plan_id = d.pop("one_plan")
        one_plan = None
        if plan_id is not None:
            one_plan = Plan.objects.filter(pk=plan_id, child=child, plan_type=oneplan.ONE_PLAN).first()
            if one_plan is None:
                raise serializers.ValidationError({"one_plan": ["Select one of the child's One Plans"]})
        row = oneplan.do_request_ehc_assessment(child, actor=user, one_plan=one_plan, **d)
        return Response(EhcRequestSerializer(row).data, status=status.HTTP_201_CREATED)


class EhcRequestViewSet(viewsets.ViewSet):
    """One EHC needs assessment request with its deadlines; record its steps."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = ID_PATTERN
    queryset = EhcRequest.objects.none()

    def _row(self, request: Request, pk: str, *, for_write: bool = False) -> EhcRequest:
        row = EhcRequest.objects.filter(pk=_pk(pk)).first()
        if row is None:
            raise Http404
        row.child = access_child(_user(request), row.child_id, for_write=for_write, part=oneplan.EHC_PART)
        return row

    @extend_schema(responses=EhcRequestSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        row = self._row(request, pk)
        audit.record("view", user=_user(request), obj=row, child_id=row.child_id)
        return Response(EhcRequestSerializer(row).data)

    @extend_schema(request=EhcStepSerializer, responses={200: EhcRequestSerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request: Request, pk: str) -> Response:
        row = self._row(request, pk, for_write=True)
        serializer = EhcStepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = oneplan.do_record_ehc_step(row, actor=_user(request), **serializer.validated_data)
        return Response(EhcRequestSerializer(row).data)
