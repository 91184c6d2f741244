"""Deadline routes in the permission matrix (see openics/route_matrix.py).

A child's deadlines page is open to whoever may see the child; it lists
only the deadlines in the parts of the record their grounds open (the
school's DSL and teacher see the page, without the social care deadlines).
"""

from __future__ import annotations

from openics.route_matrix import AMY_READERS, Case, ok_for

ROUTES: dict[str, list[Case]] = {
    "child-deadlines": [Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_READERS))],
}
