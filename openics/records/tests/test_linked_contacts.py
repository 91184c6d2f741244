"""One contact about several children: a linked record per child, through
the pages and the API, showing each reader only the children they may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from openics.core import testing as t
from openics.core.models import AuditEvent, Relationship, RelationshipKind
from openics.records.actions import do_correct, do_endorse, do_save_draft, do_start_record, do_submit
from openics.records.linking import do_link_children, linked_records
from openics.records.models import CaseRecord, RecordStatus

pytestmark = pytest.mark.django_db

SHARED = {
    "contact_date": "2026-03-02",
    "contact_method": "phone",
    "contact_by": "Ms Grange, class teacher",
    "reason": "The children came to school hungry three days running.",
}


@pytest.fixture
def family(world: Any) -> Any:
    """Amy's brother Ben (North team, Sam's), and her half-sister Cara,
    allocated in the South team: Sam may not see Cara."""
    ben = t.make_child("Ben", "Example", la_child_id="NC000002")
    t.allocate(ben, world.north, world.sam_sw)
    cara = t.make_child("Cara", "Hidden", la_child_id="NC000003")
    t.allocate(cara, world.south, world.olu_other)
    dan = t.make_child("Dan", "Neighbour", la_child_id="NC000004")
    t.allocate(dan, world.north, world.sam_sw)
    Relationship.objects.create(child=world.amy, person=ben, kind=RelationshipKind.SIBLING)
    # Recorded from the other side: still Amy's relation.
    Relationship.objects.create(child=cara, person=world.amy, kind=RelationshipKind.HALF_SIBLING)
    world.ben, world.cara, world.dan = ben, cara, dan
    return world


def _contact_for_amy(client: Any, w: Any) -> CaseRecord:
    response = client.post(reverse("record-start", args=[w.amy.pk]), {"kind": "contact"}, secure=True)
    record = CaseRecord.objects.get(child=w.amy, kind="contact")
    assert response.status_code == 302
    assert response["Location"] == reverse("record-link", args=[record.pk])
    return record


def test_starting_a_contact_offers_related_children_the_user_may_see(family: Any, client_for: Any) -> None:
    w = family
    sam = client_for(w.sam_sw)
    record = _contact_for_amy(sam, w)
    do_save_draft(record, actor=w.sam_sw, data=SHARED, expected_version=record.version)

    page = sam.get(reverse("record-link", args=[record.pk]), secure=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ben Example (sibling" in html
    # Cara is Amy's half-sister, but in a team Sam cannot see: not offered, not hinted at.
    assert "Cara" not in html and "Hidden" not in html

    # Searching finds children Sam may see, by name or LA child ID, never Cara.
    found = sam.post(reverse("record-link", args=[record.pk]), {"action": "search", "q": "NC000004"}, secure=True)
    assert found.status_code == 200
    assert "Dan Neighbour" in found.content.decode()
    hidden = sam.post(reverse("record-link", args=[record.pk]), {"action": "search", "q": "Hidden"}, secure=True)
    assert "Cara" not in hidden.content.decode()
    assert "No other children found" in hidden.content.decode()

    # Nothing ticked: a clear message, nothing made.
    empty = sam.post(reverse("record-link", args=[record.pk]), {"action": "link"}, secure=True)
    assert empty.status_code == 400
    assert "Select the other children this contact is about" in empty.content.decode()

    response = sam.post(
        reverse("record-link", args=[record.pk]),
        {"action": "link", "children": [str(w.ben.pk), str(w.dan.pk)], "q": "NC000004"},
        secure=True,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("record-edit", args=[record.pk])
    record.refresh_from_db()
    ben_record = CaseRecord.objects.get(child=w.ben, kind="contact")
    dan_record = CaseRecord.objects.get(child=w.dan, kind="contact")
    assert record.linked_group is not None
    assert ben_record.linked_group == dan_record.linked_group == record.linked_group
    # Each child's record is their own draft, with the shared details copied and no decision.
    assert ben_record.status == RecordStatus.DRAFT and ben_record.created_by == w.sam_sw
    assert ben_record.data == SHARED and "decision" not in ben_record.data
    assert AuditEvent.objects.filter(action="link", object_id=str(record.pk)).exists()

    # Linked children are not offered again.
    again = sam.get(reverse("record-link", args=[record.pk]), secure=True)
    assert f'value="{w.ben.pk}"' not in again.content.decode()


def test_a_hidden_child_posted_to_the_link_page_refuses_everything(family: Any, client_for: Any) -> None:
    w = family
    sam = client_for(w.sam_sw)
    record = _contact_for_amy(sam, w)
    response = sam.post(
        reverse("record-link", args=[record.pk]),
        {"action": "link", "children": [str(w.ben.pk), str(w.cara.pk)]},
        secure=True,
    )
    # Cara is not among the choices Sam was offered: the form says so, and nothing is made.
    assert response.status_code == 400
    assert CaseRecord.objects.filter(kind="contact").count() == 1


def test_each_reader_sees_only_the_linked_children_they_may_see(family: Any, client_for: Any) -> None:
    w = family
    amy_record = do_start_record(w.amy, actor=w.sam_sw, kind="contact")
    do_save_draft(amy_record, actor=w.sam_sw, data=SHARED, expected_version=amy_record.version)
    (ben_record,) = do_link_children(amy_record, actor=w.sam_sw, children=[w.ben])
    # Cara's record joins the group (started by her own worker, who sees Cara only).
    (cara_record,) = do_link_children(amy_record, actor=w.olu_other, children=[w.cara])

    html = client_for(w.sam_sw).get(reverse("record-detail", args=[amy_record.pk]), secure=True).content.decode()
    assert "This contact also concerns:" in html
    assert reverse("record-detail", args=[ben_record.pk]) in html
    # Not shown, not counted.
    assert "Cara" not in html and reverse("record-detail", args=[cara_record.pk]) not in html
    assert "other children" not in html and "you do not have access" not in html

    html = client_for(w.olu_other).get(reverse("record-detail", args=[cara_record.pk]), secure=True).content.decode()
    assert "Amy Example" not in html
    assert "Ben Example" not in html and "This contact also concerns:" not in html

    # Sean manages both teams: he sees all three.
    html = client_for(w.sean_sm).get(reverse("record-detail", args=[cara_record.pk]), secure=True).content.decode()
    assert "Amy Example" in html and "Ben Example" in html


def test_saving_can_copy_the_shared_details_to_the_linked_drafts(family: Any, client_for: Any) -> None:
    w = family
    amy_record = do_start_record(w.amy, actor=w.sam_sw, kind="contact")
    (ben_record,) = do_link_children(amy_record, actor=w.sam_sw, children=[w.ben])
    ben_record = do_save_draft(ben_record, actor=w.sam_sw, data={"decision": "advice"}, expected_version=1)
    sam = client_for(w.sam_sw)
    edit = sam.get(reverse("record-edit", args=[amy_record.pk]), secure=True)
    assert 'name="copy_shared"' in edit.content.decode()

    form = {
        "version": str(CaseRecord.objects.get(pk=amy_record.pk).version),
        "then": "save",
        "contact_date_day": "2",
        "contact_date_month": "3",
        "contact_date_year": "2026",
        "contact_by": "Ms Grange, class teacher",
        "reason": "Hungry at school",
        "decision": "referral",
    }
    # Without the tick nothing is copied.
    assert sam.post(reverse("record-edit", args=[amy_record.pk]), form, secure=True).status_code == 302
    ben_record.refresh_from_db()
    assert "reason" not in ben_record.data

    form["version"] = str(CaseRecord.objects.get(pk=amy_record.pk).version)
    form["copy_shared"] = "yes"
    response = sam.post(reverse("record-edit", args=[amy_record.pk]), form, secure=True, follow=True)
    assert "Shared details copied to the linked records of Ben Example" in response.content.decode()
    ben_record.refresh_from_db()
    assert ben_record.data["reason"] == "Hungry at school"
    assert ben_record.data["contact_date"] == "2026-03-02"
    # Each child's decision stays their own.
    assert ben_record.data["decision"] == "advice"


def test_a_correction_stays_linked(family: Any, client_for: Any) -> None:
    w = family
    amy_record = do_start_record(w.amy, actor=w.sam_sw, kind="contact")
    data = {**SHARED, "decision": "nfa"}
    amy_record = do_save_draft(amy_record, actor=w.sam_sw, data=data, expected_version=amy_record.version)
    (ben_record,) = do_link_children(amy_record, actor=w.sam_sw, children=[w.ben])
    amy_record = do_submit(amy_record, actor=w.sam_sw)
    amy_record = do_endorse(amy_record, actor=w.pat_pm, reasons="Advice given")
    correction = do_correct(amy_record, actor=w.sam_sw, reason="Wrong date")
    assert [r.pk for r in linked_records(correction, w.sam_sw)] == [ben_record.pk]
    # And Ben's record links to the newest version of Amy's.
    assert [r.pk for r in linked_records(ben_record, w.sam_sw)] == [correction.pk]
    # A submitted record takes no more children.
    link = client_for(w.sam_sw).get(reverse("record-link", args=[amy_record.pk]), secure=True)
    assert link.status_code == 409


def test_only_contacts_are_linked(family: Any, client_for: Any) -> None:
    referral = do_start_record(family.amy, actor=family.sam_sw, kind="referral")
    response = client_for(family.sam_sw).get(reverse("record-link", args=[referral.pk]), secure=True)
    assert response.status_code == 409
    assert "cannot be linked" in response.content.decode()


# ---------------------------------------------------------------- API


def _api_start(client: Any, child: Any, payload: dict[str, Any]) -> Any:
    return client.post(
        reverse("api-child-record-list", args=[child.pk]), payload, content_type="application/json", secure=True
    )


def test_api_starts_linked_drafts_with_the_shared_details(family: Any, client_for: Any) -> None:
    w = family
    sam = client_for(w.sam_sw)
    response = _api_start(
        sam, w.amy, {"kind": "contact", "also_for": [w.ben.pk, w.dan.pk], "data": {**SHARED, "decision": "referral"}}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["data"]["decision"] == "referral"
    linked = {row["child"]: row["id"] for row in body["linked_records"]}
    assert set(linked) == {w.ben.pk, w.dan.pk}
    ben_record = CaseRecord.objects.get(pk=linked[w.ben.pk])
    assert str(ben_record.linked_group) == body["linked_group"]
    assert ben_record.data == SHARED


def test_api_refuses_the_whole_request_for_a_child_the_user_may_not_see(family: Any, client_for: Any) -> None:
    w = family
    sam = client_for(w.sam_sw)
    before = AuditEvent.objects.filter(outcome="denied", child_id=w.cara.pk).count()
    response = _api_start(sam, w.amy, {"kind": "contact", "also_for": [w.ben.pk, w.cara.pk]})
    assert response.status_code == 404
    assert not CaseRecord.objects.exists()
    assert AuditEvent.objects.filter(outcome="denied", child_id=w.cara.pk).count() == before + 1
    # A child that does not exist is refused the same way.
    response = _api_start(sam, w.amy, {"kind": "contact", "also_for": [w.ben.pk, 999_999]})
    assert response.status_code == 404
    assert not CaseRecord.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "referral", "also_for": [0]}, "also_for"),
        ({"kind": "contact", "also_for": ["ben"]}, "also_for"),
        ({"kind": "contact", "also_for": "ben"}, "also_for"),
        ({"kind": "contact", "also_for": [2**63]}, "also_for"),
        ({"kind": "contact", "data": {"no_such_field": "x"}}, "no_such_field"),
    ],
)
def test_api_bad_links_are_clear_400s(family: Any, client_for: Any, payload: dict[str, Any], field: str) -> None:
    response = _api_start(client_for(family.sam_sw), family.amy, payload)
    assert response.status_code == 400
    assert field in response.content.decode()
    assert not CaseRecord.objects.exists()


def test_api_refuses_a_referral_linked_or_the_same_child_twice(family: Any, client_for: Any) -> None:
    w = family
    sam = client_for(w.sam_sw)
    response = _api_start(sam, w.amy, {"kind": "referral", "also_for": [w.ben.pk]})
    assert response.status_code == 400 and "cannot be linked" in response.content.decode()
    response = _api_start(sam, w.amy, {"kind": "contact", "also_for": [w.ben.pk, w.ben.pk]})
    assert response.status_code == 400
    response = _api_start(sam, w.amy, {"kind": "contact", "also_for": [w.amy.pk]})
    assert response.status_code == 400
    assert not CaseRecord.objects.exists()


def test_api_link_action(family: Any, client_for: Any) -> None:
    w = family
    sam = client_for(w.sam_sw)
    record = do_start_record(w.amy, actor=w.sam_sw, kind="contact")
    url = reverse("api-record-link", args=[record.pk])
    response = sam.post(url, {"children": [w.ben.pk]}, content_type="application/json", secure=True)
    assert response.status_code == 201
    assert [row["child"] for row in response.json()] == [w.ben.pk]
    # Linking Ben again is a conflict; Cara is refused as not found.
    response = sam.post(url, {"children": [w.ben.pk]}, content_type="application/json", secure=True)
    assert response.status_code == 409
    response = sam.post(url, {"children": [w.cara.pk]}, content_type="application/json", secure=True)
    assert response.status_code == 404
    assert CaseRecord.objects.filter(child=w.cara).count() == 0
