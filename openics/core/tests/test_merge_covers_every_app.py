"""Nothing is lost in a merge: every model that points at a person either
follows the child to the kept record (and back on an unmerge) or is left
out for a stated reason."""

from __future__ import annotations

import pytest
from django.apps import apps

from openics.core.actions import do_merge_people, do_unmerge_people, merge_models
from openics.core.models import Person
from openics.records.actions import do_save_draft, do_start_record, do_submit
from openics.records.models import CaseRecord

# (model, field) -> why a merge leaves it where it is.
LEFT_OUT = {
    ("core.Person", "merged_into"): "the merge's own link",
    ("core.PersonMerge", "survivor"): "the merge record",
    ("core.PersonMerge", "duplicate"): "the merge record",
    ("core.RestrictionAllow", "child"): "a restricted record's allow-list is decided for that record",
    ("core.BreakGlassGrant", "child"): "emergency access to one record is not access to another",
    ("casework.CINEpisode", "child"): "derived from the records: rebuilt after a merge",
    ("casework.CPEpisode", "child"): "derived from the records: rebuilt after a merge",
    ("retention.RetentionReview", "child"): "a review is of the rows as they stood; the next run reviews afresh",
}


def _person_links() -> set[tuple[str, str]]:
    links = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (field.many_to_one or field.one_to_one) and field.concrete and field.related_model is Person:
                links.add((model._meta.label, field.name))
    return links


def test_every_link_to_a_person_moves_or_is_left_out_for_a_reason():
    moved = set(merge_models().values())
    links = _person_links()
    assert links - moved - set(LEFT_OUT) == set(), "register these with openics.core.actions.register_merge_model"
    assert set(LEFT_OUT) & moved == set()
    assert set(LEFT_OUT) <= links, "LEFT_OUT names a link that no longer exists"


@pytest.mark.django_db
def test_a_duplicates_case_records_and_episodes_follow_the_merge_and_come_back(world):
    from openics.casework.models import CINEpisode
    from openics.core import testing as t

    duplicate = t.make_child("Amy", "Example")
    t.allocate(duplicate, world.north, world.sam_sw)
    referral = do_start_record(duplicate, actor=world.sam_sw, kind="referral")
    referral = do_save_draft(
        referral,
        actor=world.sam_sw,
        data={
            "referral_date": "2026-11-02",
            "referral_source": "1A",
            "reason": "Concerns from school",
            "decision": "assessment",
            "decision_date": "2026-11-02",
        },
        expected_version=referral.version,
    )
    do_submit(referral, actor=world.sam_sw, late_reason="Entered after the event")
    assert CINEpisode.objects.filter(child=duplicate).count() == 1

    merge = do_merge_people(world.amy, actor=world.pat_pm, duplicate=duplicate, reason="Same child")
    assert CaseRecord.objects.get(pk=referral.pk).child_id == world.amy.pk
    assert CINEpisode.objects.filter(child=world.amy).count() == 1
    assert not CINEpisode.objects.filter(child=duplicate).exists()

    do_unmerge_people(merge, actor=world.ada_admin, reason="Different children after all")
    assert CaseRecord.objects.get(pk=referral.pk).child_id == duplicate.pk
    assert CINEpisode.objects.filter(child=duplicate).count() == 1
    assert not CINEpisode.objects.filter(child=world.amy).exists()


@pytest.mark.django_db
def test_a_row_that_would_clash_stays_with_the_duplicate(world):
    import datetime as dt

    from openics.core import testing as t
    from openics.schools.models import AttendanceMark

    duplicate = t.make_child("Amy", "Example")
    day = dt.date(2026, 11, 2)

    def mark(child, session, code):  # type: ignore[no-untyped-def]
        return AttendanceMark.objects.create(
            school=world.school, child=child, date=day, session=session, code=code, recorded_by=world.dee_dsl
        )

    mine = mark(world.amy, "AM", "/")
    clash = mark(duplicate, "AM", "N")
    other = mark(duplicate, "PM", "\\\\")
    merge = do_merge_people(world.amy, actor=world.pat_pm, duplicate=duplicate, reason="Same child")
    assert AttendanceMark.objects.get(pk=other.pk).child_id == world.amy.pk
    assert AttendanceMark.objects.get(pk=clash.pk).child_id == duplicate.pk
    assert AttendanceMark.objects.get(pk=mine.pk).child_id == world.amy.pk
    assert merge.moved["attendance_marks"] == [other.pk]
