"""The core record's REST API: people and what hangs off a child, and the
directory of organisations, teams and staff.

Thin, like the pages: serializers only validate; every read of a child goes
through `access_child` (which audits a refusal) and every write through an
action in `actions.py`.  Nothing here calls `.save()` on a domain record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from openics.api.permissions import ReadOrSystemAdministrator

from . import actions, admin_actions, audit
from .access import access_child, filter_parts, staff_context
from .codes import Disability, Ethnicity, Nation, Religion, Sex, UPNUnknownReason
from .duplicates import Duplicates, possible_duplicates
from .models import (
    ApiToken,
    AuditEvent,
    ChronologyEntry,
    Involvement,
    InvolvementKind,
    LawfulBasis,
    Organisation,
    OrganisationKind,
    Person,
    Relationship,
    RelationshipKind,
    RoleAssignment,
    Share,
    Significance,
    Team,
    User,
)
from .roles import MANAGER_ROLES, Part, Role
from .search import find_people
from .validators import normalise_nhs_number, normalise_postcode, normalise_upn, validate_nhs_number, validate_upn
from .views import _reachable_people

# The longest a share may last before it must be renewed: a partner's view
# of a child is time-limited by design.
MAX_SHARE_DAYS = 366

# An id in a path has at most 18 digits: anything longer names no record and
# would overflow a 64-bit database column (a server error on SQLite), so the
# URL does not match and the answer is a plain 404.
ID_PATTERN = "[0-9]{1,18}"


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _require(condition: bool) -> None:
    """Refuse as "not found", like the pages and the access chokepoint."""
    if not condition:
        raise Http404


def _is_manager(user: User) -> bool:
    return bool(staff_context(user).roles & MANAGER_ROLES)


def _not_future(value: dt.date | None) -> dt.date | None:
    if value is not None and value > timezone.localdate():
        raise serializers.ValidationError("The date must be today or in the past.")
    return value


# ---------------------------------------------------------------- people


class PersonSummarySerializer(serializers.ModelSerializer[Person]):
    class Meta:
        model = Person
        fields = ["id", "first_name", "last_name", "known_as", "date_of_birth", "expected_date_of_birth", "is_child"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer[Person]):
    """A person as read: ids and version are never writable."""

    restricted = serializers.BooleanField(source="is_restricted", read_only=True)
    disabilities = serializers.SerializerMethodField()
    # Blank when not known: declared so that the schema allows the blank
    # (the model's own field would be described as always a valid value).
    email = serializers.CharField(read_only=True, help_text="An email address, or blank.")
    upn_unknown_reason = serializers.ChoiceField(choices=UPNUnknownReason.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "version",
            *actions.PERSON_FIELDS,
            "restricted",
            "disabilities",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_disabilities(self, person: Person) -> list[str]:
        return sorted(person.disabilities.values_list("code", flat=True))


class PersonWriteSerializer(serializers.Serializer[Any]):
    """What a client may send about a child: explicit fields, no mass assignment."""

    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False)
    known_as = serializers.CharField(max_length=100, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    expected_date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    gender = serializers.CharField(max_length=60, required=False, allow_blank=True)
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False)
    first_language = serializers.CharField(max_length=60, required=False, allow_blank=True)
    interpreter_needed = serializers.BooleanField(required=False)
    religion = serializers.ChoiceField(choices=Religion.choices, required=False)
    la_child_id = serializers.CharField(max_length=20, required=False, allow_blank=True)
    upn = serializers.CharField(max_length=16, required=False, allow_blank=True)
    upn_unknown_reason = serializers.ChoiceField(choices=UPNUnknownReason.choices, required=False, allow_blank=True)
    nhs_number = serializers.CharField(max_length=14, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    disabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Disability.choices), required=False, max_length=len(Disability.choices)
    )

    def __init__(self, *args: Any, person: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def validate_date_of_birth(self, value: dt.date | None) -> dt.date | None:
        return _not_future(value)

    def validate_upn(self, value: str) -> str:
        value = normalise_upn(value)
        if value:
            try:
                validate_upn(value)
            except Exception as exc:
                raise serializers.ValidationError(getattr(exc, "messages", ["Enter a valid UPN."])) from None
        return value

    def validate_nhs_number(self, value: str) -> str:
        value = normalise_nhs_number(value)
        if value:
            try:
                validate_nhs_number(value)
            except Exception as exc:
                raise serializers.ValidationError(getattr(exc, "messages", ["Enter a valid NHS number."])) from None
        return value

    def validate_la_child_id(self, value: str) -> str:
        value = value.strip()
        others = Person.objects.filter(la_child_id=value)
        if self.person is not None:
            others = others.exclude(pk=self.person.pk)
        # The database refuses a second record with the same LA child ID;
        # saying so here gives a field error instead of a server error.
        if value and others.exists():
            raise serializers.ValidationError("Another record already has this LA child ID.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        merged = {**self._current_values(), **attrs}
        errors: dict[str, str] = {}
        if merged.get("upn") and merged.get("upn_unknown_reason"):
            errors["upn_unknown_reason"] = "Leave the reason blank when the UPN is known."
        if merged.get("date_of_birth") and merged.get("expected_date_of_birth"):
            errors["expected_date_of_birth"] = "Enter a date of birth or an expected date of birth, not both."
        if not merged.get("date_of_birth") and not merged.get("expected_date_of_birth"):
            errors["date_of_birth"] = "Enter the date of birth, or the expected date of birth for an unborn child."
        if not merged.get("last_name"):
            errors["last_name"] = "Enter the last name."
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _current_values(self) -> dict[str, Any]:
        if self.person is None or not self.partial:
            return {}
        return {name: getattr(self.person, name) for name in actions.PERSON_FIELDS}


class PersonUpdateSerializer(PersonWriteSerializer):
    """An edit names the version it started from, so a stale save is refused."""

    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    date_of_death = serializers.DateField(required=False, allow_null=True)

    def validate_date_of_death(self, value: dt.date | None) -> dt.date | None:
        return _not_future(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A partial update skips required fields, but never the version: an
        # edit without one could silently overwrite someone else's.
        if "version" not in attrs:
            raise serializers.ValidationError({"version": "This field is required."})
        return super().validate(attrs)


class PersonCreateSerializer(PersonWriteSerializer):
    """A new child's details, checked first for likely existing records."""

    confirm_new = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text=(
            "Before a record is opened, the details are checked for likely existing records "
            "(the same rules as POST /api/v1/people/matches/). If there are any, the request is "
            "refused with 400: `matches` lists those you may see and `others_may_exist` says that "
            "a matching record you cannot see may exist. Send `confirm_new: true` once you have "
            "checked that none of them is this child."
        ),
    )


