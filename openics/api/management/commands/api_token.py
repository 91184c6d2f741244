"""Issue (or replace) the API token of a member of staff."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openics.core.admin_actions import API_TOKEN_DAYS, do_issue_api_token, do_revoke_api_tokens
from openics.core.models import User


class Command(BaseCommand):
    help = "Issue a new API token for a user, revoking any old one, and print it once (only its hash is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="Revoke the user's tokens instead.")
        parser.add_argument("--days", type=int, default=API_TOKEN_DAYS, help="How long the token lasts (1-366 days).")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError("No active user with that username.")
        if options["revoke"]:
            revoked = do_revoke_api_tokens(user, actor=None)
            self.stdout.write(f"{revoked} token(s) revoked.")
            return
        try:
            key = do_issue_api_token(user, actor=None, days=options["days"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        # Printed once: only its hash is kept.
        self.stdout.write(key)
