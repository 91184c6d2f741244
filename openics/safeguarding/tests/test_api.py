"""Concerns through the API: the same actions, access and messages as the pages."""

from __future__ import annotations

from typing import Any

from openics.core.models import ChronologyEntry, Notification, OutboxMessage
from openics.safeguarding.models import Concern, TriageDecision

URL = "/api/v1/safeguarding/concerns/"


def _new(world, **extra):  # type: ignore[no-untyped-def]
    return {
        "child": world.amy.pk,
        "occurred_at": "2026-01-05T10:00:00Z",
        "location": "Playground",
        "account": "Amy said her stepdad pushed her down the stairs.",
        "childs_words": "He pushed me",
        "categories": ["physical", "domestic_abuse"],
        "body_map": [
            {"view": "front", "x": 0.42, "y": 0.3, "note": "Graze on the chin"},
            {"view": "back", "x": 0.5, "y": 0.55, "note": "Bruising, lower back"},
        ],
        "action_taken": "Told the DSL.",
        "dsl_informed_verbally": False,
        **extra,
    }


def test_a_teacher_records_a_concern_with_a_body_map(world, client_for):
    client = client_for(world.tom_teacher)
    response = client.post(URL, _new(world), content_type="application/json", secure=True)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["body_map"][1] == {"view": "back", "x": 0.5, "y": 0.55, "note": "Bruising, lower back"}
    assert body["decisions"] == []
    concern = Concern.objects.get(pk=body["id"])
    assert concern.recorded_by == world.tom_teacher and concern.dsl_informed_verbally is False
    assert Notification.objects.filter(user=world.dee_dsl).count() == 1
    assert OutboxMessage.objects.filter(to=world.dee_dsl.email).count() == 1
    assert ChronologyEntry.objects.filter(kind="safeguarding_concern", child=world.amy).count() == 1


def test_bad_input_is_a_clear_400(world, client_for):
    client = client_for(world.tom_teacher)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"body_map": [{"view": "side", "x": 0.5, "y": 0.5}]}, "body_map"),
        ({"body_map": [{"view": "front", "x": 1.5, "y": 0.5}]}, "body_map"),
        ({"categories": []}, "categories"),
        ({"categories": ["made_up"]}, "categories"),
        ({"account": ""}, "account"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "2099-01-01T10:00:00Z"}, "occurred_at"),
        ({"dsl_informed_verbally": None}, "dsl_informed_verbally"),
        ({"child": 2**70}, "child"),
    ]
    for change, field in cases:
        response = client.post(URL, _new(world, **change), content_type="application/json", secure=True)
        assert response.status_code == 400, (change, response.content)
        assert field in response.json(), (change, response.json())
    assert not Concern.objects.exists()


def test_a_pupil_of_another_school_is_not_found(world, client_for):
    from openics.core import testing as t

    other = t.make_child("Olly", "Elsewhere")
    t.enrol(other, world.other_school)
    response = client_for(world.tom_teacher).post(
        URL, _new(world, child=other.pk), content_type="application/json", secure=True
    )
    assert response.status_code == 404


def test_the_dsl_lists_reads_decides_and_the_list_is_in_triage_order(world, client_for, record):
    first, second = record(), record()
    client = client_for(world.dee_dsl)
    listed = client.get(URL, secure=True).json()
    assert [c["id"] for c in listed] == [first.pk, second.pk]
    detail = client.get(f"{URL}{second.pk}/", secure=True).json()
    assert detail["first_read_at"] is not None
    assert [c["id"] for c in client.get(URL, secure=True).json()] == [first.pk, second.pk]
    response = client.post(
        f"{URL}{first.pk}/decision/",
        {
            "outcome": "advice",
            "advice_from": "Children and Families Hub consultation line",
            "parents_informed": True,
            "rationale": "Advice: monitor and review in a week.",
            "follow_up_on": "2026-02-01",
        },
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 201, response.content
    assert TriageDecision.objects.get(concern=first).advice_from.startswith("Children and Families Hub")
    missing = client.post(
        f"{URL}{second.pk}/decision/",
        {"outcome": "advice", "parents_informed": False, "rationale": "x"},
        content_type="application/json",
        secure=True,
    )
    assert missing.status_code == 400
    assert set(missing.json()) == {"advice_from", "parents_not_informed_reason"}


def test_additions_through_the_api(world, client_for, record):
    concern = record()
    response = client_for(world.tom_teacher).post(
        f"{URL}{concern.pk}/additions/",
        {"text": "Seen again at home time."},
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 201 and response.json()["added_by"] == world.tom_teacher.pk
    empty = client_for(world.tom_teacher).post(
        f"{URL}{concern.pk}/additions/", {"text": ""}, content_type="application/json", secure=True
    )
    assert empty.status_code == 400


def test_the_concerns_api_is_in_the_schema(world, client_for):
    schema = client_for(world.dee_dsl).get("/api/v1/schema/", secure=True).content.decode()
    for path in (
        "/api/v1/safeguarding/concerns/:",
        "/api/v1/safeguarding/concerns/{id}/:",
        "/api/v1/safeguarding/concerns/{id}/additions/:",
        "/api/v1/safeguarding/concerns/{id}/decision/:",
        "/api/v1/safeguarding/concerns/{id}/fgm-notification/:",
    ):
        assert path in schema, path
