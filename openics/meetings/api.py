"""Meetings through the REST API: the same actions and access as the pages.

`people/{child_id}/meetings/` lists and plans a child's meetings;
`meetings/{id}/` reads one and PATCH changes when, where or who chairs
(with the version it started from; invitees get an updated .ics); POST
`participants`, `invitations`, `cancel`, `outcome` (the record of the
meeting), `record-copies` (email the record as a PDF, or withhold a copy
with a reason) and `plan-review` (record the review of a plan the meeting
held); `distribution` lists and records copies.  A step the meeting's
state forbids answers 409 with its message.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from openics.core import audit
from openics.core.access import access_child
from openics.core.api import ID_PATTERN
from openics.core.models import User

# The plans engine's own serializers: the same review fields as POST plans/{id}/reviews/.
from openics.plans.api import PlanOutcomeReviewSerializer, PlanReviewSerializer
from openics.plans.models import Plan, ReviewDecision

from . import actions
from .models import (
    KIND_PART,
    AgencyReport,
    Attendance,
    ChildParticipation,
    DeliveryMethod,
    Distribution,
    Meeting,
    MeetingAction,
    MeetingKind,
    MeetingMode,
    Participant,
    ParticipantKind,
)
from .views import child_for_meetings, meeting_for

CHILD_MEETINGS = rf"people/(?P<child_id>{ID_PATTERN})/meetings"
CHILD_ID = OpenApiParameter("child_id", int, OpenApiParameter.PATH, description="The child's id")


def _id() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=2**63 - 1)


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _refusal(refusal: actions.MeetingRefused) -> Response:
    return Response({"detail": refusal.message}, status=refusal.status)


class ParticipantSerializer(serializers.ModelSerializer[Participant]):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "user",
            "name",
            "display_name",
            "email",
            "kind",
            "agency",
            "role",
            "supporting",
            "invited_at",
            "invited_sequence",
            "attendance",
        ]
        read_only_fields = fields


class ActionRowSerializer(serializers.ModelSerializer[MeetingAction]):
    class Meta:
        model = MeetingAction
        fields = ["id", "what", "who", "due_on"]
        read_only_fields = fields


class ReportRowSerializer(serializers.ModelSerializer[AgencyReport]):
    class Meta:
        model = AgencyReport
        fields = ["id", "agency", "author", "submitted_on", "summary"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    participants = ParticipantSerializer(many=True, read_only=True)
    actions = ActionRowSerializer(many=True, read_only=True)
    reports = ReportRowSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "child",
            "kind",
            "part",
            "plan",
            "plan_review",
            "title",
            "starts_at",
            "ends_at",
            "mode",
            "place",
            "chair",
            "status",
            "cancel_reason",
            "sequence",
            "child_participation",
            "child_participation_note",
            "child_views",
            "minutes",
            "decisions",
            "version",
            "created_by",
            "created_at",
            "participants",
            "actions",
            "reports",
        ]
        read_only_fields = fields


class DistributionSerializer(serializers.ModelSerializer[Distribution]):
    class Meta:
        model = Distribution
        fields = [
            "id",
            "recipient",
            "participant",
            "method",
            "address",
            "language",
            "withheld",
            "withheld_reason",
            "at",
            "by",
        ]
        read_only_fields = fields


def _chair(value: int | None) -> User | None:
    if value is None:
        return None
    chair = User.objects.filter(pk=value, is_active=True).first()
    if chair is None:
        raise serializers.ValidationError({"chair": "Choose a member of staff"})
    return chair


class MeetingCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    mode = serializers.ChoiceField(choices=MeetingMode.choices, default=MeetingMode.IN_PERSON)
    place = serializers.CharField(max_length=300)
    chair = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None)
    plan = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None)
    other_children = serializers.ListField(child=_id(), required=False, default=list, max_length=20)


class MeetingUpdateSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    starts_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField(required=False)
    mode = serializers.ChoiceField(choices=MeetingMode.choices, required=False)
    place = serializers.CharField(max_length=300, required=False)
    chair = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True)


class ParticipantCreateSerializer(serializers.Serializer[Any]):
    user = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=ParticipantKind.choices, default=ParticipantKind.PROFESSIONAL)
    agency = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    supporting = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None
    )


class InviteSerializer(serializers.Serializer[Any]):
    participants = serializers.ListField(child=_id(), allow_empty=False, max_length=200)


class CancelSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=5000)


class AttendanceRowSerializer(serializers.Serializer[Any]):
    participant = _id()
    attendance = serializers.ChoiceField(choices=Attendance.choices)


class ActionInSerializer(serializers.Serializer[Any]):
    what = serializers.CharField(max_length=5000)
    who = serializers.CharField(max_length=200)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReportInSerializer(serializers.Serializer[Any]):
    agency = serializers.CharField(max_length=200)
    author = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    submitted_on = serializers.DateField(required=False, allow_null=True, default=None)
    summary = serializers.CharField(max_length=50_000, required=False, allow_blank=True, default="")


class OutcomeSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    attendance = AttendanceRowSerializer(many=True, required=False, default=list)
    child_participation = serializers.ChoiceField(choices=[c for c in ChildParticipation.choices if c[0]])
    child_participation_note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    child_views = serializers.CharField(max_length=50_000, required=False, allow_blank=True, default="")
    minutes = serializers.CharField(max_length=200_000, required=False, allow_blank=True, default="")
    decisions = serializers.CharField(max_length=50_000, required=False, allow_blank=True, default="")
    actions = ActionInSerializer(many=True, required=False, default=list)
    reports = ReportInSerializer(many=True, required=False, default=list)


class WithholdSerializer(serializers.Serializer[Any]):
    participant = _id()
    reason = serializers.CharField(max_length=5000)


class SendRecordSerializer(serializers.Serializer[Any]):
    send_to = serializers.ListField(child=_id(), required=False, default=list, max_length=200)
    withhold = WithholdSerializer(many=True, required=False, default=list)
    language = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class DistributionCreateSerializer(serializers.Serializer[Any]):
    recipient = serializers.CharField(max_length=200)
    method = serializers.ChoiceField(choices=DeliveryMethod.choices, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    language = serializers.CharField(max_length=60, required=False, allow_blank=True, default="English")
    withheld = serializers.BooleanField(required=False, default=False)
    withheld_reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class MeetingPlanReviewSerializer(serializers.Serializer[Any]):
    """The review of a plan held at this meeting.  What the page fills in
    from the meeting (its day, place and who attended) is the default."""

    plan = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        default=None,
        help_text="The plan reviewed; blank: the plan the meeting is about",
    )
    review_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Blank: the day of the meeting"
    )
    held_at = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Omitted: the meeting's place"
    )
    attended = serializers.CharField(
        max_length=10_000, required=False, allow_blank=True, help_text="Omitted: who attended the meeting"
    )
    outcomes = PlanOutcomeReviewSerializer(many=True)
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    decision_reason = serializers.CharField(max_length=10_000)
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)
    late_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


def _meetings_of(child: Any, user: User) -> Any:
    assert child._grant is not None
    return (
        Meeting.objects.about(child, user)
        .in_parts(child._grant.parts)
        .prefetch_related("participants", "actions", "reports")
        .order_by("-starts_at", "-pk")
    )


@extend_schema_view(list=extend_schema(parameters=[CHILD_ID]), create=extend_schema(parameters=[CHILD_ID]))
class ChildMeetingViewSet(viewsets.ViewSet):
    """A child's meetings: list them, or plan one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeetingSerializer(many=True))
    def list(self, request: Request, child_id: str) -> Response:
        user = _user(request)
        child = child_for_meetings(user, child_id)  # type: ignore[arg-type]
        return Response(MeetingSerializer(_meetings_of(child, user), many=True).data)

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer})
    def create(self, request: Request, child_id: str) -> Response:
        user = _user(request)
        child_for_meetings(user, child_id, for_write=True)  # type: ignore[arg-type]
        serializer = MeetingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        part = KIND_PART[d["kind"]]
        child = access_child(user, child_id, for_write=True, part=part)
        others = [access_child(user, pk, for_write=True, part=part) for pk in dict.fromkeys(d["other_children"])]
        plan = None
        if d["plan"] is not None:
            assert child._grant is not None
            plan = Plan.objects.filter(pk=d["plan"], child=child, part__in=child._grant.parts).first()
            if plan is None:
                raise serializers.ValidationError({"plan": "Choose a plan of this child"})
        meeting = actions.do_plan_meeting(
            child,
            actor=user,
            kind=d["kind"],
            title=d["title"],
            starts_at=d["starts_at"],
            ends_at=d["ends_at"],
            mode=d["mode"],
            place=d["place"],
            chair=_chair(d["chair"]),
            plan=plan,
            other_children=others,
        )
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


