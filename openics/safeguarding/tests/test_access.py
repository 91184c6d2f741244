"""Need to know: only the DSL and deputies of the pupil's school read the
child protection file; a teacher records but does not read it unless the
DSL shares it; every refusal is audited and looks like "not found"."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from openics.core.models import AuditEvent, Share


def _denied(user, child) -> bool:  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(
        action="access", outcome="denied", user_id=user.pk, child_id=child.pk, detail__part="school_safeguarding"
    ).exists()


def test_a_teacher_cannot_read_the_child_protection_file(world, client_for, record):
    record(actor=world.dee_dsl)
    client = client_for(world.tom_teacher)
    assert client.get(reverse("child-concerns", args=[world.amy.pk]), secure=True).status_code == 404
    assert _denied(world.tom_teacher, world.amy)
    assert client.get(reverse("concern-queue"), secure=True).status_code == 404
    assert client.get("/api/v1/safeguarding/concerns/", secure=True).status_code == 403


def test_a_teacher_cannot_open_a_concern_someone_else_recorded(world, client_for, record):
    concern = record(actor=world.dee_dsl)
    client = client_for(world.tom_teacher)
    assert client.get(reverse("concern-detail", args=[concern.pk]), secure=True).status_code == 404
    assert client.get(f"/api/v1/safeguarding/concerns/{concern.pk}/", secure=True).status_code == 404
    assert client.get(reverse("concern-pdf", args=[concern.pk]), secure=True).status_code == 404
    assert AuditEvent.objects.filter(action="access", outcome="denied", user_id=world.tom_teacher.pk).count() == 3


def test_the_other_schools_dsl_gets_not_found_and_is_audited(world, client_for, record):
    concern = record()
    client = client_for(world.oscar_dsl)
    for url in (
        reverse("concern-detail", args=[concern.pk]),
        reverse("child-concerns", args=[world.amy.pk]),
        f"/api/v1/safeguarding/concerns/{concern.pk}/",
    ):
        assert client.get(url, secure=True).status_code == 404, url
    assert _denied(world.oscar_dsl, world.amy)
    # His own queue is empty: Amy's concern is not at his school.
    page = client.get(reverse("concern-queue"), secure=True)
    assert page.status_code == 200 and b"No concerns are awaiting a decision" in page.content
    assert client.get("/api/v1/safeguarding/concerns/", secure=True).json() == []


def test_a_missing_concern_looks_the_same_as_a_forbidden_one(world, client_for):
    client = client_for(world.dee_dsl)
    assert client.get(reverse("concern-detail", args=[999999]), secure=True).status_code == 404
    assert client.get("/api/v1/safeguarding/concerns/99999999999999999/", secure=True).status_code == 404


def test_the_dsl_shares_the_file_with_a_named_teacher_for_a_time(world, client_for, record):
    concern = record(actor=world.dee_dsl)
    client = client_for(world.tom_teacher)
    url = reverse("child-concerns", args=[world.amy.pk])
    share = Share.objects.create(
        child=world.amy,
        user=world.tom_teacher,
        parts=["school_safeguarding"],
        lawful_basis="public_task_safeguarding",
        reason="Class teacher monitoring Amy's presentation",
        shared_by=world.dee_dsl,
        expires_at=timezone.now() + dt.timedelta(days=14),
    )
    assert client.get(url, secure=True).status_code == 200
    assert client.get(reverse("concern-detail", args=[concern.pk]), secure=True).status_code == 200
    # Reading is not deciding: that stays with the DSL and deputies.
    assert client.get(reverse("concern-decide", args=[concern.pk]), secure=True).status_code == 403
    share.revoked_at = timezone.now()
    share.save(update_fields=["revoked_at"])
    assert client.get(url, secure=True).status_code == 404


def test_school_staff_see_the_safeguarding_link_and_social_workers_do_not(world, client_for):
    page = client_for(world.tom_teacher).get(reverse("my-work"), secure=True)
    assert reverse("safeguarding-home").encode() in page.content
    page = client_for(world.sam_sw).get(reverse("my-work"), secure=True)
    assert reverse("safeguarding-home").encode() not in page.content
    assert client_for(world.sam_sw).get(reverse("safeguarding-home"), secure=True).status_code == 404