class PersonMatchSerializer(serializers.Serializer[Any]):
    """The details a likely duplicate is looked for by: as many as are known."""

    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    expected_date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    la_child_id = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    upn = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
    nhs_number = serializers.CharField(max_length=14, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")

    def validate_postcode(self, value: str) -> str:
        return normalise_postcode(value) if value.strip() else ""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # With nothing to go on every record would "match"; say what is needed.
        if not any(attrs.get(name) for name in ("last_name", "la_child_id", "upn", "nhs_number")):
            raise serializers.ValidationError(
                {"last_name": "Enter the last name, or an identifier (LA child ID, UPN or NHS number)."}
            )
        return attrs


class PossibleMatchesSerializer(serializers.Serializer[Any]):
    """Likely existing records: never a restricted one, and only a flag for
    those the user may not see."""

    matches = PersonSummarySerializer(many=True, read_only=True)
    others_may_exist = serializers.BooleanField(
        read_only=True,
        help_text="A matching record you do not have access to may exist: ask your practice manager "
        "or the front door (MASH) team to check before opening a new one.",
    )


def _matches_body(found: Duplicates) -> dict[str, Any]:
    return {
        "matches": PersonSummarySerializer(found.visible, many=True).data,
        "others_may_exist": found.hidden_count > 0,
    }


def _find_matches(user: User, data: dict[str, Any]) -> Duplicates:
    """`possible_duplicates`, with the records shown audited as search hits
    exactly as on the add-a-child page."""
    found = possible_duplicates({**data, "is_child": True}, user=user)
    if found.visible:
        audit.record_many(
            "search_hit",
            user=user,
            child_ids=[p.pk for p in found.visible],
            detail={"page": "add_person", "via": "api"},
        )
    return found


class PersonSearchSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    identifier = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")

    def validate_postcode(self, value: str) -> str:
        return normalise_postcode(value) if value.strip() else ""


class RelationshipSerializer(serializers.ModelSerializer[Relationship]):
    person = PersonSummarySerializer(read_only=True)

    class Meta:
        model = Relationship
        fields = [
            "id",
            "person",
            "kind",
            "parental_responsibility",
            "lives_with_child",
            "emergency_contact_order",
            "started_on",
            "ended_on",
        ]
        read_only_fields = fields


class NewAdultSerializer(serializers.Serializer[Any]):
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)

    def validate_date_of_birth(self, value: dt.date | None) -> dt.date | None:
        return _not_future(value)


class RelationshipWriteSerializer(serializers.Serializer[Any]):
    """Link an existing person (one the user may reach) or a new adult."""

    person = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    new_adult = NewAdultSerializer(required=False)
    kind = serializers.ChoiceField(choices=RelationshipKind.choices)
    parental_responsibility = serializers.BooleanField(required=False, default=False)
    lives_with_child = serializers.BooleanField(required=False, default=False)
    emergency_contact_order = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=9)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        child: Person = self.context["child"]
        user: User = self.context["user"]
        if ("person" in attrs) == ("new_adult" in attrs):
            raise serializers.ValidationError({"person": "Give either an existing person or a new adult, not both."})
        if "person" in attrs:
            chosen = _reachable_people(user).exclude(pk=child.pk).filter(pk=attrs["person"]).first()
            if chosen is None:
                raise serializers.ValidationError({"person": "Select a person you have access to."})
            if Relationship.objects.filter(child=child, person=chosen, kind=attrs["kind"]).exists():
                raise serializers.ValidationError({"kind": "This relationship is already recorded."})
            attrs["person"] = chosen
        return attrs


