"""Compile the .po catalogs to .mo without GNU gettext.

The compiled files are committed (as Django does), so `make run` needs no
gettext tools; `make messages` runs this after extracting the strings, and a
test checks that every committed .mo matches its .po.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogs() -> list[Path]:
    found: list[Path] = []
    for root in settings.LOCALE_PATHS:
        found.extend(sorted(Path(root).glob("*/LC_MESSAGES/*.po")))
    return found


class Command(BaseCommand):
    help = "Compile every .po catalog under LOCALE_PATHS to its .mo file."

    def handle(self, *args: Any, **options: Any) -> None:
        for po_path in catalogs():
            catalog = polib.pofile(str(po_path))
            catalog.save_as_mofile(str(po_path.with_suffix(".mo")))
            self.stdout.write(f"{po_path.parent.parent.name}: {catalog.percent_translated()}% translated")
