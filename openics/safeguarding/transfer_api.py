"""Transfers of child protection files and requests for a joiner's file,
through the REST API: the same actions and access as the pages.

`safeguarding/transfers/` lists the caller's schools' transfers
(`?direction=incoming|outgoing`) and starts one; `…/{id}/` reads one;
`confirm` (receiving DSL) and `receipt` (sender, for a package) are POST
actions.  `safeguarding/file-requests/` lists and makes requests; `remind`
and `answer` are POST actions.  Anyone who is not a DSL or deputy is
refused (403 on lists, 404 on a transfer or request).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from openics.core import audit
from openics.core.api import ID_PATTERN
from openics.core.models import Organisation, OrganisationKind, User

from . import transfers
from .access import lead_school_ids
from .models import FileRequest, FileRequestAnswer, FileTransfer
from .transfer_views import _lead_school, joiners

LIST_LIMIT = 500


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _refused(message: str) -> Response:
    return Response({"detail": message}, status=status.HTTP_403_FORBIDDEN)


class FileTransferSerializer(serializers.ModelSerializer[FileTransfer]):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = FileTransfer
        fields = [
            "id",
            "child",
            "from_school",
            "to_school",
            "to_school_name",
            "method",
            "left_on",
            "due_on",
            "due_unit",
            "overdue",
            "note",
            "concern_count",
            "started_by",
            "started_at",
            "package_downloaded_at",
            "received_at",
            "received_by",
            "received_by_name",
            "received_how",
            "destroyed_at",
        ]
        read_only_fields = fields

    def get_overdue(self, obj: FileTransfer) -> bool:
        return obj.is_overdue()


class NewTransferSerializer(serializers.Serializer[Any]):
    child = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    to_school = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None
    )
    to_school_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    left_on = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PackageReceiptSerializer(serializers.Serializer[Any]):
    received_by_name = serializers.CharField(max_length=200)
    received_at = serializers.DateTimeField()
    received_how = serializers.CharField(max_length=200)


class FileRequestSerializer(serializers.ModelSerializer[FileRequest]):
    class Meta:
        model = FileRequest
        fields = [
            "id",
            "child",
            "school",
            "previous_school",
            "previous_school_name",
            "joined_on",
            "requested_by",
            "requested_at",
            "reminders",
            "last_reminded_at",
            "answer",
            "answered_at",
            "answered_by",
            "answer_note",
            "transfer",
        ]
        read_only_fields = fields


class NewFileRequestSerializer(serializers.Serializer[Any]):
    child = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    previous_school = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None
    )
    previous_school_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    joined_on = serializers.DateField()


class AnswerSerializer(serializers.Serializer[Any]):
    answer = serializers.ChoiceField(choices=FileRequestAnswer.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def _school(pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    school = Organisation.objects.filter(pk=pk, kind=OrganisationKind.SCHOOL, active=True).first()
    if school is None:
        raise ValidationError({field: "Select a school on OpenICS, or give the name of one that is not"})
    return school


class FileTransferViewSet(viewsets.ViewSet):
    """Transfers of child protection files between schools."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = ID_PATTERN
    queryset = FileTransfer.objects.none()

    @extend_schema(
        parameters=[OpenApiParameter("direction", str, enum=["incoming", "outgoing"], required=False)],
        responses=FileTransferSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        user = _user(request)
        schools = lead_school_ids(user)
        if not schools:
            return _refused("Only a designated safeguarding lead or deputy lists transfers.")
        qs = transfers.transfers_for(user)
        direction = request.query_params.get("direction", "")
        if direction == "incoming":
            qs = qs.filter(to_school_id__in=schools)
        elif direction == "outgoing":
            qs = qs.filter(from_school_id__in=schools)
        elif direction:
            raise ValidationError({"direction": "Use incoming or outgoing"})
        rows = list(qs[:LIST_LIMIT])
        audit.record_many(
            "list_hit", user=user, child_ids=sorted({t.child_id for t in rows}), detail={"api": "transfers"}
        )
        return Response([FileTransferSerializer(t).data for t in rows])

    @extend_schema(request=NewTransferSerializer, responses={201: FileTransferSerializer})
    def create(self, request: Request) -> Response:
        user = _user(request)
        serializer = NewTransferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        child, school = transfers.sending_school_for(user, data["child"])
        transfer = transfers.do_start_transfer(
            child,
            actor=user,
            from_school=school,
            to_school=_school(data["to_school"], "to_school"),
            to_school_name=data["to_school_name"],
            left_on=data["left_on"],
            note=data["note"],
        )
        return Response(FileTransferSerializer(transfer).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=FileTransferSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        user = _user(request)
        transfer = transfers.access_transfer(user, pk)
        audit.record("view", user=user, obj=transfer, child_id=transfer.child_id, detail={"api": True})
        return Response(FileTransferSerializer(transfer).data)

    @extend_schema(request=None, responses={200: FileTransferSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        user = _user(request)
        transfer = transfers.access_transfer(user, pk)
        try:
            transfers.do_confirm_receipt(transfer, actor=user)
        except transfers.TransferRefused as refusal:
            return _refused(refusal.message)
        transfer.refresh_from_db()
        return Response(FileTransferSerializer(transfer).data)

    @extend_schema(request=PackageReceiptSerializer, responses={200: FileTransferSerializer})
    @action(detail=True, methods=["post"])
    def receipt(self, request: Request, pk: str) -> Response:
        user = _user(request)
        transfer = transfers.access_transfer(user, pk)
        serializer = PackageReceiptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            transfers.do_record_package_receipt(
                transfer,
                actor=user,
                received_by_name=data["received_by_name"],
                received_at=data["received_at"],
                how=data["received_how"],
            )
        except transfers.TransferRefused as refusal:
            return _refused(refusal.message)
        transfer.refresh_from_db()
        return Response(FileTransferSerializer(transfer).data)


class FileRequestViewSet(viewsets.ViewSet):
    """Requests for a joiner's child protection file, tracked until answered."""

    permission_classes = [IsAuthenticated]
    lookup_value_regex = ID_PATTERN
    queryset = FileRequest.objects.none()

    @extend_schema(responses=FileRequestSerializer(many=True))
    def list(self, request: Request) -> Response:
        user = _user(request)
        if not lead_school_ids(user):
            return _refused("Only a designated safeguarding lead or deputy lists file requests.")
        rows = list(transfers.requests_for(user)[:LIST_LIMIT])
        audit.record_many(
            "list_hit", user=user, child_ids=sorted({r.child_id for r in rows}), detail={"api": "file_requests"}
        )
        return Response([FileRequestSerializer(r).data for r in rows])

    @extend_schema(request=NewFileRequestSerializer, responses={201: FileRequestSerializer})
    def create(self, request: Request) -> Response:
        user = _user(request)
        if not lead_school_ids(user):
            return _refused("Only a designated safeguarding lead or deputy requests a file.")
        serializer = NewFileRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        child = joiners(user).filter(pk=data["child"]).first()
        school = _lead_school(user, child) if child is not None else None
        if child is None or school is None:
            raise ValidationError({"child": "Select a pupil on your school's roll"})
        req = transfers.do_request_file(
            child,
            actor=user,
            school=school,
            previous_school=_school(data["previous_school"], "previous_school"),
            previous_school_name=data["previous_school_name"],
            joined_on=data["joined_on"],
        )
        return Response(FileRequestSerializer(req).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=FileRequestSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        user = _user(request)
        req = transfers.access_request(user, pk)
        return Response(FileRequestSerializer(req).data)

    @extend_schema(request=None, responses={200: FileRequestSerializer})
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: str) -> Response:
        user = _user(request)
        req = transfers.access_request(user, pk)
        try:
            transfers.do_remind_request(req, actor=user)
        except transfers.TransferRefused as refusal:
            return _refused(refusal.message)
        return Response(FileRequestSerializer(req).data)

    @extend_schema(request=AnswerSerializer, responses={200: FileRequestSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        user = _user(request)
        req = transfers.access_request(user, pk)
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            transfers.do_answer_request(
                req, actor=user, answer=serializer.validated_data["answer"], note=serializer.validated_data["note"]
            )
        except transfers.TransferRefused as refusal:
            return _refused(refusal.message)
        return Response(FileRequestSerializer(req).data)