class EndSerializer(serializers.Serializer[Any]):
    ended_on = serializers.DateField(required=False, allow_null=True)


class InvolvementSerializer(serializers.ModelSerializer[Involvement]):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True, default=None, allow_null=True)
    worker_name = serializers.CharField(source="worker.get_full_name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Involvement
        fields = [
            "id",
            "kind",
            "organisation",
            "organisation_name",
            "team",
            "team_name",
            "worker",
            "worker_name",
            "started_on",
            "ended_on",
            "notes",
        ]
        read_only_fields = fields


class InvolvementWriteSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=[c for c in InvolvementKind.choices if c[0] != InvolvementKind.ALLOCATED])
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(active=True))
    worker = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    started_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        worker = attrs.get("worker")
        if worker is not None and worker.organisation_id != attrs["organisation"].pk:
            raise serializers.ValidationError({"worker": "Select a worker from the chosen agency, or leave it empty."})
        return attrs


class AllocationWriteSerializer(serializers.Serializer[Any]):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.filter(active=True))
    worker = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user: User = self.context["user"]
        team: Team = attrs["team"]
        worker: User | None = attrs.get("worker")
        # A manager allocates within their own authority, as on the page.
        if team.organisation_id != user.organisation_id:
            raise serializers.ValidationError({"team": "Select a team in your organisation."})
        if worker is not None and not worker.role_assignments.filter(team=team, ended_on__isnull=True).exists():
            raise serializers.ValidationError({"worker": "Select a worker in the chosen team, or leave it empty."})
        return attrs


class ChronologyEntrySerializer(serializers.ModelSerializer[ChronologyEntry]):
    source_organisation_name = serializers.CharField(
        source="source_organisation.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = ChronologyEntry
        fields = [
            "id",
            "occurred_on",
            "kind",
            "summary",
            "detail",
            "source",
            "source_organisation",
            "source_organisation_name",
            "significance",
            "part",
            "is_manual",
            "created_at",
            "struck_out_at",
            "struck_out_reason",
        ]
        read_only_fields = fields


class ChronologyWriteSerializer(serializers.Serializer[Any]):
    occurred_on = serializers.DateField()
    summary = serializers.CharField(max_length=300)
    detail = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    # DRF's metaclass moves declared fields off the class, so this name does
    # not shadow Field.source at run time; only the type checker objects.
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=200, required=False, allow_blank=True, default=""
    )
    significance = serializers.ChoiceField(choices=Significance.choices, default=Significance.ROUTINE)
    part = serializers.ChoiceField(choices=Part.choices, default=Part.CORE)

    def validate_occurred_on(self, value: dt.date) -> dt.date:
        result = _not_future(value)
        assert result is not None
        return result

    def validate_part(self, value: str) -> str:
        # An entry may only be filed in a part the author can see.
        child: Person = self.context["child"]
        assert child._grant is not None
        if value not in child._grant.parts:
            raise serializers.ValidationError("Select a part of the record you have access to.")
        return value


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = ["id", "at", "username", "acting_role", "action", "object_type", "object_id", "outcome"]
        read_only_fields = fields


class ShareSerializer(serializers.ModelSerializer[Share]):
    class Meta:
        model = Share
        fields = [
            "id",
            "organisation",
            "user",
            "parts",
            "lawful_basis",
            "reason",
            "shared_by",
            "created_at",
            "expires_at",
            "revoked_at",
        ]
        read_only_fields = fields