class MeetingViewSet(viewsets.ViewSet):
    """One meeting: read, change, participants, invitations, cancel, record, copies."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = ID_PATTERN
    queryset = Meeting.objects.none()

    def _meeting(self, request: Request, pk: str, *, for_write: bool = False) -> Meeting:
        return meeting_for(_user(request), pk, for_write=for_write)

    def _answer(self, meeting: Meeting, code: int = status.HTTP_200_OK) -> Response:
        fresh = Meeting.objects.prefetch_related("participants", "actions", "reports").get(pk=meeting.pk)
        return Response(MeetingSerializer(fresh).data, status=code)

    @extend_schema(responses=MeetingSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        meeting = self._meeting(request, pk)
        audit.record("view", user=_user(request), obj=meeting, child_id=meeting.child_id)
        return self._answer(meeting)

    @extend_schema(request=MeetingUpdateSerializer, responses=MeetingSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        meeting = self._meeting(request, pk, for_write=True)
        serializer = MeetingUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        chair = _chair(d["chair"]) if "chair" in d else meeting.chair
        try:
            meeting = actions.do_update_meeting(
                meeting,
                actor=_user(request),
                expected_version=d["version"],
                title=d.get("title", meeting.title),
                starts_at=d.get("starts_at", meeting.starts_at),
                ends_at=d.get("ends_at", meeting.ends_at),
                mode=d.get("mode", meeting.mode),
                place=d.get("place", meeting.place),
                chair=chair,
            )
        except actions.MeetingRefused as refusal:
            return _refusal(refusal)
        return self._answer(meeting)

    @extend_schema(request=ParticipantCreateSerializer, responses={201: ParticipantSerializer})
    @action(detail=True, methods=["post"])
    def participants(self, request: Request, pk: str) -> Response:
        meeting = self._meeting(request, pk, for_write=True)
        serializer = ParticipantCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        staff = None
        if d["user"] is not None:
            staff = User.objects.filter(pk=d["user"], is_active=True).first()
            if staff is None:
                raise serializers.ValidationError({"user": "Choose a member of staff"})
        supporting = None
        if d["supporting"] is not None:
            supporting = meeting.participants.filter(pk=d["supporting"]).first()
            if supporting is None:
                raise serializers.ValidationError({"supporting": "Choose someone invited to this meeting"})
        try:
            participant = actions.do_add_participant(
                meeting,
                actor=_user(request),
                user=staff,
                name=d["name"],
                email=d["email"],
                kind=d["kind"],
                agency=d["agency"],
                role=d["role"],
                supporting=supporting,
            )
        except actions.MeetingRefused as refusal:
            return _refusal(refusal)
        return Response(ParticipantSerializer(participant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=InviteSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def invitations(self, request: Request, pk: str) -> Response:
        meeting = self._meeting(request, pk, for_write=True)
        serializer = InviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            actions.do_send_invitations(
                meeting, actor=_user(request), participant_ids=serializer.validated_data["participants"]
            )
        except actions.MeetingRefused as refusal:
            return _refusal(refusal)
        return self._answer(meeting)

    @extend_schema(request=CancelSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        meeting = self._meeting(request, pk, for_write=True)
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            actions.do_cancel_meeting(meeting, actor=_user(request), reason=serializer.validated_data["reason"])
        except actions.MeetingRefused as refusal:
            return _refusal(refusal)
        return self._answer(meeting)

    @extend_schema(request=OutcomeSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str) -> Response:
        meeting = self._meeting(request, pk, for_write=True)
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        try:
            actions.do_record_outcome(
                meeting,
                actor=_user(request),
                expected_version=d["version"],
                attendance={row["participant"]: row["attendance"] for row in d["attendance"]},
                child_participation=d["child_participation"],
                child_participation_note=d["child_participation_note"],
                child_views=d["child_views"],
                minutes=d["minutes"],
                decisions=d["decisions"],
                actions=d["actions"],
                reports=d["reports"],
            )
        except actions.MeetingRefused as refusal:
            return _refusal(refusal)
        return self._answer(meeting)

    @extend_schema(request=SendRecordSerializer, responses={201: DistributionSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="record-copies", url_name="record-copies")
    def record_copies(self, request: Request, pk: str) -> Response:
        meeting = self._meeting(request, pk, for_write=True)
        serializer = SendRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        try:
            rows = actions.do_send_record(
                meeting,
                actor=_user(request),
                send_to=d["send_to"],
                withhold={row["participant"]: row["reason"] for row in d["withhold"]},
                language=d["language"],
            )
        except actions.MeetingRefused as refusal:
            return _refusal(refusal)
        return Response(DistributionSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeetingPlanReviewSerializer, responses={201: PlanReviewSerializer})
    @action(detail=True, methods=["post"], url_path="plan-review", url_name="plan-review")
    def plan_review(self, request: Request, pk: str) -> Response:
        """Record the review of a plan that this held review meeting held (as
        the plan's review page does from the meeting); the meeting and the
        review then name each other."""
        user = _user(request)
        meeting = self._meeting(request, pk, for_write=True)
        serializer = MeetingPlanReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        plan_id = d["plan"] or meeting.plan_id
        if plan_id is None:
            raise serializers.ValidationError({"plan": ["Choose the plan reviewed at this meeting"]})
        plan = Plan.objects.filter(pk=plan_id, child_id=meeting.child_id).first()
        if plan is None:
            raise serializers.ValidationError({"plan": ["Choose a plan of the child this meeting is about"]})
        plan.child = access_child(user, plan.child_id, for_write=True, part=plan.part)
        prefill = actions.review_prefill(meeting)
        try:
            review = actions.do_record_review_from_meeting(
                meeting,
                plan,
                actor=user,
                review_date=d["review_date"] or prefill["review_date"],
                held_at=d.get("held_at", prefill["held_at"]),
                attended=d.get("attended", prefill["attended"]),
                outcomes=[{**o, "outcome": str(o["outcome"])} for o in d["outcomes"]],
                decision=d["decision"],
                decision_reason=d["decision_reason"],
                next_review_on=d["next_review_on"],
                late_reason=d["late_reason"],
            )
        except actions.MeetingRefused as refusal:
            return _refusal(refusal)
        return Response(PlanReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=DistributionSerializer(many=True))
    @extend_schema(methods=["post"], request=DistributionCreateSerializer, responses={201: DistributionSerializer})
    @action(detail=True, methods=["get", "post"])
    def distribution(self, request: Request, pk: str) -> Response:
        if request.method == "GET":
            meeting = self._meeting(request, pk)
            return Response(DistributionSerializer(actions.distribution_for(meeting), many=True).data)
        meeting = self._meeting(request, pk, for_write=True)
        serializer = DistributionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = serializer.validated_data
        row = actions.do_record_distribution(meeting, child=meeting.child, actor=_user(request), **d)
        return Response(DistributionSerializer(row).data, status=status.HTTP_201_CREATED)


__all__ = ["CHILD_MEETINGS", "ChildMeetingViewSet", "Http404", "MeetingViewSet"]
