"""Which record types a child's authority uses, and the next steps a record
proposes.

A definition's `profiles = [...]` names the timescale profiles that offer it
(the Sussex procedures' initial and core assessments; England's single
assessment).  The profile is the one of the authority whose timescales
apply to the child (`records.deadlines.authority_for_child`).  When no
authority or profile is known nothing is withheld: a worker is never stopped
from recording because configuration is missing.

A definition's `[[proposes]]` tables suggest the records that usually come
next.  They are offered as links on the record's page, never required, and
only for record types the authority uses and the viewer may complete.
"""

from __future__ import annotations

from openics.core.access import staff_context
from openics.core.models import User
from openics.timescales.deadlines import setup_for
from openics.timescales.errors import TimescaleError

from .deadlines import authority_for_child
from .definitions import RecordDefinition, current_definitions
from .models import CaseRecord, RecordStatus

# A record proposes its next steps once it has been submitted: a draft's or a
# returned record's decision may still change.
PROPOSING_STATUSES = (RecordStatus.SUBMITTED, RecordStatus.ENDORSED)


def profile_name_for_child(child_id: int, actor: User) -> str | None:
    """The timescale profile of the child's authority, or None if none is known."""
    organisation = authority_for_child(child_id, actor)
    if organisation is None:
        return None
    try:
        return setup_for(organisation).profile.name
    except TimescaleError:
        # A nation with no default profile and no choice recorded.
        return None


def offered_definitions(child_id: int, actor: User) -> list[RecordDefinition]:
    """The current definitions the child's authority uses, in title order."""
    profile = profile_name_for_child(child_id, actor)
    return [d for d in current_definitions().values() if d.offered_in(profile)]


def not_offered_message(definition: RecordDefinition, child_id: int, actor: User) -> str | None:
    """Why `definition` cannot be started for this child, or None if it can."""
    profile = profile_name_for_child(child_id, actor)
    if definition.offered_in(profile):
        return None
    # The record types this profile offers in its place: those offered only
    # by some profiles (the assessments, today).
    alternatives = [d.title for d in current_definitions().values() if d.profiles and d.offered_in(profile)]
    message = (
        f"{_a(definition.title, capital=True)} is not used by this child's local authority (its timescales "
        f"follow the {profile} profile)."
    )
    if alternatives:
        message += f" Start {' or '.join(_a(title) for title in alternatives)} instead."
    return message


def _a(title: str, *, capital: bool = False) -> str:
    article = "an" if title[:1] in "AEIOU" else "a"
    return f"{article.capitalize() if capital else article} {title}"


def proposed_next_steps(record: CaseRecord, user: User) -> list[RecordDefinition]:
    """The record types `record` proposes that `user` could start for its
    child now: offered by the authority's profile, completed by one of the
    user's roles, in a part the user may write.  Needs `record.child._grant`
    (set by `access_child`)."""
    if record.status not in PROPOSING_STATUSES:
        return []
    kinds = record.definition.proposed_kinds(record.data)
    if not kinds:
        return []
    grant = getattr(record.child, "_grant", None)
    if grant is None or not grant.writable:
        return []
    roles = staff_context(user).roles
    definitions = current_definitions()
    profile = profile_name_for_child(record.child_id, user)
    steps: list[RecordDefinition] = []
    for kind in kinds:
        definition = definitions.get(kind)
        if definition is None:
            continue
        if not definition.offered_in(profile):
            continue
        if not definition.may_complete(roles):
            continue
        if definition.part not in grant.parts:
            continue
        steps.append(definition)
    return steps