class ShareWriteSerializer(serializers.Serializer[Any]):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(active=True), required=False, allow_null=True
    )
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    parts = serializers.ListField(child=serializers.ChoiceField(choices=Part.choices), min_length=1, max_length=10)
    lawful_basis = serializers.ChoiceField(choices=LawfulBasis.choices)
    reason = serializers.CharField(max_length=2000)
    expires_at = serializers.DateTimeField()

    def validate_parts(self, value: list[str]) -> list[str]:
        child: Person = self.context["child"]
        assert child._grant is not None
        # No one can share more of the record than they can see themselves.
        if not set(value) <= child._grant.parts:
            raise serializers.ValidationError("Share only parts of the record you have access to.")
        return sorted(set(value))

    def validate_expires_at(self, value: dt.datetime) -> dt.datetime:
        now = timezone.now()
        if value <= now:
            raise serializers.ValidationError("The share must end in the future.")
        if value > now + dt.timedelta(days=MAX_SHARE_DAYS):
            raise serializers.ValidationError(f"A share can last at most {MAX_SHARE_DAYS} days.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("organisation") and not attrs.get("user"):
            raise serializers.ValidationError({"organisation": "Select the organisation or person to share with."})
        return attrs


def _paginated(view: viewsets.GenericViewSet[Any], qs: QuerySet[Any], serializer_class: type) -> Response:
    page = view.paginate_queryset(qs)
    if page is None:
        return Response(serializer_class(qs, many=True).data)
    return view.get_paginated_response(serializer_class(page, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="Find children",
        parameters=[
            OpenApiParameter("q", str, description="Name, or part of one"),
            OpenApiParameter("date_of_birth", dt.date),
            OpenApiParameter("identifier", str, description="LA child ID, UPN or NHS number"),
            OpenApiParameter("postcode", str),
        ],
        responses=PersonSummarySerializer(many=True),
    ),
    retrieve=extend_schema(summary="A child's details", responses=PersonSerializer),
    create=extend_schema(
        summary="Open a record",
        description="Refused with 400 and the likely matches unless none is found or `confirm_new` is true.",
        request=PersonCreateSerializer,
        responses={201: PersonSerializer},
    ),
    update=extend_schema(summary="Edit a child's details", request=PersonUpdateSerializer, responses=PersonSerializer),
    partial_update=extend_schema(
        summary="Edit some of a child's details", request=PersonUpdateSerializer, responses=PersonSerializer
    ),
)
class PersonViewSet(viewsets.GenericViewSet[Person]):
    """Children the user may see, through the access chokepoint."""

    serializer_class = PersonSerializer
    queryset = Person.objects.none()
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Person]:
        return Person.objects.visible_to(_user(self.request))

    # ---------------------------------------------------------------- the record

    def list(self, request: Request) -> Response:
        user = _user(request)
        search = PersonSearchSerializer(data=request.query_params)
        search.is_valid(raise_exception=True)
        filters = search.validated_data
        qs = find_people(user, **filters)
        page = self.paginate_queryset(qs)
        rows = list(page) if page is not None else list(qs)
        # Every record shown in a search result is a "search hit" in the audit
        # trail, exactly as on the find-a-child page.
        audit.record_many(
            "search_hit",
            user=user,
            child_ids=[p.pk for p in rows],
            detail={"filters": sorted(k for k, v in filters.items() if v), "via": "api"},
        )
        data = PersonSummarySerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, pk: str) -> Response:
        user = _user(request)
        child = access_child(user, pk)
        audit.record("view", user=user, obj=child, child_id=child.pk, detail={"page": "overview", "via": "api"})
        return Response(PersonSerializer(child).data)

    def create(self, request: Request) -> Response:
        user = _user(request)
        ctx = staff_context(user)
        # As on the page: only social care staff open records, because the
        # new child is allocated to their team so they can reach it again.
        if not ctx.team_ids:
            raise PermissionDenied("Only social care staff can open a record.")
        serializer = PersonCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        disabilities = data.pop("disabilities", [])
        if not data.pop("confirm_new"):
            # As on the page: a second record of one child is a safeguarding
            # risk, so likely matches are shown before anything is created.
            found = _find_matches(user, data)
            if found:
                body = {
                    "confirm_new": [
                        "There may already be a record for this child. Check the matches; "
                        "if none of them is this child, send the details again with confirm_new set to true."
                    ],
                    **_matches_body(found),
                }
                return Response(body, status=status.HTTP_400_BAD_REQUEST)
        person = actions.do_create_person(actor=user, data={**data, "is_child": True}, disabilities=disabilities)
        team = Team.objects.filter(pk__in=ctx.team_ids).order_by("pk").first()
        assert team is not None
        worker_roles = {a.role for a in ctx.assignments if a.team_id == team.pk}
        worker = user if worker_roles & {Role.SOCIAL_WORKER, Role.SWRO} else None
        actions.do_allocate(person, actor=user, team=team, worker=worker)
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Likely existing records for a child about to be added",
        description=(
            "The same rules as the add-a-child page: records you may see are listed; a matching record "
            "you may not see is only flagged; restricted records are never revealed."
        ),
        request=PersonMatchSerializer,
        responses=PossibleMatchesSerializer,
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def matches(self, request: Request) -> Response:
        user = _user(request)
        # Only those who may open a record look for duplicates before doing so.
        if not staff_context(user).team_ids:
            raise PermissionDenied("Only social care staff can open a record.")
        serializer = PersonMatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        found = _find_matches(user, dict(serializer.validated_data))
        return Response(_matches_body(found))

    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, pk, partial=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(request, pk, partial=True)

    def _update(self, request: Request, pk: str, *, partial: bool) -> Response:
        user = _user(request)
        child = access_child(user, pk, for_write=True)
        serializer = PersonUpdateSerializer(data=request.data, person=child, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        disabilities = data.pop("disabilities", None)
        # A StaleEdit raised here becomes 409 in openics.api.errors.
        person = actions.do_update_person(
            child, actor=user, data=data, expected_version=version, disabilities=disabilities
        )
        return Response(PersonSerializer(person).data)

    # ---------------------------------------------------------------- relationships

    @extend_schema(
        methods=["GET"], summary="The child's current relationships", responses=RelationshipSerializer(many=True)
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a relationship",
        request=RelationshipWriteSerializer,
        responses={201: RelationshipSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def relationships(self, request: Request, pk: str) -> Response:
        user = _user(request)
        if request.method == "GET":
            child = access_child(user, pk)
            rels = Relationship.objects.filter(child=child, ended_on__isnull=True).select_related("person")
            audit.record(
                "view", user=user, obj=child, child_id=child.pk, detail={"page": "relationships", "via": "api"}
            )
            return Response(RelationshipSerializer(rels, many=True).data)
        child = access_child(user, pk, for_write=True)
        serializer = RelationshipWriteSerializer(data=request.data, context={"child": child, "user": user})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        person = data.pop("person", None)
        adult = data.pop("new_adult", None)
        if person is None:
            assert adult is not None
            person = actions.do_create_person(
                actor=user, data={**{k: v for k, v in adult.items() if v}, "is_child": False}
            )
        rel = actions.do_add_relationship(child, actor=user, person=person, data=data)
        return Response(RelationshipSerializer(rel).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="End a relationship", request=EndSerializer, responses=RelationshipSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=rf"relationships/(?P<relationship_id>{ID_PATTERN})/end",
        url_name="relationship-end",
    )
    def end_relationship(self, request: Request, pk: str, relationship_id: str) -> Response:
        user = _user(request)
        child = access_child(user, pk, for_write=True)
        rel = get_object_or_404(Relationship, pk=relationship_id, child=child)
        serializer = EndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Ending twice changes nothing, so a retried request is harmless.
        if rel.ended_on is None:
            ended_on = serializer.validated_data.get("ended_on") or timezone.localdate()
            rel = actions.do_end_relationship(rel, actor=user, ended_on=ended_on)
        return Response(RelationshipSerializer(rel).data)

    # ---------------------------------------------------------------- involvement

    @extend_schema(methods=["GET"], summary="Who is involved now", responses=InvolvementSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        summary="Add an agency or worker involved",
        request=InvolvementWriteSerializer,
        responses={201: InvolvementSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def involvements(self, request: Request, pk: str) -> Response:
        user = _user(request)
        if request.method == "GET":
            child = access_child(user, pk)
            rows = Involvement.objects.current().filter(child=child).select_related("organisation", "team", "worker")
            audit.record("view", user=user, obj=child, child_id=child.pk, detail={"page": "involvements", "via": "api"})
            return Response(InvolvementSerializer(rows, many=True).data)
        child = access_child(user, pk, for_write=True)
        serializer = InvolvementWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        inv = actions.do_add_involvement(
            child,
            actor=user,
            kind=data["kind"],
            organisation=data["organisation"],
            worker=data.get("worker"),
            started_on=data.get("started_on"),
            notes=data.get("notes", ""),
        )
        return Response(InvolvementSerializer(inv).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="End an involvement", request=None, responses=InvolvementSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=rf"involvements/(?P<involvement_id>{ID_PATTERN})/end",
        url_name="involvement-end",
    )
    def end_involvement(self, request: Request, pk: str, involvement_id: str) -> Response:
        user = _user(request)
        child = access_child(user, pk, for_write=True)
        inv = get_object_or_404(Involvement, pk=involvement_id, child=child)
        # Ending an allocation is a manager's decision, like making one.
        _require(inv.kind != InvolvementKind.ALLOCATED or _is_manager(user))
        if inv.ended_on is None:
            inv = actions.do_end_involvement(inv, actor=user)
        return Response(InvolvementSerializer(inv).data)

    @extend_schema(
        summary="Allocate a worker and team (managers)",
        request=AllocationWriteSerializer,
        responses={201: InvolvementSerializer},
    )
    @action(detail=True, methods=["post"])
    def allocation(self, request: Request, pk: str) -> Response:
        user = _user(request)
        child = access_child(user, pk, for_write=True)
        _require(_is_manager(user))
        serializer = AllocationWriteSerializer(data=request.data, context={"user": user})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        inv = actions.do_allocate(child, actor=user, team=data["team"], worker=data.get("worker"))
        return Response(InvolvementSerializer(inv).data, status=status.HTTP_201_CREATED)

    # ---------------------------------------------------------------- chronology

    @extend_schema(
        methods=["GET"], summary="The chronology (parts you may see)", responses=ChronologyEntrySerializer(many=True)
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a chronology entry",
        request=ChronologyWriteSerializer,
        responses={201: ChronologyEntrySerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def chronology(self, request: Request, pk: str) -> Response:
        user = _user(request)
        if request.method == "GET":
            child = access_child(user, pk)
            assert child._grant is not None
            entries = filter_parts(ChronologyEntry.objects.filter(child=child), child._grant.parts).select_related(
                "source_organisation"
            )
            audit.record("view", user=user, obj=child, child_id=child.pk, detail={"page": "chronology", "via": "api"})
            return _paginated(self, entries, ChronologyEntrySerializer)
        child = access_child(user, pk, for_write=True)
        serializer = ChronologyWriteSerializer(data=request.data, context={"child": child})
        serializer.is_valid(raise_exception=True)
        entry = actions.do_add_chronology_entry(child, actor=user, data=dict(serializer.validated_data))
        return Response(ChronologyEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Who has viewed or changed this record", responses=AuditEventSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="who-viewed", url_name="who-viewed")
    def who_viewed(self, request: Request, pk: str) -> Response:
        user = _user(request)
        # The same rule as the page: those who may write to the record.
        child = access_child(user, pk, for_write=True)
        events = AuditEvent.objects.filter(child_id=child.pk).order_by("-at", "-id")
        audit.record("view", user=user, obj=child, child_id=child.pk, detail={"page": "who_viewed", "via": "api"})
        return _paginated(self, events, AuditEventSerializer)

    # ---------------------------------------------------------------- sharing

    @extend_schema(methods=["GET"], summary="Shares of this record", responses=ShareSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        summary="Share parts of the record with a partner",
        request=ShareWriteSerializer,
        responses={201: ShareSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def shares(self, request: Request, pk: str) -> Response:
        user = _user(request)
        # Deciding who else sees a child is for those who may write to it.
        child = access_child(user, pk, for_write=True)
        if request.method == "GET":
            rows = Share.objects.filter(child=child).order_by("-created_at")
            return Response(ShareSerializer(rows, many=True).data)
        serializer = ShareWriteSerializer(data=request.data, context={"child": child})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        share = actions.do_share(
            child,
            actor=user,
            parts=data["parts"],
            lawful_basis=data["lawful_basis"],
            reason=data["reason"],
            expires_at=data["expires_at"],
            organisation=data.get("organisation"),
            user=data.get("user"),
        )
        return Response(ShareSerializer(share).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Revoke a share", request=None, responses=ShareSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=rf"shares/(?P<share_id>{ID_PATTERN})/revoke",
        url_name="share-revoke",
    )
    def revoke_share(self, request: Request, pk: str, share_id: str) -> Response:
        user = _user(request)
        child = access_child(user, pk, for_write=True)
        share = get_object_or_404(Share, pk=share_id, child=child)
        if share.revoked_at is None:
            share = actions.do_revoke_share(share, actor=user)
        return Response(ShareSerializer(share).data)


# ---------------------------------------------------------------- the directory


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    email = serializers.CharField(read_only=True, help_text="An email address, or blank.")

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "nation",
            "dfe_la_code",
            "ons_code",
            "urn",
            "local_authority",
            "email",
            "phone",
            "active",
            "version",
        ]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer[Team]):
    class Meta:
        model = Team
        fields = ["id", "organisation", "name", "parent", "active", "version"]
        read_only_fields = fields


class StaffSerializer(serializers.ModelSerializer[User]):
    """A member of staff as colleagues see them: no sign-in details."""

    name = serializers.CharField(source="get_full_name", read_only=True)
    roles = serializers.SerializerMethodField()
    email = serializers.CharField(read_only=True, help_text="An email address, or blank.")

    class Meta:
        model = User
        fields = ["id", "name", "job_title", "organisation", "email", "phone", "is_active", "roles"]
        read_only_fields = fields

    def get_roles(self, user: User) -> list[dict[str, Any]]:
        return [
            {"role": a.role, "organisation": a.organisation_id, "team": a.team_id}
            for a in user.role_assignments.all()
            if a.is_current
        ]


class VersionSerializer(serializers.Serializer[Any]):
    """The version an administrator's edit started from: a stale one is refused."""

    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class OrganisationWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices, required=False)
    nation = serializers.ChoiceField(choices=Nation.choices, required=False)
    dfe_la_code = serializers.CharField(max_length=3, required=False, allow_blank=True)
    ons_code = serializers.CharField(max_length=9, required=False, allow_blank=True)
    urn = serializers.CharField(max_length=6, required=False, allow_blank=True)
    local_authority = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class TeamWriteSerializer(serializers.Serializer[Any]):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    name = serializers.CharField(max_length=200, required=False)
    # DRF's metaclass moves declared fields off the class, so "parent" does
    # not shadow Field.parent at run time; only the type checker objects.
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    active = serializers.BooleanField(required=False)


class StaffWriteSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150, required=False)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False)
    job_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)


class NewStaffSerializer(StaffWriteSerializer):
    """A new account, optionally with its first role and a temporary password."""

    role = serializers.ChoiceField(choices=Role.choices, required=False)
    # A field may be called "team" although DRF's base Field types the name
    # as a serializer; only the type checker objects.
    team = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    temporary_password = serializers.CharField(
        max_length=128, required=False, write_only=True, style={"input_type": "password"}
    )


class RoleAssignmentSerializer(serializers.ModelSerializer[RoleAssignment]):
    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "organisation", "team", "started_on", "ended_on"]
        read_only_fields = fields


class RoleAssignWriteSerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=Role.choices)
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.filter(active=True))
    # As on NewStaffSerializer, only the type checker objects to the name.
    team = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Team.objects.filter(active=True), required=False, allow_null=True
    )
    started_on = serializers.DateField(required=False, allow_null=True)


