"""How an app adds its own records to the demo.

An app registers a function in its `AppConfig.ready`; `openics demo` calls
it once, inside the load's transaction, after the core data is written:

    from openics.demo.extensions import DemoContext, register_demo_extension

    @register_demo_extension("plans")
    def add_plans(ctx: DemoContext) -> None:
        Plan.objects.bulk_create(... for child_id, team_id, worker_id in ctx.open_allocations ...)

Use only `ctx.rng` for randomness and dates counted back from
`ctx.reference_date`, and write with `bulk_create`, so the same seed gives
the same records at any size.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from openics.core.models import Organisation, User


@dataclass
class DemoContext:
    seed: int
    # Each extension gets its own generator, seeded from the seed and its
    # name, so adding an extension never changes another's data.
    rng: random.Random
    reference_date: dt.date
    reference_moment: dt.datetime
    local_authority: Organisation
    # (child id, team id, worker id) of every current allocation, in load order.
    open_allocations: list[tuple[int, int, int]] = field(default_factory=list)
    iros: list[User] = field(default_factory=list)


DemoExtension = Callable[[DemoContext], None]
EXTENSIONS: dict[str, DemoExtension] = {}


def register_demo_extension(name: str) -> Callable[[DemoExtension], DemoExtension]:
    def decorator(fn: DemoExtension) -> DemoExtension:
        EXTENSIONS[name] = fn
        return fn

    return decorator


def run_extensions(context_for: Callable[[str], DemoContext]) -> list[str]:
    """Run every registered extension, in name order; returns their names."""
    names = sorted(EXTENSIONS)
    for name in names:
        EXTENSIONS[name](context_for(name))
    return names
