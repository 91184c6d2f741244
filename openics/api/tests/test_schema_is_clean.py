"""The OpenAPI schema generates without warnings: every component and enum
has one unambiguous name, so clients generated from it are stable.  (The
deploy check fails on the same warnings; this catches them in `make test`.)"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_schema_generates_and_validates_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target), "--validate", "--fail-on-warn", stderr=StringIO())
    assert target.read_text().startswith("openapi: 3")