class TemporaryPasswordSerializer(serializers.Serializer[Any]):
    password = serializers.CharField(
        max_length=128,
        write_only=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="At least 12 characters; the person's other sessions end.",
    )


class IssueTokenSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    days = serializers.IntegerField(min_value=1, max_value=366, default=admin_actions.API_TOKEN_DAYS)


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    """A token as listed: never its key, which is not stored."""

    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "name", "created_at", "expires_at", "revoked_at", "last_used_at"]
        read_only_fields = fields


class IssuedTokenSerializer(ApiTokenSerializer):
    key = serializers.CharField(
        read_only=True, help_text="The key, shown this once: only its hash is stored. Send it as `Token <key>`."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
        read_only_fields = fields


class CountSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(read_only=True)


class _DirectoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]):
    """Read for signed-in staff; changes only by a system administrator,
    through the administration actions (which validate and audit)."""

    permission_classes = [ReadOrSystemAdministrator]
    lookup_value_regex = ID_PATTERN
    write_serializer_class: type[serializers.Serializer[Any]]

    def _valid(self, request: Request, serializer_class: type[serializers.Serializer[Any]] | None = None) -> Any:
        serializer = (serializer_class or self.write_serializer_class)(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _version(self, request: Request) -> int:
        serializer = VersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version: int = serializer.validated_data["version"]
        return version


@extend_schema_view(
    create=extend_schema(request=OrganisationWriteSerializer, responses={201: OrganisationSerializer}),
    partial_update=extend_schema(request=OrganisationWriteSerializer, responses=OrganisationSerializer),
)
class OrganisationViewSet(_DirectoryViewSet):
    serializer_class = OrganisationSerializer
    write_serializer_class = OrganisationWriteSerializer
    queryset = Organisation.objects.order_by("name", "pk")

    def create(self, request: Request) -> Response:
        org = admin_actions.do_create_organisation(actor=_user(request), data=self._valid(request))
        return Response(OrganisationSerializer(org).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        org = self.get_object()
        version = self._version(request)
        org = admin_actions.do_update_organisation(
            org, actor=_user(request), data=self._valid(request), expected_version=version
        )
        return Response(OrganisationSerializer(org).data)


@extend_schema_view(
    create=extend_schema(request=TeamWriteSerializer, responses={201: TeamSerializer}),
    partial_update=extend_schema(request=TeamWriteSerializer, responses=TeamSerializer),
)
class TeamViewSet(_DirectoryViewSet):
    serializer_class = TeamSerializer
    write_serializer_class = TeamWriteSerializer
    queryset = Team.objects.order_by("organisation_id", "name", "pk")

    def create(self, request: Request) -> Response:
        data = self._valid(request)
        if "organisation" not in data or not data.get("name"):
            raise serializers.ValidationError(
                {"organisation": "Select the organisation the team belongs to, and enter the team's name."}
            )
        team = admin_actions.do_create_team(
            actor=_user(request),
            organisation=data["organisation"],
            name=data["name"],
            parent=data.get("parent"),
            active=data.get("active", True),
        )
        return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        team = self.get_object()
        version = self._version(request)
        team = admin_actions.do_update_team(
            team, actor=_user(request), data=self._valid(request), expected_version=version
        )
        return Response(TeamSerializer(team).data)


@extend_schema_view(
    create=extend_schema(request=NewStaffSerializer, responses={201: StaffSerializer}),
    partial_update=extend_schema(request=StaffWriteSerializer, responses=StaffSerializer),
)
class StaffViewSet(_DirectoryViewSet):
    serializer_class = StaffSerializer
    write_serializer_class = StaffWriteSerializer
    queryset = User.objects.prefetch_related("role_assignments").order_by("last_name", "first_name", "pk")

    def create(self, request: Request) -> Response:
        data = self._valid(request, NewStaffSerializer)
        staff = admin_actions.do_create_staff(
            actor=_user(request),
            data=data,
            temporary_password=data.pop("temporary_password", None),
            role=data.pop("role", None),
            team=data.pop("team", None),
        )
        return Response(StaffSerializer(staff).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        staff = self.get_object()
        version = self._version(request)
        staff = admin_actions.do_update_staff(
            staff, actor=_user(request), data=self._valid(request), expected_version=version
        )
        return Response(StaffSerializer(staff).data)

    @extend_schema(summary="Disable an account (its sessions end)", request=None, responses=StaffSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str) -> Response:
        staff = admin_actions.do_deactivate_staff(self.get_object(), actor=_user(request))
        return Response(StaffSerializer(staff).data)

    @extend_schema(summary="Enable a disabled account again", request=None, responses=StaffSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, pk: str) -> Response:
        staff = admin_actions.do_reactivate_staff(self.get_object(), actor=_user(request))
        return Response(StaffSerializer(staff).data)

    # ------------------------------------------------------------ account administration
    #
    # These operations exist only for the system administrator.  The viewset
    # lets any signed-in user through (reads are open), so each one checks the
    # role itself and answers 404 to anyone else, as the /manage/ pages do.

    def _administered(self, request: Request) -> tuple[User, User]:
        """(the administrator, the member of staff), or 404."""
        actor = _user(request)
        _require(staff_context(actor).is_sysadmin)
        return actor, self.get_object()

    @extend_schema(
        summary="Give a member of staff a role (administrators)",
        request=RoleAssignWriteSerializer,
        responses={201: RoleAssignmentSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def roles(self, request: Request, pk: str) -> Response:
        actor, staff = self._administered(request)
        data = self._valid(request, RoleAssignWriteSerializer)
        assignment = admin_actions.do_assign_role(
            staff,
            actor=actor,
            role=data["role"],
            organisation=data["organisation"],
            team=data.get("team"),
            started_on=data.get("started_on"),
        )
        return Response(RoleAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="End a role (administrators)", request=EndSerializer, responses=RoleAssignmentSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=rf"roles/(?P<role_id>{ID_PATTERN})/end",
        url_name="role-end",
        permission_classes=[IsAuthenticated],
    )
    def end_role(self, request: Request, pk: str, role_id: str) -> Response:
        actor, staff = self._administered(request)
        assignment = get_object_or_404(RoleAssignment, pk=role_id, user=staff)
        ended_on = self._valid(request, EndSerializer).get("ended_on")
        # Ending twice changes nothing, so a retried request is harmless.
        if assignment.ended_on is None:
            assignment = admin_actions.do_end_role(assignment, actor=actor, ended_on=ended_on)
        return Response(RoleAssignmentSerializer(assignment).data)

    @extend_schema(
        summary="Remove someone's authenticator apps (administrators)",
        description="They set one up again at their next sign-in; their sessions end. `count` is the apps removed.",
        request=None,
        responses=CountSerializer,
    )
    @action(
        detail=True, methods=["post"], url_path="reset-mfa", url_name="reset-mfa", permission_classes=[IsAuthenticated]
    )
    def reset_mfa(self, request: Request, pk: str) -> Response:
        actor, staff = self._administered(request)
        return Response({"count": admin_actions.do_reset_mfa(staff, actor=actor)})

    @extend_schema(
        summary="Set a temporary password (administrators)", request=TemporaryPasswordSerializer, responses={204: None}
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="temporary-password",
        url_name="temporary-password",
        permission_classes=[IsAuthenticated],
    )
    def temporary_password(self, request: Request, pk: str) -> Response:
        actor, staff = self._administered(request)
        password = self._valid(request, TemporaryPasswordSerializer)["password"]
        admin_actions.do_set_temporary_password(staff, actor=actor, password=password)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["GET"], summary="API tokens (administrators)", responses=ApiTokenSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        summary="Issue an API token (administrators)",
        description="Earlier tokens of the same person are revoked. The key is in the response once and never again.",
        request=IssueTokenSerializer,
        responses={201: IssuedTokenSerializer},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, permission_classes=[IsAuthenticated])
    def tokens(self, request: Request, pk: str) -> Response:
        actor, staff = self._administered(request)
        if request.method == "GET":
            return Response(ApiTokenSerializer(ApiToken.objects.filter(user=staff), many=True).data)
        data = self._valid(request, IssueTokenSerializer)
        key = admin_actions.do_issue_api_token(staff, actor=actor, name=data["name"], days=data["days"])
        token = ApiToken.objects.get(key_hash=admin_actions.hash_api_key(key))
        return Response({**ApiTokenSerializer(token).data, "key": key}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revoke every API token of a member of staff (administrators)",
        description="`count` is the tokens revoked.",
        request=None,
        responses=CountSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="tokens/revoke",
        url_name="tokens-revoke",
        permission_classes=[IsAuthenticated],
    )
    def revoke_tokens(self, request: Request, pk: str) -> Response:
        actor, staff = self._administered(request)
        return Response({"count": admin_actions.do_revoke_api_tokens(staff, actor=actor)})
