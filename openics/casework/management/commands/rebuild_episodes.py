"""`openics rebuild_episodes [--child ID]`: derive episodes again from the records.

Episodes are rebuilt whenever a record moves, so this is for after an
import, a change to the derivation rules, or a repair.  Each child is
rebuilt in its own transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from openics.core.models import Person
from openics.records.models import CaseRecord

from ...derive import KINDS, rebuild_child_episodes
from ...models import CINEpisode, CPEpisode


class Command(BaseCommand):
    help = "Rebuild children's CIN episodes and CP plans from their case records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--child", type=int, metavar="ID", help="one child only (the person's id)")

    def handle(self, *args: Any, **options: Any) -> None:
        child_id = options.get("child")
        if child_id is not None:
            if not Person.objects.filter(pk=child_id).exists():
                raise CommandError(f"There is no person with id {child_id}.")
            child_ids = [child_id]
        else:
            # Children with records episodes are made of, and children who
            # have episodes now (their records may no longer give any).
            ids = set(CaseRecord.objects.filter(kind__in=KINDS).values_list("child_id", flat=True).distinct())
            ids |= set(CINEpisode.objects.values_list("child_id", flat=True).distinct())
            ids |= set(CPEpisode.objects.values_list("child_id", flat=True).distinct())
            child_ids = sorted(ids)
        cin_total = cp_total = 0
        for pk in child_ids:
            with transaction.atomic():
                cins, cps = rebuild_child_episodes(pk)
            cin_total += len(cins)
            cp_total += len(cps)
        self.stdout.write(
            f"Rebuilt {len(child_ids)} children: {cin_total} CIN episodes, {cp_total} child protection plans."
        )
