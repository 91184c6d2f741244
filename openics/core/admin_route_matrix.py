"""Administration routes in the permission matrix (see openics/route_matrix.py)."""

from openics.route_matrix import Case

ROUTES: dict[str, list[Case]] = {}
