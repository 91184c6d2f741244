"""`openics demo --children N --seed S`: load a synthetic local authority."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openics.core.models import Organisation, Person
from openics.demo import demo_password, generate


class Command(BaseCommand):
    help = "Load synthetic demo data (a council, its staff, schools, partners and families) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, default=300, help="How many children (default 300).")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same data (default 1).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing, successfully, if the database already holds people."
        )
        parser.add_argument(
            "--long-history",
            type=int,
            default=150,
            metavar="ENTRIES",
            help=(
                "Make the first child one known for years, with this many manual chronology entries, allocated "
                "to the first social worker (default 150; 0 for none)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        children: int = options["children"]
        if children < 1:
            raise CommandError("--children must be at least 1")
        if options["long_history"] < 0:
            raise CommandError("--long-history cannot be negative")
        # The demo's identifiers (LA code, URNs, usernames) would clash with
        # existing rows, and the same seed must give the same data: so only
        # into an empty database.
        for model, what in ((Person, "people"), (Organisation, "organisations")):
            if model.objects.exists():
                if options["if_empty"]:
                    self.stdout.write(f"The database already holds {what}: demo data not loaded.")
                    return
                raise CommandError(f"The database already holds {what}. Load demo data only into an empty database.")
        verbose = options["verbosity"] > 1
        result = generate(
            children=children,
            seed=options["seed"],
            demo_mode=settings.DEMO_MODE,
            long_history=options["long_history"],
            progress=(lambda message: self.stdout.write(message)) if verbose else None,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.children} children ({result.people} people), {result.users} staff and "
                f"{result.organisations} organisations with seed {result.seed} in {result.seconds:.1f} s."
            )
        )
        if settings.DEMO_MODE:
            self.stdout.write(
                f"Demo mode: every demo member of staff signs in with the password {demo_password(result.seed)!r}. "
                "`openics demo_logins` lists one user per role."
            )
        else:
            self.stdout.write("Not in demo mode (OPENICS_DEMO is off): the staff have no usable passwords.")
