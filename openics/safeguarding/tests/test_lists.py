"""The child protection file and the DSL's API list: one query count however
many concerns, and the form can start from a pupil."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openics.safeguarding.actions import do_add_to_concern, do_decide


def _count(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, secure=True)
    assert response.status_code == 200
    return len(captured)


def _more(world, record):  # type: ignore[no-untyped-def]
    concern = record()
    do_add_to_concern(concern, actor=world.tom_teacher, text="More")
    do_decide(concern, actor=world.dee_dsl, data={"outcome": "monitor", "parents_informed": True, "rationale": "Watch"})


def test_the_child_protection_file_page_does_not_grow_its_queries(world, client_for, record):
    client = client_for(world.dee_dsl)
    url = reverse("child-concerns", args=[world.amy.pk])
    _more(world, record)
    few = _count(client, url)
    for _ in range(4):
        _more(world, record)
    assert _count(client, url) == few
    page = client.get(url, secure=True)
    assert page.content.count(b"Monitor in school") == 5


def test_the_api_list_does_not_grow_its_queries(world, client_for, record):
    client = client_for(world.dee_dsl)
    url = "/api/v1/safeguarding/concerns/"
    _more(world, record)
    few = _count(client, url)
    for _ in range(4):
        _more(world, record)
    assert _count(client, url) == few
    assert len(client.get(url, secure=True).json()) == 5


def test_the_form_starts_from_a_pupil_of_the_school_only(world, client_for):
    from openics.core import testing as t

    page = client_for(world.tom_teacher).get(reverse("concern-new") + f"?child={world.amy.pk}", secure=True)
    assert f'<option value="{world.amy.pk}" selected>'.encode() in page.content
    stranger = t.make_child("Sid", "Stranger")
    page = client_for(world.tom_teacher).get(reverse("concern-new") + f"?child={stranger.pk}", secure=True)
    assert page.status_code == 200 and b"Stranger" not in page.content
    page = client_for(world.tom_teacher).get(reverse("concern-new") + "?child=99999999999999999999", secure=True)
    assert page.status_code == 200


def test_a_linked_pupils_file_lists_the_concern_without_naming_the_other_child(world, client_for):
    from openics.core import testing as t
    from openics.safeguarding.actions import do_record_concern

    from .conftest import concern_data

    ben = t.make_child("Ben", "Linked")
    t.enrol(ben, world.school)
    concern = do_record_concern(
        world.amy, actor=world.tom_teacher, school=world.school, data=concern_data(), other_pupils=[ben]
    )
    assert list(concern.other_pupils.all()) == [ben]
    page = client_for(world.dee_dsl).get(reverse("child-concerns", args=[ben.pk]), secure=True)
    assert reverse("concern-detail", args=[concern.pk]).encode() in page.content
    assert b"Concerns about other pupils that name Ben Linked" in page.content
    section = page.content.split(b"Concerns about other pupils")[1]
    assert b"Amy" not in section
