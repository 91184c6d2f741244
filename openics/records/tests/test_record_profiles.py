"""Record types offered by the authority's timescale profile: the Sussex
procedures' initial and core assessments, England's single assessment.  The
start page lists only those; starting another by URL or API is refused with
a clear message, never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from openics.records.actions import RecordRefused, do_start_record
from openics.records.definitions import DefinitionError, get_definition, parse_definition_text
from openics.records.models import CaseRecord
from openics.records.offers import offered_definitions
from openics.timescales.actions import do_set_authority_timescales

pytestmark = pytest.mark.django_db

SUSSEX_ONLY = {"initial-assessment", "core-assessment"}
ELSEWHERE = {"single-assessment"}


def _sussex(world: Any) -> None:
    do_set_authority_timescales(world.la, profile="sussex-ics", nation="ENG", acting_user=None)


def _start_page_kinds(client: Any, world: Any) -> str:
    response = client.get(reverse("record-start", args=[world.amy.pk]), secure=True)
    assert response.status_code == 200
    return response.content.decode()


def test_the_definitions_say_which_profiles_offer_them() -> None:
    assert get_definition("initial-assessment").profiles == {"sussex-ics"}
    assert get_definition("core-assessment").profiles == {"sussex-ics"}
    assert get_definition("single-assessment").profiles == {"england", "wales", "scotland"}
    # Absent: every profile.
    assert get_definition("referral").profiles == frozenset()
    assert get_definition("referral").offered_in("sussex-ics")
    assert not get_definition("initial-assessment").offered_in("england")
    # No profile known: nothing withheld.
    assert get_definition("initial-assessment").offered_in(None)


def test_an_england_start_page_offers_the_single_assessment(world: Any, client_for: Any) -> None:
    page = _start_page_kinds(client_for(world.sam_sw), world)
    assert 'value="single-assessment"' in page
    assert 'value="referral"' in page
    for kind in SUSSEX_ONLY:
        assert f'value="{kind}"' not in page


def test_a_sussex_start_page_offers_the_initial_and_core_assessments(world: Any, client_for: Any) -> None:
    _sussex(world)
    page = _start_page_kinds(client_for(world.sam_sw), world)
    for kind in SUSSEX_ONLY:
        assert f'value="{kind}"' in page
    assert 'value="single-assessment"' not in page
    assert 'value="icpc"' in page


def test_starting_a_kind_the_profile_does_not_use_by_url_is_refused_clearly(world: Any, client_for: Any) -> None:
    response = client_for(world.sam_sw).post(
        reverse("record-start", args=[world.amy.pk]), {"kind": "initial-assessment"}, secure=True
    )
    assert response.status_code == 400
    assert "This record type is not used by the child&#x27;s local authority" in response.content.decode()
    assert not CaseRecord.objects.filter(child=world.amy).exists()


def test_starting_a_kind_the_profile_does_not_use_by_api_is_refused_clearly(world: Any, client_for: Any) -> None:
    _sussex(world)
    response = client_for(world.sam_sw).post(
        reverse("api-child-record-list", args=[world.amy.pk]),
        {"kind": "single-assessment"},
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "A Child and Family Assessment is not used by this child's local authority (its timescales follow "
        "the sussex-ics profile). Start a Core Assessment Record or an Initial Assessment Record instead."
    )
    assert not CaseRecord.objects.filter(child=world.amy).exists()
    # The kind it does use starts.
    response = client_for(world.sam_sw).post(
        reverse("api-child-record-list", args=[world.amy.pk]),
        {"kind": "initial-assessment"},
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 201


def test_the_action_refuses_too(world: Any) -> None:
    with pytest.raises(RecordRefused) as refused:
        do_start_record(world.amy, actor=world.sam_sw, kind="core-assessment")
    assert refused.value.status == 400
    assert refused.value.message.startswith("A Core Assessment Record is not used by this child's local authority")
    assert "Start a Child and Family Assessment instead." in refused.value.message


def test_offered_definitions_follow_the_profile(world: Any) -> None:
    england = {d.kind for d in offered_definitions(world.amy.pk, world.sam_sw)}
    assert "single-assessment" in england and not england & SUSSEX_ONLY
    _sussex(world)
    sussex = {d.kind for d in offered_definitions(world.amy.pk, world.sam_sw)}
    assert sussex >= SUSSEX_ONLY and not sussex & ELSEWHERE


def test_an_unknown_profile_is_refused_by_the_loader() -> None:
    text = """
kind = "note"
version = 1
title = "Note"
part = "social_care"
completed_by = ["sw"]
endorsement = "none"
profiles = ["sussex"]

[[sections]]
title = "Note"

[[sections.fields]]
name = "detail"
label = "Detail"
type = "longtext"
"""
    with pytest.raises(DefinitionError) as error:
        parse_definition_text(text, "note.toml")
    assert "note.toml: 'profiles' has unknown profile(s): sussex; use: england, scotland, sussex-ics, wales" in str(
        error.value
    )
    with pytest.raises(DefinitionError, match="must be a non-empty list"):
        parse_definition_text(text.replace('profiles = ["sussex"]', "profiles = []"), "note.toml")
