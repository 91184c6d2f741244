"""The versioned REST API, /api/v1/.  Every route name here is listed in
`openics/api/route_matrix.py`; the permission-matrix test fails otherwise."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from openics.core import api as core_api
from openics.records import api as records_api

# SimpleRouter: no browsable root and no format-suffix variants, so every
# route is one named URL with one meaning.
router = SimpleRouter()
router.register("people", core_api.PersonViewSet, basename="api-person")
router.register("organisations", core_api.OrganisationViewSet, basename="api-organisation")
router.register("teams", core_api.TeamViewSet, basename="api-team")
router.register("staff", core_api.StaffViewSet, basename="api-staff")
router.register(records_api.CHILD_RECORDS, records_api.ChildRecordViewSet, basename="api-child-record")
router.register("records", records_api.RecordViewSet, basename="api-record")

urlpatterns = [
    # The schema names no one, but deny by default holds here too.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="api-schema"),
    *router.urls,
]
