"""School operations through the REST API: the same actions and access as
the pages.

- `schools/attendance-imports/` (POST): a register file as text, checked in
  full; `dry_run` (the default) answers 200 with the preview or 400 with every
  bad line; otherwise the marks are written (201), all or nothing.
- `schools/training/` (GET, POST): the register of the schools where the
  caller is DSL, deputy or head; record a course.
- `allegations/`: the restricted area.  Anyone who may not see an allegation
  gets 404, as for one that does not exist, and the refusal is audited.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from openics.core import audit
from openics.core.api import ID_PATTERN
from openics.core.models import User

from . import actions
from .access import (
    LEAD_ROLES,
    access_allegation,
    access_school,
    allegations_visible_to,
    may_manage_allegation,
    may_record_allegation,
    pupils,
    schools_of,
)
from .attendance import MAX_BYTES
from .codes import AllegationEntryKind, AllegationOutcome, TrainingLevel
from .models import Allegation, AllegationEntry, TrainingRecord

LIST_LIMIT = 500
MAX_ID = 2**63 - 1


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# ------------------------------------------------------------ attendance


class AttendanceImportSerializer(serializers.Serializer[Any]):
    school = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    csv = serializers.CharField(max_length=MAX_BYTES, trim_whitespace=False)
    dry_run = serializers.BooleanField(required=False, default=True)


class AttendanceImportViewSet(viewsets.ViewSet):
    """Import a register: check it (dry run), or check and write it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AttendanceImportSerializer, responses={200: dict, 201: dict, 400: dict})
    def create(self, request: Request) -> Response:
        user = _user(request)
        given = AttendanceImportSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        school = access_school(user, data["school"], LEAD_ROLES)
        roll = pupils(user, school)
        upload, checked = actions.do_preview_import(
            school, actor=user, content=data["csv"], pupils=roll, keep=not data["dry_run"]
        )
        if checked.errors:
            return Response(
                {
                    "detail": "Nothing was imported: correct these lines and send the whole file again.",
                    "errors": [{"line": line, "message": message} for line, message in checked.errors],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        days = checked.days
        preview = {
            "marks": len(checked.marks),
            "pupils": checked.pupils,
            "first_day": days[0] if days else None,
            "last_day": days[1] if days else None,
        }
        if data["dry_run"]:
            return Response({**preview, "imported": False})
        assert upload is not None
        written = actions.do_apply_import(upload, actor=user, pupils=roll)
        return Response(
            {**preview, "import": upload.pk, "imported": True, "written": written}, status=status.HTTP_201_CREATED
        )


# ------------------------------------------------------------ training


class TrainingRecordSerializer(serializers.ModelSerializer[TrainingRecord]):
    class Meta:
        model = TrainingRecord
        fields = ["id", "school", "person", "course", "level", "completed_on", "recorded_by", "recorded_at"]
        read_only_fields = fields


class NewTrainingSerializer(serializers.Serializer[Any]):
    school = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    person = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    course = serializers.CharField(max_length=200)
    level = serializers.ChoiceField(choices=TrainingLevel.choices)
    completed_on = serializers.DateField()


class TrainingViewSet(viewsets.ViewSet):
    """The training register: each member's requirements, and new records."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def list(self, request: Request) -> Response:
        user = _user(request)
        schools = schools_of(user, LEAD_ROLES)
        if not schools:
            return Response(
                {"detail": "Only a school's DSL, deputies or headteacher see its training register."}, status=403
            )
        out = []
        for school in schools:
            for member in actions.training_status(school):
                out.append(
                    {
                        "school": school.pk,
                        "person": member.user.pk,
                        "name": member.user.get_full_name(),
                        "roles": member.roles,
                        "compliant": member.compliant,
                        "requirements": [
                            {"requirement": r.code, "last_on": r.last_on, "due_on": r.due_on, "state": r.state}
                            for r in member.requirements
                        ],
                    }
                )
        return Response(out)

    @extend_schema(request=NewTrainingSerializer, responses={201: TrainingRecordSerializer})
    def create(self, request: Request) -> Response:
        user = _user(request)
        given = NewTrainingSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        school = access_school(user, data["school"], LEAD_ROLES)
        person = User.objects.filter(pk=data["person"]).first()
        if person is None:
            return Response({"person": ["No member of staff has that id"]}, status=400)
        record = actions.do_record_training(
            school,
            actor=user,
            person=person,
            course=data["course"],
            level=data["level"],
            completed_on=data["completed_on"],
        )
        return Response(TrainingRecordSerializer(record).data, status=201)


# ------------------------------------------------------------ allegations


class AllegationEntrySerializer(serializers.ModelSerializer[AllegationEntry]):
    class Meta:
        model = AllegationEntry
        fields = ["id", "kind", "text", "added_by", "added_at"]
        read_only_fields = fields


class AllegationSerializer(serializers.ModelSerializer[Allegation]):
    entries = AllegationEntrySerializer(many=True, read_only=True)
    participants = serializers.SerializerMethodField()

    class Meta:
        model = Allegation
        fields = [
            "id",
            "school",
            "about_name",
            "about_user",
            "about_role",
            "concerns_head",
            "what",
            "occurred_on",
            "reported_by",
            "received_at",
            "recorded_by",
            "recorded_at",
            "lado_due_on",
            "lado_rule",
            "lado_informed_at",
            "lado_name",
            "lado_reference",
            "lado_late_reason",
            "outcome",
            "outcome_on",
            "outcome_note",
            "entries",
            "participants",
        ]
        read_only_fields = fields

    def get_participants(self, obj: Allegation) -> list[int]:
        return [p.user_id for p in obj.participants.all()]


class NewAllegationSerializer(serializers.Serializer[Any]):
    school = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    about_name = serializers.CharField(max_length=200)
    about_user = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True, default=None)
    about_role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    concerns_head = serializers.BooleanField(required=False, default=False)
    what = serializers.CharField(max_length=20_000)
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)
    reported_by = serializers.CharField(max_length=200)
    received_at = serializers.DateTimeField()


class AllegationLadoSerializer(serializers.Serializer[Any]):
    informed_at = serializers.DateTimeField()
    lado_name = serializers.CharField(max_length=200)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    late_reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class NewAllegationEntrySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=AllegationEntryKind.choices)
    text = serializers.CharField(max_length=20_000)


class AllegationParticipantSerializer(serializers.Serializer[Any]):
    user = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class AllegationOutcomeSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=AllegationOutcome.choices)
    outcome_on = serializers.DateField()
    note = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="")


def _managed(user: User, pk: str | None) -> Allegation:
    allegation = access_allegation(user, pk or "")
    if not may_manage_allegation(user, allegation):
        audit.record_denial("manage", user=user, obj=allegation)
        raise Http404
    return allegation


class AllegationViewSet(viewsets.ViewSet):
    """Allegations against staff: a restricted area (404 for everyone else)."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = ID_PATTERN
    queryset = Allegation.objects.none()

    @extend_schema(responses=AllegationSerializer(many=True))
    def list(self, request: Request) -> Response:
        user = _user(request)
        visible = list(allegations_visible_to(user).prefetch_related("entries", "participants")[:LIST_LIMIT])
        if not visible and not may_record_allegation(user):
            audit.record_denial("access", user=user, object_type="schools.allegation")
            raise Http404
        return Response(AllegationSerializer(visible, many=True).data)

    @extend_schema(request=NewAllegationSerializer, responses={201: AllegationSerializer})
    def create(self, request: Request) -> Response:
        user = _user(request)
        schools = {s.pk: s for s in may_record_allegation(user)}
        if not schools:
            audit.record_denial("access", user=user, object_type="schools.allegation")
            raise Http404
        given = NewAllegationSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        school = schools.get(data.pop("school"))
        if school is None:
            return Response({"school": ["You cannot record allegations for that school"]}, status=400)
        about_user = None
        if data.get("about_user"):
            about_user = User.objects.filter(pk=data["about_user"]).first()
            if about_user is None:
                return Response({"about_user": ["No member of staff has that id"]}, status=400)
        data["about_user"] = about_user
        allegation = actions.do_record_allegation(school, actor=user, **data)
        return Response(AllegationSerializer(allegation).data, status=201)

    @extend_schema(responses=AllegationSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        user = _user(request)
        allegation = access_allegation(user, pk or "")
        audit.record("view", user=user, obj=allegation)
        return Response(AllegationSerializer(allegation).data)

    @extend_schema(request=AllegationLadoSerializer, responses={200: AllegationSerializer})
    @action(detail=True, methods=["post"])
    def lado(self, request: Request, pk: str | None = None) -> Response:
        user = _user(request)
        allegation = _managed(user, pk)
        given = AllegationLadoSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        done = actions.do_record_lado_informed(allegation, actor=user, **given.validated_data)
        return Response(AllegationSerializer(done).data)

    @extend_schema(request=NewAllegationEntrySerializer, responses={201: AllegationEntrySerializer})
    @action(detail=True, methods=["post"])
    def entries(self, request: Request, pk: str | None = None) -> Response:
        user = _user(request)
        allegation = access_allegation(user, pk or "")
        given = NewAllegationEntrySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        entry = actions.do_add_allegation_entry(allegation, actor=user, **given.validated_data)
        return Response(AllegationEntrySerializer(entry).data, status=201)

    @extend_schema(request=AllegationParticipantSerializer, responses={201: dict})
    @action(detail=True, methods=["post"])
    def participants(self, request: Request, pk: str | None = None) -> Response:
        user = _user(request)
        allegation = _managed(user, pk)
        given = AllegationParticipantSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        person = User.objects.filter(pk=given.validated_data["user"]).first()
        if person is None:
            return Response({"user": ["No member of staff has that id"]}, status=400)
        actions.do_add_participant(allegation, actor=user, user=person)
        return Response({"user": person.pk}, status=201)

    @extend_schema(request=AllegationOutcomeSerializer, responses={200: AllegationSerializer})
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str | None = None) -> Response:
        user = _user(request)
        allegation = _managed(user, pk)
        given = AllegationOutcomeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        done = actions.do_record_outcome(allegation, actor=user, **given.validated_data)
        return Response(AllegationSerializer(done).data)
