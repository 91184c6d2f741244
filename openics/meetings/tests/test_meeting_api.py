"""The API does what the pages do, through the same actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from openics.core.models import OutboxMessage
from openics.meetings.models import Distribution, Meeting


def _api(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_journey(world: Any) -> None:
    api = _api(world.sam_sw)
    start = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    response = api.post(
        f"/api/v1/people/{world.amy.pk}/meetings/",
        {
            "kind": "core_group",
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
            "place": "Family centre",
            "chair": world.sam_sw.pk,
        },
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 201, response.content
    meeting_id = response.json()["id"]
    assert response.json()["part"] == "social_care"
    response = api.post(
        f"/api/v1/meetings/{meeting_id}/participants/",
        {"name": "Jo Example", "email": "jo@example.net", "kind": "parent_carer"},
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 201
    jo = response.json()["id"]
    # Bad input is a clear 400, never a server error.
    bad = api.post(
        f"/api/v1/meetings/{meeting_id}/participants/",
        {"kind": "supporter", "name": "Kim"},
        content_type="application/json",
        secure=True,
    )
    assert bad.status_code == 400 and "supporting" in bad.json()
    meeting = api.get(f"/api/v1/meetings/{meeting_id}/", secure=True).json()
    ids = [p["id"] for p in meeting["participants"]]
    assert (
        api.post(
            f"/api/v1/meetings/{meeting_id}/invitations/",
            {"participants": ids},
            content_type="application/json",
            secure=True,
        ).status_code
        == 200
    )
    assert OutboxMessage.objects.count() == 2
    response = api.patch(
        f"/api/v1/meetings/{meeting_id}/",
        {"version": meeting["version"], "place": "Civic centre"},
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 200 and response.json()["sequence"] == 1
    assert OutboxMessage.objects.count() == 4
    stale = api.patch(
        f"/api/v1/meetings/{meeting_id}/",
        {"version": meeting["version"], "place": "Elsewhere"},
        content_type="application/json",
        secure=True,
    )
    assert stale.status_code == 409
    outcome = {
        "version": response.json()["version"],
        "child_participation": "attended",
        "attendance": [{"participant": jo, "attendance": "attended"}],
    }
    assert (
        api.post(
            f"/api/v1/meetings/{meeting_id}/outcome/", outcome, content_type="application/json", secure=True
        ).status_code
        == 409
    )  # not yet happened
    Meeting.objects.filter(pk=meeting_id).update(
        starts_at=timezone.now() - dt.timedelta(hours=2), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    response = api.post(
        f"/api/v1/meetings/{meeting_id}/outcome/", outcome, content_type="application/json", secure=True
    )
    assert response.status_code == 200 and response.json()["status"] == "held"
    no_reason = api.post(
        f"/api/v1/meetings/{meeting_id}/record-copies/",
        {"withhold": [{"participant": jo, "reason": ""}]},
        content_type="application/json",
        secure=True,
    )
    assert no_reason.status_code == 400
    response = api.post(
        f"/api/v1/meetings/{meeting_id}/record-copies/", {"send_to": [jo]}, content_type="application/json", secure=True
    )
    assert response.status_code == 201 and response.json()[0]["method"] == "email"
    response = api.post(
        f"/api/v1/meetings/{meeting_id}/distribution/",
        {"recipient": "Amy", "withheld": True, "withheld_reason": "Too young"},
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 201
    history = api.get(f"/api/v1/meetings/{meeting_id}/distribution/", secure=True).json()
    assert {row["recipient"] for row in history} == {"Jo Example", "Amy"}
    assert Distribution.objects.filter(withheld=True).get().withheld_reason == "Too young"


def test_api_refuses_a_school_dsl_a_conference(world: Any) -> None:
    from openics.meetings.tests.factories import make_meeting

    conference = make_meeting(world, kind="rcpc")
    dee = _api(world.dee_dsl)
    assert dee.get(f"/api/v1/meetings/{conference.pk}/", secure=True).status_code == 404
    listed = dee.get(f"/api/v1/people/{world.amy.pk}/meetings/", secure=True).json()
    assert conference.pk not in [m["id"] for m in listed]


def test_withheld_copy_needs_a_reason_in_the_database_too(world: Any) -> None:
    import pytest
    from django.contrib.contenttypes.models import ContentType
    from django.db import IntegrityError, transaction

    from openics.meetings.tests.factories import make_meeting

    meeting = make_meeting(world, people=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Distribution.objects.create(
            child=world.amy,
            content_type=ContentType.objects.get_for_model(meeting),
            object_id=meeting.pk,
            recipient="Jo",
            withheld=True,
            withheld_reason="",
            by=world.sam_sw,
        )
