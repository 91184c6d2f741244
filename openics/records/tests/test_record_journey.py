"""A referral from draft to endorsed and corrected, through the pages and
the API, with the people of the test world."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from openics.core.models import AuditEvent, ChronologyEntry
from openics.records.actions import OWN_RECORD
from openics.records.models import CaseRecord, RecordStatus

pytestmark = pytest.mark.django_db

FILLED = {
    "referral_date_day": "5",
    "referral_date_month": "1",
    "referral_date_year": "2026",
    "referral_source": "2A",
    "reason": "Teacher saw bruising on Amy's arm.",
    "decision": "assessment",
    "decision_date_day": "6",
    "decision_date_month": "1",
    "decision_date_year": "2026",
}


def _start(client: Any, world: Any) -> CaseRecord:
    response = client.post(reverse("record-start", args=[world.amy.pk]), {"kind": "referral"}, secure=True)
    assert response.status_code == 302
    return CaseRecord.objects.get(child=world.amy)


def _edit(client: Any, record: CaseRecord, data: dict[str, str], **extra: Any) -> Any:
    record.refresh_from_db()
    payload = {"version": str(record.version), "then": "save", **data}
    return client.post(reverse("record-edit", args=[record.pk]), payload, secure=True, **extra)


def test_referral_journey_returned_then_endorsed_then_corrected(world: Any, client_for: Any) -> None:
    sam = client_for(world.sam_sw)
    record = _start(sam, world)
    assert record.status == RecordStatus.DRAFT and record.created_by == world.sam_sw

    # A half-finished draft saves; submitting it names what is missing.
    response = _edit(sam, record, {"reason": "Teacher saw bruising."})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.data["reason"] == "Teacher saw bruising."
    response = sam.post(reverse("record-submit", args=[record.pk]), {}, secure=True)
    assert response.status_code == 400
    assert "Enter the date of the referral" in response.content.decode()
    assert "Select source of referral" in response.content.decode()

    assert _edit(sam, record, FILLED).status_code == 302
    response = sam.post(reverse("record-submit", args=[record.pk]), {"late_reason": ""}, secure=True)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED and record.submitted_by == world.sam_sw

    # Sam cannot endorse his own record, on the page...
    response = sam.get(reverse("record-review", args=[record.pk]), secure=True)
    assert response.status_code == 403
    assert OWN_RECORD in response.content.decode()
    response = sam.post(
        reverse("record-review", args=[record.pk]), {"decision": "endorse", "reasons": "Fine"}, secure=True
    )
    assert response.status_code == 403
    # ...nor through the API.
    response = sam.post(
        reverse("api-record-endorse", args=[record.pk]),
        {"reasons": "Fine"},
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 403
    assert response.json() == {"detail": OWN_RECORD}
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED
    # A submitted record cannot be edited until it is returned.
    assert sam.get(reverse("record-edit", args=[record.pk]), secure=True).status_code == 409

    pat = client_for(world.pat_pm)
    response = pat.post(
        reverse("record-review", args=[record.pk]),
        {"decision": "return", "reasons": "Add what the school has already done."},
        secure=True,
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == RecordStatus.RETURNED

    sam = client_for(world.sam_sw)
    page = sam.get(reverse("record-edit", args=[record.pk]), secure=True).content.decode()
    assert "Add what the school has already done." in page
    assert _edit(sam, record, {**FILLED, "agency_response": "School spoke to mother."}).status_code == 302
    assert sam.post(reverse("record-submit", args=[record.pk]), {}, secure=True).status_code == 302

    pat = client_for(world.pat_pm)
    response = pat.post(
        reverse("record-review", args=[record.pk]),
        {"decision": "endorse", "reasons": "Threshold for assessment met."},
        secure=True,
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == RecordStatus.ENDORSED and record.endorsed_by == world.pat_pm
    assert record.is_locked
    assert list(record.decisions.values_list("action", flat=True)) == ["submit", "return", "submit", "endorse"]
    assert ChronologyEntry.objects.filter(child=world.amy, kind="record_endorsed", part="social_care").count() == 1
    assert AuditEvent.objects.filter(action="endorse", object_id=str(record.pk), user_id=world.pat_pm.pk).exists()

    # Locked: neither the page nor the API changes it.
    sam = client_for(world.sam_sw)
    assert _edit(sam, record, {"reason": "Changed"}).status_code == 409
    response = sam.patch(
        reverse("api-record-detail", args=[record.pk]),
        {"version": record.version, "data": {"reason": "Changed"}},
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 409
    record.refresh_from_db()
    assert record.data["reason"] == FILLED["reason"]

    # A correction is a new version with its reason; the history shows both.
    response = sam.post(reverse("record-correct", args=[record.pk]), {"reason": "Referral date was wrong"}, secure=True)
    assert response.status_code == 302
    correction = CaseRecord.objects.get(supersedes=record)
    assert correction.status == RecordStatus.DRAFT
    assert correction.edition == 2 and correction.series == record.series
    assert correction.data == record.data
    page = sam.get(reverse("record-detail", args=[correction.pk]), secure=True).content.decode()
    assert "Referral date was wrong" in page
    assert reverse("record-detail", args=[record.pk]) in page
    page = sam.get(reverse("record-detail", args=[record.pk]), secure=True).content.decode()
    assert "Threshold for assessment met." in page
    assert reverse("record-detail", args=[correction.pk]) in page
    # A second correction of the same version is refused.
    assert sam.post(reverse("record-correct", args=[record.pk]), {"reason": "Again"}, secure=True).status_code == 409


def test_another_team_gets_404_everywhere(world: Any, client_for: Any) -> None:
    sam = client_for(world.sam_sw)
    record = _start(sam, world)
    olu = client_for(world.olu_other)
    for name in ("record-detail", "record-edit", "record-submit", "record-review", "record-correct"):
        assert olu.get(reverse(name, args=[record.pk]), secure=True).status_code == 404, name
    assert olu.get(reverse("child-records", args=[world.amy.pk]), secure=True).status_code == 404
    assert olu.get(reverse("api-record-detail", args=[record.pk]), secure=True).status_code == 404
    # The school's DSL sees Amy, but not her social care records.
    dee = client_for(world.dee_dsl)
    assert dee.get(reverse("record-detail", args=[record.pk]), secure=True).status_code == 404


def test_a_stale_save_is_refused_and_keeps_what_was_typed(world: Any, client_for: Any) -> None:
    tara = client_for(world.tara_ta)
    record = _start(tara, world)
    opened_at = record.version
    # Sam saves first.
    sam = client_for(world.sam_sw)
    assert _edit(sam, record, {"reason": "Sam's words"}).status_code == 302
    # Tara's save from the old version is refused, with her text still in the form.
    tara = client_for(world.tara_ta)
    payload = {"version": str(opened_at), "reason": "Tara's careful notes"}
    response = tara.post(reverse("record-edit", args=[record.pk]), payload, secure=True)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this record" in page
    assert "Tara&#x27;s careful notes" in page
    record.refresh_from_db()
    assert record.data["reason"] == "Sam's words"
    # The autosave (htmx) says so too, in its partial.
    response = tara.post(reverse("record-edit", args=[record.pk]), payload, secure=True, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    # The API answers 409.
    response = tara.patch(
        reverse("api-record-detail", args=[record.pk]),
        {"version": opened_at, "data": {"reason": "x"}},
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 409


def test_autosave_returns_saved_at_and_the_new_version(world: Any, client_for: Any) -> None:
    sam = client_for(world.sam_sw)
    record = _start(sam, world)
    response = sam.post(
        reverse("record-edit", args=[record.pk]),
        {"version": str(record.version), "reason": "Typed before a time-out"},
        secure=True,
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved at" in body
    record.refresh_from_db()
    assert record.data["reason"] == "Typed before a time-out"
    assert f'value="{record.version}"' in body and 'hx-swap-oob="true"' in body


def test_a_bad_date_keeps_the_rest_and_says_what_is_wrong(world: Any, client_for: Any) -> None:
    sam = client_for(world.sam_sw)
    record = _start(sam, world)
    bad = {"referral_date_day": "31", "referral_date_month": "2", "referral_date_year": "2026", "reason": "Kept"}
    response = _edit(sam, record, bad)
    assert response.status_code == 400
    assert "must be a real date" in response.content.decode()
    record.refresh_from_db()
    assert record.data["reason"] == "Kept"
    # The form now carries the new version, so the next save is not stale.
    assert f'value="{record.version}"' in response.content.decode()


def test_the_api_journey(world: Any, client_for: Any) -> None:
    sam = client_for(world.sam_sw)
    url = reverse("api-child-record-list", args=[world.amy.pk])
    created = sam.post(url, {"kind": "referral"}, content_type="application/json", secure=True)
    assert created.status_code == 201
    pk = created.json()["id"]
    bad = sam.patch(
        reverse("api-record-detail", args=[pk]),
        {"version": 1, "data": {"referral_date": "not a date"}},
        content_type="application/json",
        secure=True,
    )
    assert bad.status_code == 400 and "referral_date" in bad.json()
    submit = sam.post(reverse("api-record-submit", args=[pk]), {}, content_type="application/json", secure=True)
    assert submit.status_code == 400 and submit.json()["referral_date"] == ["Enter the date of the referral"]
    data = {
        "referral_date": "2026-01-05",
        "referral_source": "6",
        "reason": "Police notification",
        "decision": "strategy",
        "decision_date": "2026-01-05",
    }
    saved = sam.patch(
        reverse("api-record-detail", args=[pk]),
        {"version": 1, "data": data},
        content_type="application/json",
        secure=True,
    )
    assert saved.status_code == 200 and saved.json()["version"] == 2
    assert (
        sam.post(reverse("api-record-submit", args=[pk]), {}, content_type="application/json", secure=True).status_code
        == 200
    )
    sean = client_for(world.sean_sm)
    endorsed = sean.post(
        reverse("api-record-endorse", args=[pk]), {"reasons": "Agreed"}, content_type="application/json", secure=True
    )
    assert endorsed.status_code == 200 and endorsed.json()["status"] == "endorsed"
    listed = sean.get(url, secure=True).json()
    assert [r["id"] for r in listed] == [pk]


def test_records_tab_only_for_those_who_see_social_care(world: Any, client_for: Any) -> None:
    records_url = reverse("child-records", args=[world.amy.pk])
    page = client_for(world.sam_sw).get(reverse("child-overview", args=[world.amy.pk]), secure=True).content.decode()
    assert f'href="{records_url}"' in page
    page = client_for(world.dee_dsl).get(reverse("child-overview", args=[world.amy.pk]), secure=True).content.decode()
    assert f'href="{records_url}"' not in page


def test_missing_fields_link_to_their_inputs(world: Any, client_for: Any) -> None:
    sam = client_for(world.sam_sw)
    record = _start(sam, world)
    page = sam.post(reverse("record-submit", args=[record.pk]), {}, secure=True).content.decode()
    edit = reverse("record-edit", args=[record.pk])
    # Dates link to their day input; text to its box.
    assert f'href="{edit}#id_referral_date_0"' in page
    assert f'href="{edit}#id_reason"' in page


def test_a_huge_id_is_not_found(world: Any, client_for: Any) -> None:
    sam = client_for(world.sam_sw)
    assert sam.get(f"/records/{10**30}/", secure=True).status_code == 404
    assert sam.get(f"/children/{10**30}/records/", secure=True).status_code == 404


def test_autosave_says_which_fields_wait_for_a_correction(world: Any, client_for: Any) -> None:
    sam = client_for(world.sam_sw)
    record = _start(sam, world)
    response = sam.post(
        reverse("record-edit", args=[record.pk]),
        {"version": str(record.version), "reason": "Kept", "referral_date_day": "40", "referral_date_month": "1"},
        secure=True,
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "Saved at" in body and "Not saved until corrected: Date of referral" in body
    record.refresh_from_db()
    assert record.data["reason"] == "Kept" and "referral_date" not in record.data
