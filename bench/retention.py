"""`python bench/retention.py`: how long the daily retention job takes at the
size of a large local authority, on PostgreSQL.

Uses the benchmark database of `bench/run.py` (built there once, reused
here; see bench/README.md).  It times the job's look at every class of
record (`assess`: every subject and its kept-until date) and then whole
runs of `do_retention_run` as of a day `--years` ahead, so that the oldest
demo children's records fall due.  Each run is in a transaction rolled back
afterwards, so the database is left as it was and runs can be repeated.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=100_000, help="demo children if the database is built")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--long-history", type=int, default=600)
    parser.add_argument("--years", type=int, default=10, help="run as of this many years from today")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (each rolled back)")
    args = parser.parse_args()
    args.rebuild = False
    return args


def main() -> None:
    args = parse_args()
    url = os.environ.get("OPENICS_BENCH_DATABASE_URL", bench.DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmark runs on PostgreSQL: set OPENICS_BENCH_DATABASE_URL to a postgres:// URL.")
    bench.configure(url)
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from openics.core.models import Person
    from openics.retention.actions import assess, do_retention_run
    from openics.retention.schedule import add_years

    bench.build(args, url)
    today = add_years(timezone.localdate(), args.years)
    print(f"Database: {Person.objects.filter(is_child=True).count():,} children; running as of {today}.")

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        assessments = assess()
    seconds = time.perf_counter() - started
    due = sum(1 for a in assessments if a.due(today))
    unknown = sum(1 for a in assessments if a.result.undetermined)
    print(
        f"assess: {len(assessments):,} subjects ({due:,} due, {unknown:,} cannot be worked out) "
        f"in {seconds:.1f} s, {len(queries.captured_queries)} queries"
    )

    timings: list[float] = []
    for _ in range(args.runs):
        with transaction.atomic():
            started = time.perf_counter()
            report = do_retention_run(today=today)
            timings.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    print(f"do_retention_run: median {statistics.median(timings):.1f} s over {len(timings)} runs; last run:")
    for line in report.lines():
        print(f"  {line}")


if __name__ == "__main__":
    main()
