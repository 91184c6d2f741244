"""Episode routes in the permission matrix (see openics/route_matrix.py).

The list of children subject to a plan is open to everyone signed in and
lists only the plans of children whose social care record the user's
grounds open; a child's episodes are for those who may read her social
care record (Sam, Tara, Pat and Sean for Amy).
"""

from __future__ import annotations

from openics.route_matrix import SIGNED_IN, Case, ok_for

SOCIAL_CARE_READERS = ("sam_sw", "tara_ta", "pat_pm", "sean_sm")
ANON = 401

ROUTES: dict[str, list[Case]] = {
    "cp-plans": [
        Case(expect=ok_for(SIGNED_IN)),
        Case(query="category=NEG", expect=ok_for(SIGNED_IN)),
        # Bad filter input: the form's error, never a server error.
        Case(query="team=not-a-team&category=XYZ", expect=ok_for(SIGNED_IN)),
    ],
    "cp-plans-csv": [Case(expect=ok_for(SIGNED_IN)), Case(query="category=PHY", expect=ok_for(SIGNED_IN))],
    "api-cp-plan-list": [
        Case(expect=ok_for(SIGNED_IN), anonymous=ANON),
        Case(query="category=NEG", expect=ok_for(SIGNED_IN), anonymous=ANON),
        Case(query="team=not-a-team", expect=ok_for(SIGNED_IN, 400), anonymous=ANON),
    ],
    "api-child-episodes-list": [Case(kwargs={"child_id": "amy"}, expect=ok_for(SOCIAL_CARE_READERS), anonymous=ANON)],
}
