"""Known FGM: the teacher is prompted to notify the police themselves, and
the notification (who, when, reference) is recorded."""

from __future__ import annotations

from django.urls import reverse

from openics.core.models import ChronologyEntry, Notification
from openics.safeguarding.models import Concern, FgmNotification

from .conftest import form_data


def test_known_fgm_prompts_the_teachers_police_notification(world, client_for):
    client = client_for(world.tom_teacher)
    response = client.post(
        reverse("concern-new"), form_data(world, categories=["fgm"], fgm_known="on", marks=""), secure=True
    )
    concern = Concern.objects.get()
    assert concern.fgm_known
    assert response.status_code == 302 and response["Location"] == reverse("concern-fgm", args=[concern.pk])
    assert "known FGM" in Notification.objects.get(user=world.dee_dsl).message
    page = client.get(response["Location"], secure=True)
    assert b"report known cases of female genital mutilation to the police themselves" in page.content
    response = client.post(
        response["Location"],
        {
            "notified_on_day": str(concern.recorded_at.day),
            "notified_on_month": str(concern.recorded_at.month),
            "notified_on_year": str(concern.recorded_at.year),
            "notified_time": "00:00",
            "police_reference": "ESX/FGM/2026/001",
        },
        secure=True,
    )
    assert response.status_code == 302
    notification = FgmNotification.objects.get(concern=concern)
    assert notification.notified_by == world.tom_teacher and notification.police_reference == "ESX/FGM/2026/001"
    entry = ChronologyEntry.objects.get(kind="fgm_notification")
    assert entry.part == "school_safeguarding" and entry.significance == "critical"
    page = client_for(world.dee_dsl).get(reverse("concern-detail", args=[concern.pk]), secure=True)
    assert b"ESX/FGM/2026/001" in page.content


def test_fgm_known_needs_the_fgm_category(world, client_for):
    response = client_for(world.tom_teacher).post(reverse("concern-new"), form_data(world, fgm_known="on"), secure=True)
    assert response.status_code == 400 and b"Select the FGM category when FGM is known" in response.content


def test_the_notification_needs_a_reference_and_is_the_teachers_own(world, client_for, record):
    concern = record(categories=["fgm"], fgm_known=True)
    url = reverse("concern-fgm", args=[concern.pk])
    response = client_for(world.tom_teacher).post(url, {"police_reference": ""}, secure=True)
    assert response.status_code == 400
    assert b"Enter the police reference number" in response.content
    assert b"Enter the date you notified the police" in response.content
    # The DSL reads the concern, but the duty (and this page) is the teacher's.
    assert client_for(world.dee_dsl).get(url, secure=True).status_code == 404
    assert not FgmNotification.objects.exists()
