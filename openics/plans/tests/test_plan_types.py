"""Plan types are data: every shipped file loads; a bad one is refused by name."""

from __future__ import annotations

import pytest

from openics.plans.types import AGREED, PlanTypeError, all_plan_types, parse_plan_type

GOOD = {
    "id": "test-plan",
    "title": "Test plan",
    "part": "plans",
    "sections": ["aim", "outcomes"],
    "completed_by": ["sw"],
}


def test_the_shipped_plan_types() -> None:
    types = all_plan_types()
    assert set(types) >= {
        "initial-plan",
        "cin-plan",
        "cp-plan",
        "early-help-plan",
        "stage2-action-plan",
        "coordinated-support-plan",
        "lac-care-plan",
        "one-plan",
    }
    assert types["cin-plan"].title == "Child's Plan / Child in Need Plan"
    assert types["cin-plan"].review[0] == "cin-review"
    assert types["cp-plan"].review == ()
    assert types["stage2-action-plan"].review == (AGREED,)
    assert types["coordinated-support-plan"].review == ("csp-review", AGREED)
    assert types["one-plan"].part == "plans" and types["one-plan"].agreed_within_days == 122
    assert types["cin-plan"].part == "social_care"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sections": ["aim", "wishes"]}, "unknown section(s) wishes"),
        ({"sections": ["aim"]}, "every plan has 'outcomes'"),
        ({"completed_by": ["wizard"]}, "unknown role(s) wizard"),
        ({"review": ["no-such-rule"]}, "'review' names 'no-such-rule', which no timescale profile has"),
        ({"part": "diary"}, "'part' must be one of"),
        ({"stage": 4}, "'stage' must be 1, 2 or 3"),
        ({"colour": "red"}, "unknown key(s) colour"),
    ],
)
def test_a_bad_plan_type_is_refused_by_name(change: dict[str, object], message: str) -> None:
    with pytest.raises(PlanTypeError) as error:
        parse_plan_type({**GOOD, **change}, "test-plan.toml")
    assert str(error.value).startswith("test-plan.toml: ")
    assert message in str(error.value)
