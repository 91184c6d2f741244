"""The versioned REST API, /api/v1/.  Every route name here is listed in
`openics/api/route_matrix.py`; the permission-matrix test fails otherwise."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from openics.casework import api as casework_api
from openics.core import api as core_api
from openics.meetings import api as meetings_api
from openics.plans import api as plans_api
from openics.plans import oneplan_api
from openics.records import api as records_api
from openics.safeguarding import api as safeguarding_api
from openics.safeguarding import transfer_api as safeguarding_transfer_api
from openics.schools import api as schools_api

# SimpleRouter: no browsable root and no format-suffix variants, so every
# route is one named URL with one meaning.
router = SimpleRouter()
router.register("people", core_api.PersonViewSet, basename="api-person")
router.register("organisations", core_api.OrganisationViewSet, basename="api-organisation")
router.register("teams", core_api.TeamViewSet, basename="api-team")
router.register("staff", core_api.StaffViewSet, basename="api-staff")
router.register(records_api.CHILD_RECORDS, records_api.ChildRecordViewSet, basename="api-child-record")
router.register("records", records_api.RecordViewSet, basename="api-record")
router.register(plans_api.CHILD_PLANS, plans_api.ChildPlanViewSet, basename="api-child-plan")
router.register(plans_api.CHILD_LEVELS, plans_api.ChildLevelOfNeedViewSet, basename="api-child-level-of-need")
router.register("plans", plans_api.PlanViewSet, basename="api-plan")
router.register("plan-versions", plans_api.PlanVersionViewSet, basename="api-plan-version")
router.register("one-plans", oneplan_api.OnePlanViewSet, basename="api-one-plan")
router.register(oneplan_api.CHILD_EHC_REQUESTS, oneplan_api.ChildEhcRequestViewSet, basename="api-child-ehc-request")
router.register("ehc-requests", oneplan_api.EhcRequestViewSet, basename="api-ehc-request")
router.register(meetings_api.CHILD_MEETINGS, meetings_api.ChildMeetingViewSet, basename="api-child-meeting")
router.register("meetings", meetings_api.MeetingViewSet, basename="api-meeting")
router.register("safeguarding/concerns", safeguarding_api.ConcernViewSet, basename="api-concern")
router.register("safeguarding/transfers", safeguarding_transfer_api.FileTransferViewSet, basename="api-cp-transfer")
router.register(
    "safeguarding/file-requests", safeguarding_transfer_api.FileRequestViewSet, basename="api-cp-file-request"
)
router.register("schools/attendance-imports", schools_api.AttendanceImportViewSet, basename="api-attendance-import")
router.register("schools/training", schools_api.TrainingViewSet, basename="api-training")
router.register("allegations", schools_api.AllegationViewSet, basename="api-allegation")
router.register("cp-plans", casework_api.CPPlanViewSet, basename="api-cp-plan")
router.register(casework_api.CHILD_EPISODES, casework_api.ChildEpisodesViewSet, basename="api-child-episodes")

urlpatterns = [
    # The schema names no one, but deny by default holds here too.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="api-schema"),
    *router.urls,
]
