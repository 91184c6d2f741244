"""`python bench/team.py`: server time of the managers' team view over a team of
5,000 open cases, on PostgreSQL.

Uses the benchmark database of `bench/run.py` (built there once, reused
here; see bench/README.md), then makes sure, idempotently, that one team
holds `--cases` (5,000) allocated children with open deadlines: a team of
its own ("Bench Team: 5,000 open cases") under the first service, with a
practice manager and `--workers` social workers, each child with two or
three open deadlines spread from well overdue to weeks ahead and one met.
A second run finds the team full and adds nothing.

Signed in (with `force_login`) as the team's practice manager, through
Django's test Client with DEBUG off, it requests the team view unfiltered,
filtered to overdue, and filtered to one worker, and prints p50, p95 and the
queries per request; then the service manager above it, who sees every team
of the service.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench

TEAM_NAME = "Bench Team: 5,000 open cases"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=100_000, help="demo children if the database is built")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--long-history", type=int, default=600)
    parser.add_argument("--cases", type=int, default=5_000, help="open cases in the bench team (default 5,000)")
    parser.add_argument("--workers", type=int, default=25, help="social workers in the bench team")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page (at least 20)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--no-extensions",
        action="store_true",
        help="build without the apps' demo extensions (records, plans…); use only with a database of its own",
    )
    args = parser.parse_args()
    args.rebuild = False
    if args.requests < 20:
        parser.error("--requests must be at least 20")
    return args


def ensure_team(cases: int, n_workers: int) -> tuple[Any, Any, Any]:
    """The bench team with `cases` allocated children, each with open
    deadlines; made once, topped up if short.  Returns (team, PM, SM)."""
    from django.db import transaction
    from django.db.models import Count

    from openics.core.models import (
        Involvement,
        InvolvementKind,
        Organisation,
        OrganisationKind,
        Person,
        RoleAssignment,
        Team,
        User,
    )
    from openics.core.roles import Role
    from openics.timescales.models import Deadline

    la = Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY).order_by("pk").first()
    assert la is not None, "the benchmark database has no local authority"
    service = Team.objects.filter(organisation=la, parent__parent__isnull=True, parent__isnull=False).order_by("pk")[0]
    from django.utils import timezone

    today = timezone.localdate()
    with transaction.atomic():
        team, _ = Team.objects.get_or_create(organisation=la, name=TEAM_NAME, defaults={"parent": service})

        def staff(username: str, role: str, on_team: Team, first: str, last: str) -> User:
            user, made = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "organisation": la, "email": ""},
            )
            if made:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                RoleAssignment.objects.create(
                    user=user, role=role, organisation=la, team=on_team, started_on=today - dt.timedelta(days=400)
                )
            return user

        pm = staff("bench_team_pm", Role.PRACTICE_MANAGER, team, "Bench", "Manager")
        sm = (
            User.objects.filter(
                role_assignments__role=Role.SERVICE_MANAGER, role_assignments__team=service, is_active=True
            )
            .order_by("pk")
            .first()
        ) or staff("bench_team_sm", Role.SERVICE_MANAGER, service, "Bench", "Service")
        workers = [
            staff(f"bench_team_sw{i:02d}", Role.SOCIAL_WORKER, team, "Worker", f"Bench{i:02d}")
            for i in range(n_workers)
        ]
        current = Involvement.objects.filter(team=team, kind=InvolvementKind.ALLOCATED, ended_on__isnull=True)
        have = current.count()
        missing = cases - have
        if missing > 0:
            print(f"Adding {missing:,} open cases to {TEAM_NAME!r}…", flush=True)
            children = Person.objects.bulk_create(
                [
                    Person(
                        is_child=True,
                        first_name=f"Bench{have + i}",
                        last_name=f"Teamchild{(have + i) % 997}",
                        date_of_birth=today - dt.timedelta(days=365 * 3 + (have + i) % 4000),
                    )
                    for i in range(missing)
                ],
                batch_size=1000,
            )
            Involvement.objects.bulk_create(
                [
                    Involvement(
                        child=child,
                        kind=InvolvementKind.ALLOCATED,
                        organisation=la,
                        team=team,
                        worker=workers[(have + i) % len(workers)],
                        started_on=today - dt.timedelta(days=30 + i % 300),
                    )
                    for i, child in enumerate(children)
                ],
                batch_size=1000,
            )
            rows = []
            for i, child in enumerate(children):
                # Spread from 40 days overdue to 60 days ahead; every child
                # has one met deadline too, which the view must leave out.
                for j, offset in enumerate((-40 + (i * 7) % 100, (i * 13) % 60 - 5, None if i % 2 else 25)):
                    if offset is None:
                        continue
                    due = today + dt.timedelta(days=offset)
                    rows.append(_deadline(la, child, due, title=("Assessment", "Strategy discussion", "Review")[j]))
                met_due = today - dt.timedelta(days=60)
                rows.append(_deadline(la, child, met_due, title="Referral decision", met_on=met_due))
            Deadline.objects.bulk_create(rows, batch_size=2000)
        # A database built without the demo's records has no other deadlines:
        # give the rest of the authority's open cases theirs, so the bench
        # team's are found among many, as in life.
        if not Deadline.objects.exclude(child__in=current.values("child_id")).exists():
            others = list(
                Involvement.objects.filter(kind=InvolvementKind.ALLOCATED, ended_on__isnull=True)
                .exclude(team=team)
                .values_list("child_id", flat=True)
            )
            print(f"Adding background deadlines to {len(others):,} other open cases…", flush=True)
            rows = []
            for i, child_id in enumerate(others):
                child = Person(pk=child_id)
                rows.append(_deadline(la, child, today + dt.timedelta(days=(i * 11) % 90 - 30), title="Assessment"))
                rows.append(_deadline(la, child, today + dt.timedelta(days=(i * 17) % 90), title="Review"))
                met_due = today - dt.timedelta(days=60)
                rows.append(_deadline(la, child, met_due, title="Referral decision", met_on=met_due))
            Deadline.objects.bulk_create(rows, batch_size=2000)
    counts = (
        Deadline.objects.filter(child__involvements__team=team, child__involvements__ended_on__isnull=True)
        .filter(met_on__isnull=True)
        .aggregate(n=Count("pk"))
    )
    print(f"{TEAM_NAME!r}: {current.count():,} open cases, {counts['n']:,} open deadlines, {len(workers)} workers.")
    return team, pm, sm


def _deadline(la: Any, child: Any, due: dt.date, *, title: str, met_on: dt.date | None = None) -> Any:
    from openics.timescales.models import Deadline

    return Deadline(
        child=child,
        organisation=la,
        rule_id="single-assessment",
        title=title,
        profile="england",
        profile_version="bench",
        nation="ENG",
        offset=45,
        unit="working_days",
        trigger_date=due - dt.timedelta(days=63),
        due_date=due,
        due_soon_from=due - dt.timedelta(days=7),
        met_on=met_on,
    )


def main() -> None:
    args = parse_args()
    url = os.environ.get("OPENICS_BENCH_DATABASE_URL", bench.DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmark runs on PostgreSQL: set OPENICS_BENCH_DATABASE_URL to a postgres:// URL.")
    bench.configure(url)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from openics.core.models import Person

    if args.no_extensions:
        if url == bench.DEFAULT_URL:
            sys.exit("--no-extensions would leave make bench's database without records: name another database.")
        from openics.demo import extensions

        extensions.EXTENSIONS.clear()
    bench.build(args, url)
    assert not settings.DEBUG
    team, pm, sm = ensure_team(args.cases, args.workers)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_person, core_involvement, timescales_deadline")
    worker_id = team.role_assignments.filter(role="sw").order_by("pk").values_list("user_id", flat=True).first()
    print(f"Database: {Person.objects.filter(is_child=True).count():,} children.")
    pages = [
        ("PM: team view", pm, "/team/"),
        ("PM: overdue", pm, "/team/?status=overdue"),
        ("PM: one worker", pm, f"/team/?worker={worker_id}"),
        ("PM: page 50", pm, "/team/?page=50"),
        ("SM: service", sm, "/team/"),
    ]
    print(f"\n{'page':<18}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}{'CPU p50':>9}{'queries':>9}")
    results = {}
    for name, user, page in pages:
        client = Client()
        client.force_login(user)
        timings, cpu, queries = bench.measure(client, page, args.requests, args.warmup)
        results[name] = statistics.median(timings)
        print(
            f"{name:<18}{len(timings):>9}{statistics.median(timings):>9.1f}{bench.percentile(timings, 95):>9.1f}"
            f"{statistics.fmean(timings):>9.1f}{statistics.median(cpu):>9.1f}{queries:>9}"
        )
    print(f"(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    p50 = results["PM: team view"]
    print(f"\nTeam view over {args.cases:,} open cases: p50 {p50:.1f} ms.")


if __name__ == "__main__":
    main()
