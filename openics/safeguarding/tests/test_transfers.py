"""Transfer of records: a pupil's child protection file goes to the next
school's DSL (receipt confirmed, the sender's copy destroyed), or as a sealed
export package to a school not on OpenICS; a joiner's file is requested and
tracked until answered.  Only the DSLs of the two schools see any of it."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from openics.core import testing as t
from openics.core.models import AuditEvent, ChronologyEntry, Enrolment, Notification, OutboxMessage
from openics.safeguarding import transfers
from openics.safeguarding.models import (
    Concern,
    ConcernAddition,
    FileDestruction,
    FileRequest,
    FileTransfer,
    TriageDecision,
)

from .pdf_text import pdf_text

DECISION = {"outcome": "monitor", "parents_informed": "yes", "rationale": "Monitor for two weeks."}


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


@pytest.fixture
def file(world, client_for, record):  # type: ignore[no-untyped-def]
    """Amy's file at Grange: a concern (Tom), an addition and Dee's decision."""
    concern = record()
    client_for(world.tom_teacher).post(reverse("concern-add", args=[concern.pk]), {"text": "Brother agrees."})
    response = client_for(world.dee_dsl).post(reverse("concern-decide", args=[concern.pk]), DECISION)
    assert response.status_code == 302
    return concern


def test_a_transfer_between_two_schools_receipt_confirmed_and_the_senders_copy_destroyed(world, client_for, file):
    today = timezone.localdate()
    dee = client_for(world.dee_dsl)
    page = dee.get(reverse("child-concerns", args=[world.amy.pk]))
    start_url = reverse("transfer-start", args=[world.amy.pk])
    assert start_url in page.content.decode()

    # Dee sends Amy's file to Riverside's DSL as Amy leaves.
    response = dee.post(start_url, {"to_school": str(world.other_school.pk), **_date("left_on", today)})
    assert response.status_code == 302
    transfer = FileTransfer.objects.get()
    assert (transfer.from_school, transfer.to_school, transfer.concern_count) == (world.school, world.other_school, 1)
    assert transfer.due_on > today and transfer.received_at is None
    # Oscar, Riverside's DSL, is alerted in the app and by email (naming no child).
    alert = Notification.objects.get(user=world.oscar_dsl)
    assert "Confidential" in alert.message and alert.link == reverse("transfer-detail", args=[transfer.pk])
    mail = OutboxMessage.objects.get(to=world.oscar_dsl.email)
    assert "Amy" not in mail.subject + mail.body

    # Amy joins Riverside; Oscar sees the incoming file and confirms receipt.
    t.enrol(world.amy, world.other_school, since=today)
    oscar = client_for(world.oscar_dsl)
    listing = oscar.get(reverse("transfer-list")).content.decode()
    assert reverse("transfer-detail", args=[transfer.pk]) in listing
    assert "Confirm receipt" in oscar.get(reverse("transfer-detail", args=[transfer.pk])).content.decode()
    response = oscar.post(reverse("transfer-confirm", args=[transfer.pk]))
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.received_by == world.oscar_dsl and transfer.received_at is not None
    assert transfer.destroyed_at is not None

    # Riverside owns the file: its DSL reads it; Grange has lost it.
    file.refresh_from_db()
    assert file.school == world.other_school
    assert oscar.get(reverse("concern-detail", args=[file.pk])).status_code == 200
    assert oscar.get(reverse("child-concerns", args=[world.amy.pk])).status_code == 200
    dee = client_for(world.dee_dsl)
    assert dee.get(reverse("concern-detail", args=[file.pk])).status_code == 404
    assert dee.get(reverse("child-concerns", args=[world.amy.pk])).status_code == 404
    assert not Enrolment.objects.current().filter(child=world.amy, school=world.school).exists()
    # The destruction log: what, when, by whom; never the content.
    log = FileDestruction.objects.get(transfer=transfer)
    assert (log.school, log.concerns, log.additions, log.decisions, log.fgm_notifications) == (world.school, 1, 1, 1, 0)
    assert log.destroyed_by == world.oscar_dsl and "Riverside" in log.how
    assert file.account not in log.how
    # The sender sees the transfer's outcome (not the file).
    detail = dee.get(reverse("transfer-detail", args=[transfer.pk])).content.decode()
    assert "destroyed" in detail and file.account not in detail
    assert Notification.objects.filter(user=world.dee_dsl, message__contains="confirmed receipt").exists()
    actions = set(AuditEvent.objects.filter(object_type="safeguarding.filetransfer").values_list("action", flat=True))
    assert {"transfer_start", "transfer_receipt", "destroy"} <= actions
    moved = ChronologyEntry.objects.get(child=world.amy, kind="cp_file_transfer")
    assert moved.summary == "Child protection file transferred from Grange Primary School to Riverside Academy"
    assert moved.part == "school_safeguarding"
    destroy = AuditEvent.objects.get(action="destroy")
    assert destroy.detail == {"concerns": 1, "additions": 1, "decisions": 1, "fgm_notifications": 0}


def test_receipt_is_confirmed_only_once_and_only_by_the_receiver(world, client_for, file):
    transfer = transfers.do_start_transfer(
        world.amy,
        actor=world.dee_dsl,
        from_school=world.school,
        to_school=world.other_school,
        left_on=timezone.localdate(),
    )
    assert client_for(world.dee_dsl).post(reverse("transfer-confirm", args=[transfer.pk])).status_code == 403
    with pytest.raises(transfers.TransferRefused):
        transfers.do_confirm_receipt(transfer, actor=world.dee_dsl)
    transfers.do_confirm_receipt(transfer, actor=world.oscar_dsl)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        transfers.do_confirm_receipt(transfer, actor=world.oscar_dsl)
    assert FileDestruction.objects.count() == 1


def test_a_second_open_transfer_of_the_same_file_is_refused_with_a_message(world, client_for, file):
    today = timezone.localdate()
    dee = client_for(world.dee_dsl)
    url = reverse("transfer-start", args=[world.amy.pk])
    assert dee.post(url, {"to_school": str(world.other_school.pk), **_date("left_on", today)}).status_code == 302
    transfer = FileTransfer.objects.get()
    page = dee.get(url).content.decode()
    assert reverse("transfer-detail", args=[transfer.pk]) in page
    response = dee.post(url, {"to_school": "", "to_school_name": "", **_date("left_on", today)})
    assert response.status_code == 400
    assert FileTransfer.objects.count() == 1


def test_bad_input_gets_a_clear_message(world, client_for, file):
    response = client_for(world.dee_dsl).post(reverse("transfer-start", args=[world.amy.pk]), {"to_school_name": ""})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter the date the pupil left or leaves" in text
    assert "Select the receiving school" in text
    response = client_for(world.dee_dsl).post(
        reverse("api-cp-transfer-list"),
        {"child": world.amy.pk, "to_school": world.school.pk, "left_on": "2026-01-05"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "to_school" in response.json()
    for far in ("9999-12-31", "0001-01-01"):
        response = client_for(world.dee_dsl).post(
            reverse("api-cp-transfer-list"),
            {"child": world.amy.pk, "to_school": world.other_school.pk, "left_on": far},
            content_type="application/json",
        )
        assert response.status_code == 400 and "within a year" in str(response.json()["left_on"])
    assert not FileTransfer.objects.exists()


def test_the_export_package_holds_the_pdf_and_json_and_receipt_destroys_the_senders_copy(world, client_for, file):
    assert ChronologyEntry.objects.filter(origin_type="safeguarding.triagedecision").exists()
    dee = client_for(world.dee_dsl)
    response = dee.post(
        reverse("transfer-start", args=[world.amy.pk]),
        {"to_school_name": "St Elsewhere School, Leeds", **_date("left_on", timezone.localdate())},
    )
    assert response.status_code == 302
    transfer = FileTransfer.objects.get()
    assert transfer.method == "package"
    assert not Notification.objects.filter(user=world.oscar_dsl).exists()
    # Receipt cannot be recorded before the package was made.
    early = dee.post(
        reverse("transfer-receipt", args=[transfer.pk]),
        {"received_by_name": "J Smith", "received_how": "Signed slip", **_date("received_on", timezone.localdate())},
    )
    assert early.status_code == 400 and "Download the export package" in early.content.decode()

    response = dee.get(reverse("transfer-package-zip", args=[transfer.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    pdf_name, json_name = f"cp-file-{world.amy.pk}.pdf", f"cp-file-{world.amy.pk}.json"
    assert {pdf_name, json_name, "README.txt"} == names
    pdf = archive.read(pdf_name)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "CONFIDENTIAL" in text and "Child protection file: Amy Example" in text
    assert "Mummy's friend grabbed me" in text and "Brother agrees." in text
    data = json.loads(archive.read(json_name))
    assert data["format"] == "openics-cp-file-transfer" and data["child"]["id"] == world.amy.pk
    assert data["transfer"]["to_school"] == "St Elsewhere School, Leeds"
    [concern] = data["concerns"]
    assert concern["account"] == file.account and concern["categories"] == ["physical"]
    assert concern["additions"][0]["text"] == "Brother agrees."
    assert concern["decisions"][0]["outcome"] == "monitor"
    assert concern["body_map"][0]["note"] == "Bruise, 3cm, purple"
    assert AuditEvent.objects.filter(action="export", object_type="safeguarding.filetransfer").exists()
    # Oscar (another school) cannot have it.
    assert client_for(world.oscar_dsl).get(reverse("transfer-package-zip", args=[transfer.pk])).status_code == 404

    # Later: the receiving school confirms; Dee records who, when, how.
    dee = client_for(world.dee_dsl)
    response = dee.post(
        reverse("transfer-receipt", args=[transfer.pk]),
        {
            "received_by_name": "J Smith, DSL",
            "received_how": "Signed slip",
            **_date("received_on", timezone.localdate()),
        },
    )
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert (transfer.received_by_name, transfer.received_how) == ("J Smith, DSL", "Signed slip")
    assert transfer.receipt_recorded_by == world.dee_dsl and transfer.destroyed_at is not None
    # The sender's copy is gone: the concern, its addition, decision and chronology entry.
    assert not Concern.objects.filter(pk=file.pk).exists()
    assert not ConcernAddition.objects.exists() and not TriageDecision.objects.exists()
    assert not ChronologyEntry.objects.filter(origin_type="safeguarding.concern").exists()
    # The DSL's decision leaves no entry behind either.
    assert not ChronologyEntry.objects.filter(origin_type="safeguarding.triagedecision").exists()
    log = FileDestruction.objects.get()
    assert (log.concerns, log.additions, log.decisions) == (1, 1, 1) and log.destroyed_by == world.dee_dsl
    assert "package" in log.how
    assert dee.get(reverse("transfer-package-zip", args=[transfer.pk])).status_code == 404


def test_the_json_carries_the_fgm_notification(world, record):
    from openics.safeguarding.actions import do_record_fgm_notification

    concern = record(categories=["fgm"], fgm_known=True)
    do_record_fgm_notification(
        concern, actor=world.tom_teacher, notified_at=timezone.now() - dt.timedelta(minutes=5), police_reference="FGM/9"
    )
    transfer = transfers.do_start_transfer(
        world.amy,
        actor=world.dee_dsl,
        from_school=world.school,
        to_school_name="Elsewhere",
        left_on=timezone.localdate(),
    )
    archive = zipfile.ZipFile(io.BytesIO(transfers.package_bytes(transfer, user=world.dee_dsl)))
    data = json.loads(archive.read(f"cp-file-{world.amy.pk}.json"))
    assert data["concerns"][0]["fgm_notification"]["police_reference"] == "FGM/9"


def test_a_transfer_is_overdue_five_school_days_after_leaving(world, client_for, file):
    from openics.timescales.actions import do_add_school_closure, do_add_school_term

    # Left a month ago, never received: overdue, and flagged on the list.
    today = timezone.localdate()
    transfer = transfers.do_start_transfer(
        world.amy,
        actor=world.dee_dsl,
        from_school=world.school,
        to_school=world.other_school,
        left_on=today - dt.timedelta(days=30),
    )
    assert transfer.due_on < today and transfer.is_overdue()
    assert not transfer.is_overdue(today=transfer.due_on)
    listing = client_for(world.dee_dsl).get(reverse("transfer-list")).content.decode()
    assert "Overdue" in listing

    # The arithmetic: a Monday, in a recorded term with an INSET day on the Wednesday.
    monday = dt.date(2026, 3, 2)
    do_add_school_term(world.school, start=dt.date(2026, 1, 5), end=dt.date(2026, 3, 27), acting_user=None)
    do_add_school_closure(world.school, day=dt.date(2026, 3, 4), reason="INSET", acting_user=None)
    assert transfers.due_date(world.school, monday) == (dt.date(2026, 3, 10), "school days")
    # A school with no terms recorded counts working days.
    assert transfers.due_date(world.other_school, monday) == (dt.date(2026, 3, 9), "working days")


def test_a_joiners_file_is_requested_reminded_and_answered(world, client_for):
    today = timezone.localdate()
    dee = client_for(world.dee_dsl)
    response = dee.post(
        reverse("transfer-request-new"),
        {"child": str(world.amy.pk), "previous_school": str(world.other_school.pk), **_date("joined_on", today)},
    )
    assert response.status_code == 302
    req = FileRequest.objects.get()
    assert req.school == world.school and req.answered_at is None
    assert Notification.objects.filter(user=world.oscar_dsl).count() == 1
    assert "Awaiting answer" in dee.get(reverse("transfer-list")).content.decode()

    assert dee.post(reverse("transfer-request-remind", args=[req.pk])).status_code == 302
    req.refresh_from_db()
    assert req.reminders == 1 and req.last_reminded_at is not None
    assert Notification.objects.filter(user=world.oscar_dsl, message__startswith="Reminder").count() == 1

    # Only the previous school answers.  (One test client: `client_for` signs it in as each person in turn.)
    assert (
        client_for(world.dee_dsl)
        .post(reverse("transfer-request-answer", args=[req.pk]), {"answer": "sent"})
        .status_code
        == 403
    )
    response = client_for(world.oscar_dsl).post(
        reverse("transfer-request-answer", args=[req.pk]), {"answer": "no_file", "note": "Never held one"}
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert (req.answer, req.answered_by, req.answer_note) == ("no_file", world.oscar_dsl, "Never held one")
    assert Notification.objects.filter(user=world.dee_dsl, message__contains="No file held").exists()
    assert "No file held" in client_for(world.dee_dsl).get(reverse("transfer-list")).content.decode()
    # Answered: no more reminders.
    assert client_for(world.dee_dsl).post(reverse("transfer-request-remind", args=[req.pk])).status_code == 302
    req.refresh_from_db()
    assert req.reminders == 1
    assert {"file_request", "file_request_remind", "file_request_answer"} <= set(
        AuditEvent.objects.filter(object_type="safeguarding.filerequest").values_list("action", flat=True)
    )


def test_a_previous_school_not_on_openics_is_answered_by_the_asking_school(world, client_for):
    req = transfers.do_request_file(
        world.amy,
        actor=world.dee_dsl,
        school=world.school,
        previous_school_name="Old Mill Infants",
        joined_on=timezone.localdate(),
    )
    dee = client_for(world.dee_dsl)
    assert dee.get(reverse("transfer-request-answer", args=[req.pk])).status_code == 200
    assert dee.post(reverse("transfer-request-answer", args=[req.pk]), {}).status_code == 400
    assert dee.post(reverse("transfer-request-answer", args=[req.pk]), {"answer": "sent"}).status_code == 302
    req.refresh_from_db()
    assert req.answer == "sent"


def test_teachers_and_others_are_refused_and_the_refusal_is_audited(world, client_for, file):
    transfer = transfers.do_start_transfer(
        world.amy,
        actor=world.dee_dsl,
        from_school=world.school,
        to_school=world.other_school,
        left_on=timezone.localdate(),
    )
    tom = client_for(world.tom_teacher)
    assert tom.get(reverse("transfer-detail", args=[transfer.pk])).status_code == 404
    assert tom.get(reverse("transfer-list")).status_code == 404
    assert tom.get(reverse("transfer-start", args=[world.amy.pk])).status_code == 404
    assert tom.get(reverse("api-cp-transfer-detail", args=[transfer.pk])).status_code == 404
    assert tom.get(reverse("api-cp-transfer-list")).status_code == 403
    denied = AuditEvent.objects.filter(user_id=world.tom_teacher.pk, outcome="denied")
    assert denied.filter(object_type="safeguarding.filetransfer", object_id=str(transfer.pk)).count() == 2
    assert denied.filter(object_type="core.person", object_id=str(world.amy.pk)).exists()
    # A missing transfer is the same 404, audited too.
    assert client_for(world.sam_sw).get(reverse("transfer-detail", args=[transfer.pk + 99])).status_code == 404
    assert AuditEvent.objects.filter(
        user_id=world.sam_sw.pk, outcome="denied", object_id=str(transfer.pk + 99)
    ).exists()
    # Oscar, a DSL elsewhere, cannot start a transfer of Amy's file.
    assert client_for(world.oscar_dsl).get(reverse("transfer-start", args=[world.amy.pk])).status_code == 404


def test_the_api_covers_transfers_and_requests(world, client_for, file):
    dee = client_for(world.dee_dsl)
    response = dee.post(
        reverse("api-cp-transfer-list"),
        {"child": world.amy.pk, "to_school": world.other_school.pk, "left_on": str(timezone.localdate())},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    transfer_id = response.json()["id"]
    assert [t["id"] for t in dee.get(reverse("api-cp-transfer-list") + "?direction=outgoing").json()] == [transfer_id]
    assert dee.get(reverse("api-cp-transfer-list") + "?direction=incoming").json() == []
    assert dee.get(reverse("api-cp-transfer-list") + "?direction=sideways").status_code == 400
    oscar = client_for(world.oscar_dsl)
    assert [t["id"] for t in oscar.get(reverse("api-cp-transfer-list") + "?direction=incoming").json()] == [transfer_id]
    response = oscar.post(reverse("api-cp-transfer-confirm", args=[transfer_id]))
    assert response.status_code == 200
    body = response.json()
    assert body["received_by"] == world.oscar_dsl.pk and body["destroyed_at"]
    file.refresh_from_db()
    assert file.school == world.other_school

    t.enrol(world.amy, world.other_school, since=timezone.localdate())
    response = oscar.post(
        reverse("api-cp-file-request-list"),
        {"child": world.amy.pk, "previous_school_name": "Old Mill Infants", "joined_on": str(timezone.localdate())},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    assert oscar.post(reverse("api-cp-file-request-remind", args=[request_id])).json()["reminders"] == 1
    answered = oscar.post(
        reverse("api-cp-file-request-answer", args=[request_id]), {"answer": "no_file"}, content_type="application/json"
    )
    assert answered.status_code == 200 and answered.json()["answer"] == "no_file"


def test_the_transfer_list_takes_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries, record):
    from openics.core.models import Person

    dee = client_for(world.dee_dsl)
    dee.get(reverse("transfer-list"))
    for n in range(4):
        child = Person.objects.create(is_child=True, first_name=f"Child{n}", last_name="Example")
        t.enrol(child, world.school)
        transfers.do_start_transfer(
            child,
            actor=world.dee_dsl,
            from_school=world.school,
            to_school=world.other_school,
            left_on=timezone.localdate(),
        )
        transfers.do_request_file(
            child,
            actor=world.dee_dsl,
            school=world.school,
            previous_school=world.other_school,
            joined_on=timezone.localdate(),
        )
    with django_assert_max_num_queries(20):
        response = dee.get(reverse("transfer-list"))
    assert response.status_code == 200 and response.content.decode().count("Child3 Example") >= 2


def test_a_transfer_answers_the_joiners_request_and_links_to_it(world, client_for):
    today = timezone.localdate()
    req = transfers.do_request_file(
        world.amy, actor=world.dee_dsl, school=world.school, previous_school=world.other_school, joined_on=today
    )
    # Riverside sends the file through OpenICS: the request is answered by it.
    transfer = transfers.do_start_transfer(
        world.amy, actor=world.oscar_dsl, from_school=world.other_school, to_school=world.school, left_on=today
    )
    req.refresh_from_db()
    assert (req.answer, req.transfer_id, req.answered_by) == ("sent", transfer.pk, world.oscar_dsl)
    page = client_for(world.dee_dsl).get(reverse("transfer-list")).content.decode()
    assert reverse("transfer-detail", args=[transfer.pk]) in page and "See the transfer" in page
    api = client_for(world.dee_dsl).get(f"/api/v1/safeguarding/file-requests/{req.pk}/").json()
    assert api["transfer"] == transfer.pk


def test_file_sent_answered_by_hand_names_the_transfer_that_sent_it(world):
    today = timezone.localdate()
    transfer = transfers.do_start_transfer(
        world.amy, actor=world.oscar_dsl, from_school=world.other_school, to_school=world.school, left_on=today
    )
    # Asked for after the file went: the previous school answers "sent".
    req = transfers.do_request_file(
        world.amy, actor=world.dee_dsl, school=world.school, previous_school=world.other_school, joined_on=today
    )
    assert req.answered_at is None
    req = transfers.do_answer_request(req, actor=world.oscar_dsl, answer="sent")
    req.refresh_from_db()
    assert req.transfer_id == transfer.pk
