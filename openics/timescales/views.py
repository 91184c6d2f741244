"""Pages showing deadlines: a child's full list, and the parts other pages
include (the overview's card, My work's "Due and overdue")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from openics.core import audit
from openics.core.access import access_child
from openics.core.models import User
from openics.core.views import child_context

from .lists import child_deadlines


@login_required
def child_deadline_list(request: HttpRequest, child_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    child = access_child(user, child_id)
    grant = child._grant
    assert grant is not None
    deadlines = child_deadlines(child, grant.parts).select_related("met_recorded_by")
    audit.record("view", user=user, obj=child, child_id=child.pk, detail={"page": "deadlines"})
    context = child_context(request, child)
    context.update({"deadlines": deadlines, "today": timezone.localdate()})
    return render(request, "timescales/child_deadlines.html", context)
