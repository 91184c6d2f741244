"""A submitted concern cannot be edited: additions are appended (who, when,
what) and audited."""

from __future__ import annotations

from django.urls import reverse

from openics.core.models import AuditEvent
from openics.safeguarding.models import Concern, ConcernAddition


def test_additions_are_appended_and_audited_and_the_concern_is_unchanged(world, client_for, record):
    concern = record()
    before = Concern.objects.filter(pk=concern.pk).values("account", "categories", "body_map", "location").get()
    client = client_for(world.tom_teacher)
    response = client.post(
        reverse("concern-add", args=[concern.pk]), {"text": "Amy's brother said the same at lunch."}, secure=True
    )
    assert response.status_code == 302
    client_for(world.dee_dsl).post(reverse("concern-add", args=[concern.pk]), {"text": "Spoke to mum."}, secure=True)
    additions = list(ConcernAddition.objects.filter(concern=concern).order_by("pk"))
    assert [(a.added_by, a.text) for a in additions] == [
        (world.tom_teacher, "Amy's brother said the same at lunch."),
        (world.dee_dsl, "Spoke to mum."),
    ]
    assert all(a.added_at for a in additions)
    assert Concern.objects.filter(pk=concern.pk).values("account", "categories", "body_map", "location").get() == before
    assert AuditEvent.objects.filter(action="add", object_id=str(concern.pk)).count() == 2
    # The recorder sees their own addition, not the DSL's.
    page = client_for(world.tom_teacher).get(reverse("concern-detail", args=[concern.pk]), secure=True)
    assert b"brother said the same" in page.content and b"Spoke to mum" not in page.content


def test_an_empty_addition_is_refused_with_a_message(world, client_for, record):
    concern = record()
    response = client_for(world.tom_teacher).post(
        reverse("concern-add", args=[concern.pk]), {"text": "  "}, secure=True
    )
    assert response.status_code == 400 and b"Enter what you want to add" in response.content
    assert not ConcernAddition.objects.exists()


def test_there_is_no_way_to_edit_a_concern(world, client_for, record):
    concern = record()
    client = client_for(world.dee_dsl)
    url = f"/api/v1/safeguarding/concerns/{concern.pk}/"
    for method in (client.put, client.patch, client.delete):
        response = method(url, data={"account": "Changed"}, content_type="application/json", secure=True)
        assert response.status_code == 405
    assert Concern.objects.get(pk=concern.pk).account.startswith("Amy had a bruise")
