"""A canonical dump of the demo data: what the same seed must reproduce.

Primary keys and timestamps differ between loads, so rows are named by
natural keys (a person by LA ID, name and date of birth; staff by username)
and sorted.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models

from openics.core.models import (
    Address,
    ChronologyEntry,
    Enrolment,
    Involvement,
    Organisation,
    Person,
    Relationship,
    RoleAssignment,
    Share,
    Team,
    User,
)

PERSON_FIELDS = (
    "is_child",
    "la_child_id",
    "first_name",
    "last_name",
    "known_as",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "religion",
    "first_language",
    "upn",
    "upn_unknown_reason",
    "nhs_number",
    "phone",
    "restriction",
)


def _rows(values: Any) -> list[list[Any]]:
    return sorted(([str(v) if v is not None else "" for v in row] for row in values), key=lambda r: r)


def canonical_snapshot() -> dict[str, list[list[Any]]]:
    """Every demo table as sorted rows of natural values."""
    from openics.meetings.models import Meeting
    from openics.plans.models import LevelOfNeed, PlanReview, PlanVersion
    from openics.records.models import CaseRecord
    from openics.timescales.models import Deadline

    people: dict[int, str] = {}
    person_rows = []
    for pk, *values in Person.objects.values_list("pk", *PERSON_FIELDS).iterator(chunk_size=5000):
        people[pk] = "|".join(str(v) for v in values[1:6])
        person_rows.append(values)
    users = dict(User.objects.values_list("pk", "username"))
    orgs = dict(Organisation.objects.values_list("pk", "name"))
    teams = dict(Team.objects.values_list("pk", "name"))
    return {
        "people": _rows(person_rows),
        "relationships": _rows(
            (people[c], people[p], kind, pr, lives, ec, start, end)
            for c, p, kind, pr, lives, ec, start, end in Relationship.objects.values_list(
                "child",
                "person",
                "kind",
                "parental_responsibility",
                "lives_with_child",
                "emergency_contact_order",
                "started_on",
                "ended_on",
            ).iterator(chunk_size=5000)
        ),
        "addresses": _rows(
            (people[p], *rest)
            for p, *rest in Address.objects.values_list(
                "person", "line1", "town", "postcode", "moved_in", "moved_out"
            ).iterator(chunk_size=5000)
        ),
        "involvements": _rows(
            (people[c], kind, orgs[o], teams.get(t, ""), users.get(w, ""), start, end)
            for c, kind, o, t, w, start, end in Involvement.objects.values_list(
                "child", "kind", "organisation", "team", "worker", "started_on", "ended_on"
            ).iterator(chunk_size=5000)
        ),
        "enrolments": _rows(
            (people[c], orgs[s], start, end)
            for c, s, start, end in Enrolment.objects.values_list("child", "school", "started_on", "ended_on")
        ),
        "chronology": _rows(
            (people[c], *rest)
            for c, *rest in ChronologyEntry.objects.values_list(
                "child", "occurred_on", "kind", "summary", "source", "significance", "part"
            ).iterator(chunk_size=5000)
        ),
        "shares": _rows(
            (people[c], orgs.get(o, ""), lb)
            for c, o, lb in Share.objects.values_list("child", "organisation", "lawful_basis")
        ),
        "organisations": _rows(Organisation.objects.values_list("name", "kind", "urn", "dfe_la_code", "ons_code")),
        "staff": _rows(
            (users[u], role, orgs[o], teams.get(t, ""))
            for u, role, o, t in RoleAssignment.objects.values_list("user", "role", "organisation", "team")
        ),
        "users": _rows(User.objects.values_list("username", "first_name", "last_name", "email", "job_title")),
        # Social care records (the "records" demo extension) and the deadlines they started.
        "case_records": _rows(
            (
                people[c],
                kind,
                st,
                ed,
                users[by],
                users.get(sb, ""),
                users.get(eb, ""),
                sa,
                ea,
                json.dumps(data, sort_keys=True),
            )
            for c, kind, st, ed, by, sb, eb, sa, ea, data in CaseRecord.objects.values_list(
                "child",
                "kind",
                "status",
                "edition",
                "created_by",
                "submitted_by",
                "endorsed_by",
                "submitted_at",
                "endorsed_at",
                "data",
            ).iterator(chunk_size=5000)
        ),
        "deadlines": _rows(
            (people[c], *rest)
            for c, *rest in Deadline.objects.values_list(
                "child", "rule_id", "trigger_date", "due_date", "met_on", "late_reason"
            ).iterator(chunk_size=5000)
        ),
        # Plans and meetings (the "records.plans" and "records.plans.meetings"
        # extensions); content keys are random UUIDs, so only its aim.
        "plan_versions": _rows(
            (people[c], pt, ps, start, end, nr, n, st, users[by], users.get(ab, ""), users.get(eb, ""), on, aim)
            for c, pt, ps, start, end, nr, n, st, by, ab, eb, on, aim in PlanVersion.objects.values_list(
                "plan__child",
                "plan__plan_type",
                "plan__status",
                "plan__started_on",
                "plan__ended_on",
                "plan__next_review_on",
                "number",
                "status",
                "created_by",
                "agreed_by",
                "endorsed_by",
                "agreed_on",
                "content__aim",
            )
        ),
        "plan_reviews": _rows(
            (people[c], *rest)
            for c, *rest in PlanReview.objects.values_list(
                "plan__child", "plan__plan_type", "review_date", "decision", "next_review_on"
            )
        ),
        "levels_of_need": _rows(
            (people[c], *rest) for c, *rest in LevelOfNeed.objects.values_list("child", "level", "stage", "decided_on")
        ),
        "meetings": _rows(
            (people[c], kind, status, starts, users.get(chair, ""), n)
            for c, kind, status, starts, chair, n in Meeting.objects.annotate(
                n=models.Count("participants")
            ).values_list("child", "kind", "status", "starts_at", "chair", "n")
        ),
    }


def digest(snapshot: dict[str, list[list[Any]]]) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()
