"""Write the labels of the record definitions and plan types to
`openics/web/definition_strings.py`, where xgettext finds them.

`make messages` runs this before extracting the strings; run it yourself
after changing a TOML file (a test fails until you do).  `--check` only says
whether the module is up to date, for CI.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openics.web.labels import GENERATED_MODULE, definition_labels, generated_labels, render_module


class Command(BaseCommand):
    help = "Regenerate openics/web/definition_strings.py from the record definitions and plan types."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if the module is out of date; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        labels = definition_labels()
        source = render_module(labels)
        current = GENERATED_MODULE.read_text(encoding="utf-8") if GENERATED_MODULE.exists() else ""
        if options["check"]:
            # What xgettext would read, not the layout: a reformatted module still counts.
            if generated_labels(current) != labels:
                raise CommandError(f"{GENERATED_MODULE.name} is out of date: run `openics definition_strings`")
            self.stdout.write(f"{GENERATED_MODULE.name} is up to date ({len(labels)} labels)")
            return
        if current != source:
            GENERATED_MODULE.write_text(source, encoding="utf-8")
        self.stdout.write(f"{GENERATED_MODULE.name}: {len(labels)} labels")
