"""Case records through the REST API: the same actions and access as the pages.

`people/{child_id}/records/` lists and starts a child's records;
`records/{id}/` reads one, PATCH saves a draft (with the version it started
from), and submit, return, endorse and correct are POST actions.  A workflow
refusal answers with its message: 403 for who you are ("Nobody endorses
their own record"), 409 for the state the record is in.
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

from openics.core.access import access_child
from openics.core.api import ID_PATTERN
from openics.core.models import User
from openics.core.roles import Part

from . import actions, linking
from .definitions import current_definitions, get_definition
from .models import CaseRecord, RecordDecision

# Where a child's records are listed and started, under the API's root.
CHILD_RECORDS = rf"people/(?P<child_id>{ID_PATTERN})/records"
CHILD_ID = OpenApiParameter("child_id", int, OpenApiParameter.PATH, description="The child's id")


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class DecisionSerializer(serializers.ModelSerializer[RecordDecision]):
    class Meta:
        model = RecordDecision
        fields = ["action", "by", "at", "comments"]
        read_only_fields = fields


class RecordSerializer(serializers.ModelSerializer[CaseRecord]):
    title = serializers.CharField(read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = CaseRecord
        fields = [
            "id",
            "child",
            "kind",
            "title",
            "definition_version",
            "status",
            "data",
            "version",
            "edition",
            "supersedes",
            "correction_reason",
            "late_reason",
            "linked_group",
            "created_by",
            "created_at",
            "submitted_by",
            "submitted_at",
            "endorsed_by",
            "endorsed_at",
            "decisions",
        ]
        read_only_fields = fields


def _child_ids(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        max_length=linking.MAX_LINKED,
        **kwargs,
    )


def _distinct(ids: list[int]) -> list[int]:
    if len(set(ids)) != len(ids):
        raise serializers.ValidationError("Name each child once.")
    return ids


class StartSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=[])
    # Other children the record concerns (a contact about a family): each
    # gets a linked draft of their own.
    also_for = _child_ids(required=False, default=list)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(current_definitions())  # type: ignore[attr-defined]
        # Initial values of the draft, by field name; the shared ones are
        # copied to the linked drafts.
        self.fields["data"] = serializers.DictField(child=serializers.JSONField(), required=False)

    def validate_also_for(self, value: list[int]) -> list[int]:
        return _distinct(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("also_for") and not linking.is_linkable(attrs["kind"]):
            title = get_definition(attrs["kind"]).title
            raise serializers.ValidationError({"also_for": f"A {title} is about one child: it cannot be linked."})
        return attrs


class LinkSerializer(serializers.Serializer[Any]):
    children = _child_ids(allow_empty=False)

    def validate_children(self, value: list[int]) -> list[int]:
        return _distinct(value)


class DraftSerializer(serializers.Serializer[Any]):
    """The version the edit started from, and values by field name."""

    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Added here because `data` as a class attribute would hide the
        # serializer's own `.data`.
        self.fields["data"] = serializers.DictField(child=serializers.JSONField(), allow_empty=True)


class SubmitSerializer(serializers.Serializer[Any]):
    late_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ReturnSerializer(serializers.Serializer[Any]):
    comments = serializers.CharField(max_length=10_000)


class EndorseSerializer(serializers.Serializer[Any]):
    reasons = serializers.CharField(max_length=10_000)


class CorrectSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=5000)


@extend_schema_view(list=extend_schema(parameters=[CHILD_ID]), create=extend_schema(parameters=[CHILD_ID]))
class ChildRecordViewSet(viewsets.ViewSet):
    """A child's records: list them, or start one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=RecordSerializer(many=True))
    def list(self, request: Request, child_id: str) -> Response:
        child = access_child(_user(request), child_id, part=Part.SOCIAL_CARE)
        assert child._grant is not None
        records = (
            CaseRecord.objects.filter(child=child, part__in=child._grant.parts)
            .prefetch_related("decisions")
            .order_by("-created_at", "-pk")
        )
        return Response(RecordSerializer(records, many=True).data)

    @extend_schema(request=StartSerializer, responses={201: RecordSerializer})
    def create(self, request: Request, child_id: str) -> Response:
        user = _user(request)
        child = access_child(user, child_id, for_write=True, part=Part.SOCIAL_CARE)
        serializer = StartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        definition = get_definition(serializer.validated_data["kind"])
        if definition.part != Part.SOCIAL_CARE:
            child = access_child(user, child_id, for_write=True, part=definition.part)
        also_for = serializer.validated_data["also_for"]
        if child.pk in also_for:
            return Response({"also_for": ["Name the other children, not this one."]}, status=400)
        # Every other child through the chokepoint before anything is made:
        # one the user may not write to refuses the whole request (404).
        others = [access_child(user, pk, for_write=True, part=definition.part) for pk in also_for]
        records = linking.do_start_linked_records(
            child,
            actor=user,
            kind=definition.kind,
            also_for=others,
            data=serializer.validated_data.get("data"),
        )
        record = records[0]
        record.refresh_from_db()
        payload = RecordSerializer(record).data
        if also_for:
            payload["linked_records"] = [{"id": r.pk, "child": r.child_id} for r in records[1:]]
        return Response(payload, status=status.HTTP_201_CREATED)


