"""Who may see which meeting: the chokepoint, in the meeting's part."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openics.core import testing as t
from openics.core.models import AuditEvent, Relationship
from openics.meetings.models import Meeting
from openics.meetings.tests.factories import make_meeting


def _get(user: Any, url: str) -> int:
    client = Client()
    client.force_login(user)
    return client.get(url, secure=True).status_code


def test_a_worker_in_another_team_gets_404_and_it_is_audited(world: Any) -> None:
    meeting = make_meeting(world)
    assert _get(world.olu_other, reverse("meeting-detail", args=[meeting.pk])) == 404
    denial = AuditEvent.objects.get(user_id=world.olu_other.pk, outcome="denied")
    assert denial.child_id == world.amy.pk
    assert _get(world.olu_other, reverse("child-meetings", args=[world.amy.pk])) == 404
    # Missing looks the same as forbidden.
    assert _get(world.sam_sw, reverse("meeting-detail", args=[meeting.pk + 1000])) == 404


def test_school_staff_cannot_see_a_child_protection_conference(world: Any) -> None:
    conference = make_meeting(world, kind="icpc")
    review = make_meeting(world)
    url = reverse("meeting-detail", args=[conference.pk])
    assert _get(world.tom_teacher, url) == 404
    assert _get(world.dee_dsl, url) == 404
    assert _get(world.sam_sw, url) == 200
    # The DSL sees the staged-intervention meeting, and the list leaves out the conference.
    assert _get(world.dee_dsl, reverse("meeting-detail", args=[review.pk])) == 200
    client = Client()
    client.force_login(world.dee_dsl)
    page = client.get(reverse("child-meetings", args=[world.amy.pk]), secure=True).content.decode()
    assert reverse("meeting-detail", args=[review.pk]) in page
    assert reverse("meeting-detail", args=[conference.pk]) not in page
    # The teacher sees Amy's core record only: no meetings at all.
    assert _get(world.tom_teacher, reverse("child-meetings", args=[world.amy.pk])) == 404


def _sibling(world: Any, team: Any, worker: Any) -> Any:
    ben = t.make_child("Ben", "Example", la_child_id="NC000002")
    t.allocate(ben, team, worker)
    Relationship.objects.create(child=world.amy, person=ben, kind="sibling")
    return ben


def _plan_form(ben_pk: int) -> dict[str, Any]:
    day = timezone.localdate() + dt.timedelta(days=2)
    return {
        "kind": "cin_review",
        "date_day": str(day.day),
        "date_month": str(day.month),
        "date_year": str(day.year),
        "start": "10:00",
        "end": "11:00",
        "mode": "in_person",
        "place": "Civic centre",
        "other_children": [str(ben_pk)],
    }


def test_a_meeting_about_siblings_checks_each_child(world: Any) -> None:
    ben = _sibling(world, world.north, world.sam_sw)
    client = Client()
    client.force_login(world.sam_sw)
    response = client.post(reverse("meeting-plan", args=[world.amy.pk]), _plan_form(ben.pk), secure=True)
    assert response.status_code == 302, response.context["form"].errors
    meeting = Meeting.objects.get()
    assert list(meeting.other_children.all()) == [ben]
    # It shows on Ben's list too, marked as about a sibling.
    page = client.get(reverse("child-meetings", args=[ben.pk]), secure=True).content.decode()
    assert reverse("meeting-detail", args=[meeting.pk]) in page and "about a sibling" in page


def test_a_sibling_the_user_cannot_see_cannot_be_added(world: Any) -> None:
    hidden = _sibling(world, world.south, world.olu_other)
    client = Client()
    client.force_login(world.sam_sw)
    # Not offered on the form, so a posted id is ignored.
    page = client.get(reverse("meeting-plan", args=[world.amy.pk]), secure=True).content.decode()
    assert "Ben" not in page
    client.post(reverse("meeting-plan", args=[world.amy.pk]), _plan_form(hidden.pk), secure=True)
    assert not Meeting.objects.filter(other_children=hidden).exists()
    # Through the API, naming the child is refused as if she did not exist, and audited.
    day = timezone.localdate() + dt.timedelta(days=2)
    response = client.post(
        f"/api/v1/people/{world.amy.pk}/meetings/",
        {
            "kind": "cin_review",
            "starts_at": f"{day}T10:00:00Z",
            "ends_at": f"{day}T11:00:00Z",
            "place": "Civic centre",
            "other_children": [hidden.pk],
        },
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(user_id=world.sam_sw.pk, outcome="denied", child_id=hidden.pk).exists()
    assert Meeting.objects.filter(other_children=hidden).count() == 0


def test_a_sibling_meeting_is_listed_only_to_those_who_may_see_its_child(world: Any) -> None:
    # Ben is allocated to Olu (South); the meeting is about Amy (North) and Ben.
    ben = _sibling(world, world.south, world.olu_other)
    from openics.meetings import actions

    start = timezone.now() + dt.timedelta(days=2)
    meeting = actions.do_plan_meeting(
        world.amy,
        actor=world.sam_sw,
        kind="cin_review",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="Civic centre",
        other_children=[ben],
    )
    client = Client()
    client.force_login(world.olu_other)
    page = client.get(reverse("child-meetings", args=[ben.pk]), secure=True).content.decode()
    assert reverse("meeting-detail", args=[meeting.pk]) not in page
    client.force_login(world.sean_sm)  # manages both teams
    page = client.get(reverse("child-meetings", args=[ben.pk]), secure=True).content.decode()
    assert reverse("meeting-detail", args=[meeting.pk]) in page
