"""Junk sent to the API's write endpoints gets 400 with field errors (or is
accepted), never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
    st.sampled_from(["2020-01-01", "2999-12-31", "0000-00-00", "F", "core", "carer", "\x00", "1" * 30]),
)
PERSON_FIELDS = [
    "first_name",
    "last_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "religion",
    "upn",
    "upn_unknown_reason",
    "nhs_number",
    "la_child_id",
    "email",
    "disabilities",
    "version",
    "date_of_death",
]
OTHER_FIELDS = [
    "occurred_on",
    "summary",
    "part",
    "significance",
    "kind",
    "person",
    "new_adult",
    "organisation",
    "worker",
    "team",
    "parts",
    "lawful_basis",
    "reason",
    "expires_at",
    "ended_on",
]
ENDPOINTS = [
    ("post", ""),
    ("patch", "{amy}/"),
    ("put", "{amy}/"),
    ("post", "{amy}/relationships/"),
    ("post", "{amy}/involvements/"),
    ("post", "{amy}/allocation/"),
    ("post", "{amy}/chronology/"),
    ("post", "{amy}/shares/"),
]
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    body=st.one_of(
        st.dictionaries(st.sampled_from(PERSON_FIELDS + OTHER_FIELDS), JUNK, max_size=8),
        JUNK,
    ),
)
def test_junk_never_causes_a_server_error(world: Any, api: Any, endpoint: tuple[str, str], body: Any) -> None:
    method, tail = endpoint
    client = api(world.pat_pm)
    path = "/api/v1/people/" + tail.format(amy=world.amy.pk)
    response = getattr(client, method)(path, body, format="json")
    assert response.status_code in {200, 201, 400, 409}, (response.status_code, body)
    if response.status_code == 400:
        assert isinstance(response.json(), dict | list)


@FUZZ
@given(path=st.text(alphabet="0123456789abc/%.-", max_size=30))
def test_junk_in_paths_is_not_found(world: Any, api: Any, path: str) -> None:
    response = api(world.sam_sw).get("/api/v1/people/" + path)
    # 301 is Django adding a missing trailing slash.
    assert response.status_code in {200, 301, 400, 404}


@pytest.mark.parametrize("raw", [b"{not json", b'{"last_name": NaN}', b'{"last_name": Infinity}', b"\xff\xfe{"])
def test_malformed_json_is_a_clear_400(world: Any, api: Any, raw: bytes) -> None:
    response = api(world.sam_sw).generic("POST", "/api/v1/people/", raw, content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize(
    ("tail", "body", "field"),
    [
        ("{amy}/involvements/", {"kind": "agency", "organisation": 2**70}, "organisation"),
        ("{amy}/involvements/", {"kind": "agency", "organisation": 2**63 - 1}, "organisation"),
        ("{amy}/relationships/", {"kind": "carer", "person": 2**63 + 5}, "person"),
        ("{amy}/allocation/", {"team": -1}, "team"),
        ("", {"last_name": "N", "date_of_birth": "2020-01-01", "email": "a" * 250 + "@example.org"}, "email"),
        ("", {"last_name": "N", "date_of_birth": "0001-01-01T00:00"}, "date_of_birth"),
    ],
)
def test_out_of_range_values_are_field_errors(world: Any, api: Any, tail: str, body: Any, field: str) -> None:
    response = api(world.pat_pm).post("/api/v1/people/" + tail.format(amy=world.amy.pk), body, format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/people/432962870663009899839646/relationships/",
        "/api/v1/people/{amy}/relationships/99999999999999999999999/end/",
        "/api/v1/staff/99999999999999999999999/tokens/",
        "/api/v1/staff/{sam}/roles/99999999999999999999999/end/",
    ],
)
def test_an_id_too_long_for_any_record_is_not_found(world: Any, api: Any, path: str) -> None:
    # Found by the schema fuzz: a 20-digit id overflowed SQLite's integer
    # and gave a server error.
    url = path.format(amy=world.amy.pk, sam=world.sam_sw.pk)
    response = api(world.ada_admin).post(url, {}, format="json")
    assert response.status_code == 404