class RecordViewSet(viewsets.ViewSet):
    """One record and its workflow."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = ID_PATTERN
    # Only so the schema knows the id is an integer; nothing is listed.
    queryset = CaseRecord.objects.none()

    def _record(self, request: Request, pk: str, *, for_write: bool = False) -> CaseRecord:
        try:
            record = CaseRecord.objects.filter(pk=int(pk)).first()
        except (TypeError, ValueError):
            record = None
        if record is None:
            raise Http404
        record.child = access_child(_user(request), record.child_id, for_write=for_write, part=record.part)
        return record

    def _answer(self, record: CaseRecord, code: int = status.HTTP_200_OK) -> Response:
        record.refresh_from_db()
        return Response(RecordSerializer(record).data, status=code)

    @extend_schema(responses=RecordSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        from openics.core import audit

        record = self._record(request, pk)
        audit.record("view", user=_user(request), obj=record, child_id=record.child_id)
        return Response(RecordSerializer(record).data)

    @extend_schema(request=DraftSerializer, responses=RecordSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        record = self._record(request, pk, for_write=True)
        serializer = DraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # A StaleEdit raised here becomes 409 in openics.api.errors.
        record = actions.do_save_draft(
            record,
            actor=_user(request),
            data=serializer.validated_data["data"],
            expected_version=serializer.validated_data["version"],
        )
        return self._answer(record)

    @extend_schema(request=SubmitSerializer, responses=RecordSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        record = self._record(request, pk, for_write=True)
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = actions.do_submit(record, actor=_user(request), late_reason=serializer.validated_data["late_reason"])
        return self._answer(record)

    @extend_schema(request=ReturnSerializer, responses=RecordSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_record(self, request: Request, pk: str) -> Response:
        record = self._record(request, pk, for_write=True)
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = actions.do_return(record, actor=_user(request), comments=serializer.validated_data["comments"])
        return self._answer(record)

    @extend_schema(request=EndorseSerializer, responses=RecordSerializer)
    @action(detail=True, methods=["post"])
    def endorse(self, request: Request, pk: str) -> Response:
        record = self._record(request, pk, for_write=True)
        serializer = EndorseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = actions.do_endorse(record, actor=_user(request), reasons=serializer.validated_data["reasons"])
        return self._answer(record)

    @extend_schema(request=LinkSerializer, responses={201: RecordSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def link(self, request: Request, pk: str) -> Response:
        """Start linked drafts for other children this record concerns."""
        user = _user(request)
        record = self._record(request, pk, for_write=True)
        serializer = LinkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        children = [
            access_child(user, c, for_write=True, part=record.part) for c in serializer.validated_data["children"]
        ]
        created = linking.do_link_children(record, actor=user, children=children)
        return Response(RecordSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CorrectSerializer, responses={201: RecordSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        record = self._record(request, pk, for_write=True)
        serializer = CorrectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = actions.do_correct(record, actor=_user(request), reason=serializer.validated_data["reason"])
        return self._answer(correction, status.HTTP_201_CREATED)
