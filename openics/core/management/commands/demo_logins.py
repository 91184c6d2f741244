"""`openics demo_logins`: one demo user per role, with the demo password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from openics.core.models import AuditEvent, RoleAssignment
from openics.core.roles import Role
from openics.demo import demo_password


class Command(BaseCommand):
    help = "Print one demo user per role with the demo password (demo mode only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo logins exist only in demo mode. Set OPENICS_DEMO=1 (never on a live system) and load "
                "the demo with `openics demo`."
            )
        # The load's summary event names the seed, and so the password.
        loaded = AuditEvent.objects.filter(action="demo.loaded").order_by("-id").first()
        if loaded is None:
            raise CommandError("No demo data has been loaded. Run `openics demo` first.")
        if not loaded.detail.get("demo_mode"):
            raise CommandError("The demo data was loaded outside demo mode: its staff have no usable passwords.")
        password = demo_password(int(loaded.detail["seed"]))
        # The first-created user of each role: the social worker is the one
        # with the long-history child, when the demo has one.
        firsts: dict[str, RoleAssignment] = {}
        for assignment in (
            RoleAssignment.objects.filter(ended_on__isnull=True, user__is_active=True)
            .select_related("user", "team", "organisation")
            .order_by("user_id")
        ):
            firsts.setdefault(assignment.role, assignment)
        self.stdout.write(f"Demo sign-ins (password for all: {password}):")
        width = max((len(a.user.username) for a in firsts.values()), default=10)
        for role in Role:
            first = firsts.get(role)
            if first is None:
                self.stdout.write(f"  {role.label}: none")
                continue
            where = first.team or first.organisation
            self.stdout.write(f"  {first.user.username:<{width}}  {password}  {role.label}, {where}")
