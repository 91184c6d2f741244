"""`make bench`: server time of the child overview and My work at the scale
of a large local authority, on PostgreSQL.

Builds the benchmark database once (or reuses it when it already holds the
same size and seed), then requests each page through Django's test Client,
signed in as the long-history child's allocated social worker, with DEBUG
off.  See bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/openics_bench"
TARGET_OVERVIEW_P50_MS = 40.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=100_000, help="children in the database (default 100,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--long-history", type=int, default=600, help="manual chronology entries of the heavy child")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per page (at least 50)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the database even if it matches")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the child overview")
    args = parser.parse_args()
    if args.requests < 50:
        parser.error("--requests must be at least 50")
    return args


def configure(url: str) -> None:
    """Production-like settings: DEBUG off.  Demo mode only so that a forced
    sign-in needs no second factor and static files need no collectstatic."""
    os.environ["DATABASE_URL"] = url
    os.environ["OPENICS_DEBUG"] = "0"
    os.environ["OPENICS_DEMO"] = "1"
    os.environ.pop("OPENICS_TESTING", None)
    os.environ.setdefault("OPENICS_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openics.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def database_exists(url: str) -> bool:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database: its audit rows cannot be
    deleted (the triggers refuse), so a rebuild starts from nothing."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: the benchmark database's name must contain 'bench'.")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def loaded_marker() -> dict[str, Any] | None:
    """The demo load's summary event, if the database holds one."""
    from django.db.utils import DatabaseError

    from openics.core.models import AuditEvent

    try:
        event = AuditEvent.objects.filter(action="demo.loaded").order_by("-id").first()
    except DatabaseError:
        return None
    return event.detail if event else None


def build(args: argparse.Namespace, url: str) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connections

    wanted = {"seed": args.seed, "children": args.children, "long_history": args.long_history}
    marker = loaded_marker() if database_exists(url) else None
    if marker and not args.rebuild and all(marker.get(k) == v for k, v in wanted.items()):
        print(f"Reusing the benchmark database ({args.children:,} children, seed {args.seed}).")
        return marker
    connections.close_all()
    recreate_database(url)
    call_command("migrate", verbosity=0)
    from openics.demo import generate

    print(f"Building the benchmark database: {args.children:,} children, seed {args.seed}…", flush=True)
    result = generate(
        children=args.children,
        seed=args.seed,
        demo_mode=True,
        long_history=args.long_history,
        progress=lambda message: print(f"  {message}", flush=True),
    )
    print(f"Built in {result.seconds:.0f} s: {result.counts}")
    call_command("migrate", verbosity=0)  # nothing to do; keeps the connection warm
    with connections["default"].cursor() as cursor:
        cursor.execute("ANALYZE")
    # The marker: the generator's summary event, with the benchmark's parameters.
    from openics.core import audit

    detail = {**wanted, "long_history_child_id": result.long_history_child_id}
    audit.record("demo.loaded", detail={**detail, "demo_mode": True, "benchmark": True})
    return detail


def measure(client: Any, url: str, n: int, warmup: int) -> tuple[list[float], list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    # Queries are counted on a separate request: capturing them slows the cursor.
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # Read now: the next request clears the connection's query log.
    queries = len(captured.captured_queries)
    timings = []
    cpu = []
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        assert response.status_code == 200, url
    return timings, cpu, queries


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def main() -> None:
    args = parse_args()
    url = os.environ.get("OPENICS_BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmark runs on PostgreSQL: set OPENICS_BENCH_DATABASE_URL to a postgres:// URL.")
    configure(url)
    from django.conf import settings
    from django.test import Client

    from openics.core.models import ChronologyEntry, Involvement, InvolvementKind, Person, Relationship

    marker = build(args, url)
    assert not settings.DEBUG
    child_id = marker["long_history_child_id"]
    allocation = Involvement.objects.select_related("worker").get(
        child_id=child_id, kind=InvolvementKind.ALLOCATED, ended_on__isnull=True
    )
    worker = allocation.worker
    assert worker is not None
    print(
        f"Database: {Person.objects.filter(is_child=True).count():,} children, "
        f"{ChronologyEntry.objects.count():,} chronology entries.\n"
        f"The child: {ChronologyEntry.objects.filter(child_id=child_id).count()} chronology entries, "
        f"{Involvement.objects.filter(child_id=child_id).count()} involvements, "
        f"{Relationship.objects.filter(child_id=child_id).count()} relationships.\n"
        f"Signed in as {worker.username}, allocated worker of "
        f"{Involvement.objects.current().filter(worker=worker, kind=InvolvementKind.ALLOCATED).count()} children."
    )
    client = Client()
    client.force_login(worker)
    pages = {"child overview": f"/children/{child_id}/", "My work": "/my-work/"}
    # Wall time is what a user waits for; the app's CPU time (this thread,
    # without the database server's share) shows how much of it is Python
    # rather than waiting, and varies less on a busy machine.
    print(f"\n{'page':<16}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}{'CPU p50':>9}{'queries':>9}")
    results = {}
    for name, page in pages.items():
        timings, cpu, queries = measure(client, page, args.requests, args.warmup)
        results[name] = statistics.median(timings)
        print(
            f"{name:<16}{len(timings):>9}{statistics.median(timings):>9.1f}{percentile(timings, 95):>9.1f}"
            f"{statistics.fmean(timings):>9.1f}{statistics.median(cpu):>9.1f}{queries:>9}"
        )
    print(f"(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    p50 = results["child overview"]
    verdict = "meets" if p50 <= TARGET_OVERVIEW_P50_MS else "MISSES"
    print(f"\nChild overview p50 {p50:.1f} ms {verdict} the target of {TARGET_OVERVIEW_P50_MS:.0f} ms.")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            client.get(pages["child overview"])
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(30)


if __name__ == "__main__":
    main()
