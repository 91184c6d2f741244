"""API errors as clear messages: never a server error for bad input."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from openics.core.actions import StaleEdit
from openics.records.actions import RecordRefused


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, StaleEdit):
        return Response(
            {
                "detail": "Someone else changed this record since you loaded it. Reload it and make your change again.",
                "current_version": getattr(exc.current, "version", None),
            },
            status=409,
        )
    if isinstance(exc, RecordRefused):
        # A workflow step this person may not take now (plans' refusals are
        # the same kind): 403 for who they are, 409 for the record's state.
        return Response({"detail": exc.message}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        # Actions (the administration ones especially) validate with Django's
        # error, keyed by field, so the API gives the same messages as pages.
        if hasattr(exc, "error_dict"):
            fields = {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
            return Response(fields, status=400)
        return Response({"non_field_errors": exc.messages}, status=400)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=404)
    return drf_exception_handler(exc, context)
