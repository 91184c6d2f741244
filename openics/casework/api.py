"""Episodes through the REST API, read-only: the same lists and access as the pages.

`cp-plans/` is the authority's list of children subject to a plan (filters
`team` and `category`); `people/{child_id}/episodes/` gives one child's CIN
episodes and CP plans.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from openics.core import audit
from openics.core.access import access_child
from openics.core.api import ID_PATTERN
from openics.core.models import Team, User
from openics.core.roles import Part
from openics.records.codes import CategoryOfAbuse

from .models import CINEpisode, CPEpisode
from .views import cp_plans_for

CHILD_EPISODES = rf"people/(?P<child_id>{ID_PATTERN})/episodes"
CHILD_ID = OpenApiParameter("child_id", int, OpenApiParameter.PATH, description="The child's id")


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class CPPlanFilterSerializer(serializers.Serializer[Any]):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False)
    category = serializers.ChoiceField(choices=CategoryOfAbuse.choices, required=False)


class CPPlanSerializer(serializers.ModelSerializer[CPEpisode]):
    child_name = serializers.CharField(source="child.display_name", read_only=True)
    next_review = serializers.DateField(read_only=True, allow_null=True)
    allocated_worker = serializers.CharField(source="worker_name", read_only=True, allow_null=True)
    allocated_team = serializers.CharField(source="team_name", read_only=True, allow_null=True)

    class Meta:
        model = CPEpisode
        fields = [
            "id",
            "child",
            "child_name",
            "started_on",
            "initial_category",
            "latest_category",
            "previous_plans",
            "review_dates",
            "next_review",
            "allocated_worker",
            "allocated_team",
        ]
        read_only_fields = fields


class CPEpisodeSerializer(serializers.ModelSerializer[CPEpisode]):
    class Meta:
        model = CPEpisode
        fields = [
            "id",
            "cin_episode",
            "started_on",
            "ended_on",
            "initial_category",
            "latest_category",
            "previous_plans",
            "review_dates",
            "icpc_series",
            "icpc_record",
            "ended_by_series",
            "ended_by_record",
        ]
        read_only_fields = fields


class CINEpisodeSerializer(serializers.ModelSerializer[CINEpisode]):
    class Meta:
        model = CINEpisode
        fields = [
            "id",
            "referral_series",
            "referral_record",
            "referral_date",
            "referral_source",
            "referral_nfa",
            "primary_need",
            "closure_date",
            "reason_for_closure",
            "closure_series",
            "closure_record",
            "reopens",
        ]
        read_only_fields = fields


# One object per child, even though the route is a list route.
@extend_schema_serializer(many=False)
class EpisodesSerializer(serializers.Serializer[Any]):
    cin_episodes = CINEpisodeSerializer(many=True)
    cp_episodes = CPEpisodeSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("team", int, description="Children allocated to this team"),
            OpenApiParameter("category", str, enum=CategoryOfAbuse.values, description="Latest category of abuse"),
        ]
    )
)
class CPPlanViewSet(viewsets.GenericViewSet[CPEpisode]):
    """Children subject to a child protection plan, oldest plan first."""

    permission_classes = [IsAuthenticated]
    serializer_class = CPPlanSerializer
    queryset = CPEpisode.objects.none()

    def list(self, request: Request) -> Response:
        filters = CPPlanFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        plans = cp_plans_for(_user(request), filters.validated_data)
        page = self.paginate_queryset(plans)
        rows = page if page is not None else list(plans)
        data = CPPlanSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


@extend_schema_view(list=extend_schema(parameters=[CHILD_ID], responses=EpisodesSerializer))
class ChildEpisodesViewSet(viewsets.ViewSet):
    """A child's CIN episodes and CP plans, oldest first."""

    permission_classes = [IsAuthenticated]

    def list(self, request: Request, child_id: str) -> Response:
        user = _user(request)
        child = access_child(user, child_id, part=Part.SOCIAL_CARE)
        audit.record("view", user=user, obj=child, child_id=child.pk, detail={"page": "episodes", "via": "api"})
        body = {
            "cin_episodes": CINEpisode.objects.filter(child=child).order_by("referral_date", "pk"),
            "cp_episodes": CPEpisode.objects.filter(child=child).order_by("started_on", "pk"),
        }
        return Response(EpisodesSerializer(body).data)
