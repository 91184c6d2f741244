"""API permissions that are about the user's role, not about one child.

Access to a child is decided by `access_child` in every view, never here:
these classes only answer "may this role use this kind of operation".
"""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from openics.core.access import staff_context
from openics.core.models import User


class ReadOrSystemAdministrator(permissions.BasePermission):
    """Signed-in staff may read the directory; only a system administrator
    may change organisations, teams and staff."""

    message = "Only a system administrator can change organisations, teams and staff."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        assert isinstance(user, User)
        return staff_context(user).is_sysadmin
