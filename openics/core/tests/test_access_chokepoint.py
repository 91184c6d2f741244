"""Every branch of the access chokepoint, one persona at a time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from openics.core import actions
from openics.core.access import access_child, grant_for
from openics.core.models import AuditEvent, Involvement, InvolvementKind, LawfulBasis, Person
from openics.core.roles import Part

pytestmark = pytest.mark.django_db


def visible(user, child: Person) -> bool:
    return Person.objects.visible_to(user).filter(pk=child.pk).exists()


def test_allocated_worker_sees_and_writes(world):
    child = access_child(world.sam_sw, world.amy.pk, for_write=True, part=Part.SOCIAL_CARE)
    assert child._grant.bases == ("allocated_worker", "allocated_team")
    assert visible(world.sam_sw, world.amy)


def test_team_member_sees_through_team(world):
    grant = grant_for(world.tara_ta, world.amy)
    assert grant is not None and grant.bases == ("allocated_team",)


def test_manager_of_team_and_manager_above_see(world):
    assert "team_manager" in grant_for(world.pat_pm, world.amy).bases
    assert grant_for(world.sean_sm, world.amy).bases == ("team_manager",)


def test_worker_in_another_team_gets_404_and_the_denial_is_audited(world):
    with pytest.raises(Http404):
        access_child(world.olu_other, world.amy.pk)
    denial = AuditEvent.objects.get(user_id=world.olu_other.pk, outcome="denied")
    assert denial.child_id == world.amy.pk
    assert not visible(world.olu_other, world.amy)


def test_missing_and_forbidden_look_the_same(world):
    with pytest.raises(Http404):
        access_child(world.sam_sw, 999_999)
    assert AuditEvent.objects.filter(child_id=999_999, outcome="denied").count() == 1


def test_iro_sees_only_as_iro_of_the_child(world):
    assert grant_for(world.iris_iro, world.amy) is None
    Involvement.objects.create(child=world.amy, kind=InvolvementKind.IRO, organisation=world.la, worker=world.iris_iro)
    assert grant_for(world.iris_iro, world.amy).bases == ("iro",)


def test_dsl_of_the_childs_school_sees_school_parts_not_social_care(world):
    grant = grant_for(world.dee_dsl, world.amy)
    assert grant.can_see(Part.SCHOOL_SAFEGUARDING)
    assert not grant.can_see(Part.SOCIAL_CARE)
    with pytest.raises(Http404):
        access_child(world.dee_dsl, world.amy.pk, part=Part.SOCIAL_CARE)


def test_dsl_of_another_school_sees_nothing(world):
    assert grant_for(world.oscar_dsl, world.amy) is None
    assert not visible(world.oscar_dsl, world.amy)


def test_enrolment_that_ended_gives_no_access(world):
    world.amy.enrolments.update(ended_on=timezone.localdate() - dt.timedelta(days=1))
    assert grant_for(world.dee_dsl, world.amy) is None


def test_school_staff_see_identity_only_and_cannot_write(world):
    grant = grant_for(world.tom_teacher, world.amy)
    assert grant.parts == frozenset({Part.CORE})
    with pytest.raises(Http404):
        access_child(world.tom_teacher, world.amy.pk, for_write=True)


def test_partner_sees_only_what_was_shared_while_the_share_lives(world):
    assert grant_for(world.nina_nurse, world.amy) is None
    share = actions.do_share(
        world.amy,
        actor=world.sam_sw,
        parts=[Part.HEALTH],
        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        reason="Health visitor needs the plan",
        expires_at=timezone.now() + dt.timedelta(days=30),
        organisation=world.health,
    )
    grant = grant_for(world.nina_nurse, world.amy)
    assert grant.parts == frozenset({Part.CORE, Part.HEALTH})
    assert not grant.writable
    actions.do_revoke_share(share, actor=world.sam_sw)
    assert grant_for(world.nina_nurse, world.amy) is None


def test_restricted_record_only_for_allow_list(world):
    actions.do_restrict(world.amy, actor=world.pat_pm, category="high_risk", review_on=None, allow=[])
    world.amy.refresh_from_db()
    assert grant_for(world.pat_pm, world.amy).bases == ("allow_list",)
    assert grant_for(world.sam_sw, world.amy) is None
    assert not visible(world.sam_sw, world.amy)


def test_break_glass_opens_a_restricted_record_and_alerts_managers(world):
    actions.do_restrict(world.amy, actor=world.pat_pm, category="high_risk", review_on=None, allow=[])
    world.amy.refresh_from_db()
    grant = actions.do_break_glass(world.amy, actor=world.olu_other, reason="Out-of-hours emergency call")
    assert grant_for(world.olu_other, world.amy).bases == ("break_glass",)
    # The service manager manages the team above Olu's: alerted, with an email queued.
    assert world.sean_sm.notifications.count() == 1
    grant.expires_at = timezone.now() - dt.timedelta(seconds=1)
    grant.save(update_fields=["expires_at"])
    assert grant_for(world.olu_other, world.amy) is None


def test_school_staff_cannot_break_glass(world):
    actions.do_restrict(world.amy, actor=world.pat_pm, category="high_risk", review_on=None, allow=[])
    world.amy.refresh_from_db()
    actions.do_break_glass(world.amy, actor=world.tom_teacher, reason="curious")
    assert grant_for(world.tom_teacher, world.amy) is None


def test_sysadmin_sees_no_child(world):
    assert grant_for(world.ada_admin, world.amy) is None


def test_disabled_user_sees_nothing(world):
    world.sam_sw.is_active = False
    world.sam_sw.save()
    assert grant_for(world.sam_sw, world.amy) is None
    assert not visible(world.sam_sw, world.amy)


def test_ended_allocation_ends_access(world):
    world.amy.involvements.update(ended_on=timezone.localdate())
    assert grant_for(world.sam_sw, world.amy) is None


@pytest.mark.parametrize("child_id", ["9" * 25, "-3", "0", "abc"])
def test_impossible_ids_are_missing_not_errors(world, client_for, child_id):
    with pytest.raises(Http404):
        access_child(world.sam_sw, child_id)
    if child_id.isdigit() and len(child_id) > 18:
        assert AuditEvent.objects.filter(object_id=child_id, outcome="denied").exists()
        # Through a page as well: 404, never a server error.
        assert client_for(world.sam_sw).get(f"/children/{child_id}/").status_code == 404
