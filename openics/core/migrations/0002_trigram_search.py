"""Trigram search on names, on PostgreSQL only (SQLite has no pg_trgm)."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS core_person_last_name_trgm ON core_person USING gin (last_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS core_person_first_name_trgm ON core_person USING gin (first_name gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS core_person_first_name_trgm",
    "DROP INDEX IF EXISTS core_person_last_name_trgm",
]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
