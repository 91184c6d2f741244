"""The issue's must-show: `openics demo --children 1000 --seed 1` into two
empty PostgreSQL databases gives the same people.

    .venv/bin/python bench/same_seed.py [--children 1000] [--seed 1]

Creates (and afterwards drops) two scratch databases on the server named by
OPENICS_BENCH_DATABASE_URL (default: the local postgres server), loads each,
and compares the canonical dumps (natural keys, no ids or timestamps).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
OPENICS = str(ROOT / ".venv" / "bin" / "openics")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DIGEST = (
    "import django; django.setup(); "
    "from openics.demo.snapshot import canonical_snapshot, digest; "
    "s = canonical_snapshot(); "
    "print(digest(s), len(s['people']), len(s['relationships']), len(s['chronology']))"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    import psycopg
    from psycopg import sql

    base = urlsplit(os.environ.get("OPENICS_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/openics_bench"))
    admin = base._replace(path="/postgres").geturl()
    digests = []
    for name in ("openics_same_seed_a", "openics_same_seed_b"):
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        env = {
            **os.environ,
            "DATABASE_URL": base._replace(path=f"/{name}").geturl(),
            "OPENICS_DEMO": "1",
            "DJANGO_SETTINGS_MODULE": "openics.settings",
        }
        env.pop("OPENICS_TESTING", None)
        # The commands are this checkout's own executables with integer arguments.
        subprocess.run([OPENICS, "migrate", "--noinput", "-v0"], env=env, check=True)  # noqa: S603
        started = time.perf_counter()
        subprocess.run(  # noqa: S603
            [OPENICS, "demo", "--children", str(args.children), "--seed", str(args.seed)], env=env, check=True
        )
        print(f"{name}: loaded in {time.perf_counter() - started:.1f} s (wall, including start-up)")
        out = subprocess.run(  # noqa: S603
            [PYTHON, "-c", DIGEST], env=env, check=True, capture_output=True, text=True
        ).stdout
        print(f"{name}: sha256 {out.split()[0]}; people, relationships, chronology entries: {out.split()[1:]}")
        digests.append(out.split()[0])
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    same = digests[0] == digests[1]
    print("The same people in both databases." if same else "DIFFERENT data from the same seed!")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
