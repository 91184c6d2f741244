"""School safeguarding through the REST API: the same actions and access as
the pages.

`safeguarding/concerns/` lists the concerns at the schools where the caller
is DSL or deputy (403 for anyone else) and records a new one (any member of
a school's staff, about a pupil on its roll); `…/{id}/` reads one (the file's
readers in full, the recorder what they wrote); `additions`, `decision` and
`fgm-notification` are POST actions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from openics.core.access import access_child
from openics.core.api import ID_PATTERN
from openics.core.models import Organisation, Person, User
from openics.core.roles import Part

from . import actions
from .access import access_concern, lead_school_ids, may_decide, recordable_pupils, school_for
from .codes import BodyView, ConcernCategory, LevelOfNeed, TriageOutcome
from .models import Concern, ConcernAddition, FgmNotification, TriageDecision

LIST_LIMIT = 500


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class ConcernBodyMarkSerializer(serializers.Serializer[Any]):
    view = serializers.ChoiceField(choices=BodyView.choices)
    x = serializers.FloatField(min_value=0, max_value=1)
    y = serializers.FloatField(min_value=0, max_value=1)
    note = serializers.CharField(max_length=actions.MAX_NOTE, allow_blank=True, required=False, default="")


class ConcernAdditionSerializer(serializers.ModelSerializer[ConcernAddition]):
    class Meta:
        model = ConcernAddition
        fields = ["id", "text", "added_by", "added_at"]
        read_only_fields = ["id", "added_by", "added_at"]
        extra_kwargs = {"text": {"max_length": 10_000}}


class TriageDecisionSerializer(serializers.ModelSerializer[TriageDecision]):
    class Meta:
        model = TriageDecision
        fields = [
            "id",
            "outcome",
            "level_of_need",
            "immediate_risk",
            "hub_phoned_at",
            "police_informed_at",
            "advice_from",
            "parents_informed",
            "parents_not_informed_reason",
            "follow_up_on",
            "rationale",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = ["id", "decided_by", "decided_at"]
        extra_kwargs = {
            "level_of_need": {"required": False},
            "parents_not_informed_reason": {"max_length": 5000, "required": False},
            "rationale": {"max_length": 20_000},
        }


class FgmNotificationSerializer(serializers.ModelSerializer[FgmNotification]):
    class Meta:
        model = FgmNotification
        fields = ["notified_by", "notified_at", "police_reference", "recorded_at"]
        read_only_fields = ["notified_by", "recorded_at"]


class ConcernSerializer(serializers.ModelSerializer[Concern]):
    body_map = ConcernBodyMarkSerializer(many=True, read_only=True)
    additions = ConcernAdditionSerializer(many=True, read_only=True)
    decisions = TriageDecisionSerializer(many=True, read_only=True)
    fgm_notification = FgmNotificationSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Concern
        fields = [
            "id",
            "school",
            "child",
            "other_pupils",
            "occurred_at",
            "location",
            "account",
            "childs_words",
            "categories",
            "body_map",
            "action_taken",
            "dsl_informed_verbally",
            "fgm_known",
            "recent_flag",
            "recorded_by",
            "recorded_at",
            "first_read_at",
            "escalated_at",
            "decided_at",
            "additions",
            "decisions",
            "fgm_notification",
        ]
        read_only_fields = fields


class NewConcernSerializer(serializers.Serializer[Any]):
    child = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    other_pupils = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, default=list, max_length=50
    )
    occurred_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=200)
    account = serializers.CharField(max_length=20_000)
    childs_words = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=ConcernCategory.choices), min_length=1, max_length=len(ConcernCategory)
    )
    fgm_known = serializers.BooleanField(required=False, default=False)
    body_map = ConcernBodyMarkSerializer(many=True, required=False, default=list)
    action_taken = serializers.CharField(max_length=10_000)
    dsl_informed_verbally = serializers.BooleanField()


class NewConcernAdditionSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=10_000)


class NewTriageDecisionSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=TriageOutcome.choices)
    level_of_need = serializers.ChoiceField(choices=LevelOfNeed.choices, required=False, allow_blank=True, default="")
    immediate_risk = serializers.BooleanField(required=False, default=False)
    hub_phoned_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    police_informed_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    advice_from = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    parents_informed = serializers.BooleanField()
    parents_not_informed_reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)
    rationale = serializers.CharField(max_length=20_000)


class NewFgmNotificationSerializer(serializers.Serializer[Any]):
    notified_at = serializers.DateTimeField()
    police_reference = serializers.CharField(max_length=60)


def _out(concern: Concern, full: bool) -> dict[str, Any]:
    data: dict[str, Any] = dict(ConcernSerializer(concern).data)
    if not full:
        # The recorder reads back what they wrote, not the DSL's work.
        data["decisions"] = []
        data["other_pupils"] = []
        data["additions"] = [a for a in data["additions"] if a["added_by"] == concern.recorded_by_id]
    return data


def _refused(message: str) -> Response:
    return Response({"detail": message}, status=status.HTTP_403_FORBIDDEN)


class ConcernViewSet(viewsets.ViewSet):
    """Safeguarding concerns: record, list (DSL), read, add to, decide."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = ID_PATTERN
    # Only so the schema knows the id is an integer.
    queryset = Concern.objects.none()

    @extend_schema(responses=ConcernSerializer(many=True))
    def list(self, request: Request) -> Response:
        from openics.core import audit
        from openics.core.access import visible_people

        user = _user(request)
        schools = lead_school_ids(user)
        if not schools:
            return _refused("Only a designated safeguarding lead or deputy lists concerns.")
        visible = visible_people(user, Person.objects.filter(is_child=True)).values("pk")
        concerns = list(
            Concern.objects.filter(school_id__in=schools, child_id__in=visible)
            .select_related("fgm_notification")
            .prefetch_related("additions", "decisions", "other_pupils")
            .triage_order()[:LIST_LIMIT]
        )
        audit.record_many(
            "list_hit", user=user, child_ids=sorted({c.child_id for c in concerns}), detail={"api": "concerns"}
        )
        return Response([ConcernSerializer(c).data for c in concerns])

    @extend_schema(request=NewConcernSerializer, responses={201: ConcernSerializer})
    def create(self, request: Request) -> Response:
        user = _user(request)
        serializer = NewConcernSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        child = access_child(user, data.pop("child"), part=Part.CORE)
        school_id = school_for(user, child)
        if school_id is None:
            return _refused("You can record a concern only about a pupil on the roll of your school.")
        wanted = set(data.pop("other_pupils")) - {child.pk}
        others = list(recordable_pupils(user).filter(pk__in=wanted))
        if len(others) != len(wanted):
            raise ValidationError({"other_pupils": "Other pupils must be pupils at your school"})
        data["body_map"] = [dict(m) for m in data["body_map"]]
        concern = actions.do_record_concern(
            child, actor=user, school=Organisation.objects.get(pk=school_id), data=data, other_pupils=others
        )
        return Response(_out(concern, full=False), status=status.HTTP_201_CREATED)

    @extend_schema(responses=ConcernSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        from openics.core import audit

        user = _user(request)
        concern, full = access_concern(user, pk)
        if full and may_decide(user, concern):
            actions.do_mark_read(concern, actor=user)
        audit.record("view", user=user, obj=concern, child_id=concern.child_id, detail={"full": full, "api": True})
        return Response(_out(concern, full))

    @extend_schema(request=NewConcernAdditionSerializer, responses={201: ConcernAdditionSerializer})
    @action(detail=True, methods=["post"])
    def additions(self, request: Request, pk: str) -> Response:
        user = _user(request)
        concern, _full = access_concern(user, pk)
        serializer = NewConcernAdditionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        addition = actions.do_add_to_concern(concern, actor=user, text=serializer.validated_data["text"])
        return Response(ConcernAdditionSerializer(addition).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NewTriageDecisionSerializer, responses={201: TriageDecisionSerializer})
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str) -> Response:
        user = _user(request)
        concern, _full = access_concern(user, pk, as_recorder=False)
        serializer = NewTriageDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            decision = actions.do_decide(concern, actor=user, data=dict(serializer.validated_data))
        except actions.ConcernRefused as refusal:
            return _refused(refusal.message)
        return Response(TriageDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NewFgmNotificationSerializer, responses={201: FgmNotificationSerializer})
    @action(detail=True, methods=["post"], url_path="fgm-notification")
    def fgm_notification(self, request: Request, pk: str) -> Response:
        user = _user(request)
        concern, _full = access_concern(user, pk)
        serializer = NewFgmNotificationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            notification = actions.do_record_fgm_notification(
                concern,
                actor=user,
                notified_at=serializer.validated_data["notified_at"],
                police_reference=serializer.validated_data["police_reference"],
            )
        except actions.ConcernRefused as refusal:
            return _refused(refusal.message)
        return Response(FgmNotificationSerializer(notification).data, status=status.HTTP_201_CREATED)
