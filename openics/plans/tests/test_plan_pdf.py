"""The family copy of a plan: a plain-language PDF in English, Welsh or Polish."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from openics.core.models import AuditEvent, Person, Relationship, RelationshipKind
from openics.plans.pdf import language_code, preferred_language
from openics.plans.tests.factories import agreed_plan
from openics.safeguarding.tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

AGREED = dt.date(2026, 3, 2)


def _plan(world: Any, plan_type: str = "stage2-action-plan") -> Any:
    return agreed_plan(
        world.amy, world.sam_sw, plan_type, agreed_on=AGREED, next_review_on=AGREED + dt.timedelta(days=60)
    )


def _pdf(client: Any, version: Any, lang: str = "") -> Any:
    url = reverse("plan-version-pdf", args=[version.pk]) + (f"?lang={lang}" if lang else "")
    return client.get(url, secure=True)


def test_the_plan_prints_in_plain_english_with_every_section(world: Any, client_for: Any) -> None:
    _plan_row, version = _plan(world)
    response = _pdf(client_for(world.sam_sw), version, "en-gb")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "OFFICIAL-SENSITIVE" in text
    assert "The plan for Amy Example" in text
    for heading in (
        "What we all want",
        "What we are worried about",
        "What needs to happen",
        "Who will do what, and when",
        "How we will know it is working",
        "Who to contact about the plan",
        "If things don't get better",
        "What you told us",
        "Who agreed the plan",
        "Next review",
    ):
        assert heading in text, heading
    # Free text from every section, as written.
    for written in (
        "Amy is safe, settled at school and her needs are met at home.",
        "Speech delay",
        "Amy attends school every day",
        "Attendance above 95%",
        "Weekly family support sessions",
        "Monthly",
        "Sam Social Worker",
        "If attendance falls, a multi-agency meeting within a week.",
        "I like school",
        "Mother",
    ):
        assert written in text, written
    assert "1 May 2026" in text  # the next review, 60 days after 2 March
    assert "Beth sydd angen digwydd" not in text
    assert AuditEvent.objects.filter(
        action="export", object_id=str(version.pk), detail__format="pdf", detail__language="en-gb"
    ).exists()


def test_the_plan_prints_in_welsh_with_the_free_text_unchanged(world: Any, client_for: Any) -> None:
    _plan_row, version = _plan(world)
    text = pdf_text(_pdf(client_for(world.sam_sw), version, "cy").content)
    assert "Y cynllun ar gyfer Amy Example" in text
    assert "Beth sydd angen digwydd" in text
    assert "Beth rydyn ni'n poeni amdano" in text
    assert "Os nad yw pethau'n gwella" in text
    assert "Adolygiad nesaf" in text
    assert "What needs to happen" not in text
    # What people wrote is printed as they wrote it, and dates are in Welsh.
    assert "Amy attends school every day" in text
    assert "If attendance falls, a multi-agency meeting within a week." in text
    assert "Mai 2026" in text


def test_the_plan_prints_in_polish(world: Any, client_for: Any) -> None:
    _plan_row, version = _plan(world)
    text = pdf_text(_pdf(client_for(world.sam_sw), version, "pl").content)
    assert "Co musi się wydarzyć" in text
    assert "Kolejny przegląd" in text
    assert "Amy attends school every day" in text


def test_the_language_defaults_to_the_main_carers_then_the_childs(world: Any, client_for: Any) -> None:
    _plan_row, version = _plan(world)
    assert preferred_language(world.amy) == "en-gb"
    mum = Person.objects.create(first_name="Gwen", last_name="Example", first_language="Cymraeg")
    Relationship.objects.create(
        child=world.amy, person=mum, kind=RelationshipKind.MOTHER, lives_with_child=True, parental_responsibility=True
    )
    assert preferred_language(world.amy) == "cy"
    text = pdf_text(_pdf(client_for(world.sam_sw), version).content)
    assert "Beth sydd angen digwydd" in text
    # The user may choose another language.
    assert "What needs to happen" in pdf_text(_pdf(client_for(world.sam_sw), version, "en-gb").content)
    # No carer language we print in: the child's own.
    mum.first_language = "English"
    mum.save(update_fields=["first_language"])
    world.amy.first_language = "Polish"
    world.amy.save(update_fields=["first_language"])
    assert preferred_language(world.amy) == "pl"
    assert [language_code(x) for x in ("Welsh", " polski ", "French", "")] == ["cy", "pl", None, None]


def test_another_team_and_the_school_teacher_get_404(world: Any, client_for: Any) -> None:
    _plan_row, version = _plan(world)
    for user in (world.olu_other, world.tom_teacher, world.nina_nurse):
        assert _pdf(client_for(user), version).status_code == 404
        assert client_for(user).get(reverse("plan-version-copies", args=[version.pk]), secure=True).status_code == 404
    # A social care plan is not printed for the school's DSL either.
    _cin, cin_version = _plan(world, "cin-plan")
    assert _pdf(client_for(world.dee_dsl), cin_version).status_code == 404
    assert _pdf(client_for(world.dee_dsl), version).status_code == 200


def test_an_old_sign_in_confirms_before_the_pdf(world: Any, client_for: Any) -> None:
    import time

    from openics.core.middleware import SIGNED_IN_AT

    _plan_row, version = _plan(world)
    client = client_for(world.sam_sw)
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 3600
    session.save()
    response = _pdf(client, version)
    assert response.status_code == 302 and response["Location"].startswith(reverse("confirm-identity"))


def test_a_draft_is_not_printed_for_the_family(world: Any, client_for: Any) -> None:
    from openics.plans.actions import do_start_plan

    plan = do_start_plan(world.amy, actor=world.sam_sw, plan_type="stage2-action-plan")
    response = _pdf(client_for(world.sam_sw), plan.versions.get())
    assert response.status_code == 409
    assert "only an agreed plan is copied to the family" in response.content.decode()
