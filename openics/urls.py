"""The URL map.  Every route here must appear in the permission matrix
(openics/tests/test_permission_matrix.py) or the suite fails."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("openics.api.urls")),
    path("manage/", include("openics.core.admin_urls")),
    path("", include("openics.records.urls")),
    path("", include("openics.plans.urls")),
    path("", include("openics.meetings.urls")),
    path("", include("openics.safeguarding.urls")),
    path("", include("openics.schools.urls")),
    path("", include("openics.casework.urls")),
    path("", include("openics.timescales.urls")),
    path("", include("openics.retention.urls")),
    path("", include("openics.core.urls")),
]
