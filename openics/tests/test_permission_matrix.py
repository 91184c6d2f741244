"""Deny by default: every URL and every API operation is in the permission
matrix, and every persona gets exactly the answer the matrix says.

The matrix lives in each app's `route_matrix.py` (listed in
`openics.route_matrix.MATRIX_MODULES`).  A new route that nobody put in a
matrix fails `test_every_route_is_in_the_matrix`; a new API method fails
`test_every_api_operation_is_in_the_matrix`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from openics.route_matrix import MATRIX_MODULES, PERSONAS, Case


def _matrix() -> dict[str, list[Case]]:
    """Every module's ROUTES, merged; a route listed twice is a mistake."""
    merged: dict[str, list[Case]] = {}
    for module_name in MATRIX_MODULES:
        routes: dict[str, list[Case]] = importlib.import_module(module_name).ROUTES
        for name, cases in routes.items():
            assert name not in merged, f"{name} is in more than one route matrix"
            merged[name] = cases
    return merged


MATRIX = _matrix()


def _walk(patterns: list[Any], namespace: str = "", prefix: str = "") -> Iterator[tuple[str | None, str]]:
    """(name, pattern) for every URL pattern, however deeply included."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns, prefix + str(entry.pattern))
        else:
            assert isinstance(entry, URLPattern)
            yield (f"{namespace}{entry.name}" if entry.name else None), prefix + str(entry.pattern)


def _unlisted(patterns: list[Any]) -> tuple[list[str], list[str]]:
    """(unnamed patterns, route names in no matrix)."""
    routes = list(_walk(patterns))
    unnamed = sorted(pattern for name, pattern in routes if name is None)
    missing = sorted({name for name, _ in routes if name is not None and name not in MATRIX})
    return unnamed, missing


def test_every_route_is_in_the_matrix() -> None:
    unnamed, missing = _unlisted(get_resolver().url_patterns)
    assert not unnamed, f"URL patterns without a name cannot be in the matrix: {unnamed}"
    assert not missing, f"Routes missing from the permission matrix (add them to a route_matrix.py): {missing}"


def test_a_new_route_outside_the_matrix_is_caught() -> None:
    """The check above can fail: a route added anywhere, even nested in an
    include, is found."""
    from django.http import HttpResponse
    from django.urls import include, path

    def view(request: Any) -> HttpResponse:
        return HttpResponse()

    nested = [path("deep/", include([path("x/", view, name="not-in-any-matrix"), path("y/", view)]))]
    unnamed, missing = _unlisted([*get_resolver().url_patterns, *nested])
    assert missing == ["not-in-any-matrix"]
    assert unnamed == ["deep/y/"]


def test_the_matrix_names_only_real_routes() -> None:
    names = {name for name, _ in _walk(get_resolver().url_patterns)}
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"The matrix lists routes that no longer exist: {stale}"
    empty = sorted(name for name, cases in MATRIX.items() if not cases)
    assert not empty, f"Routes with no cases: {empty}"


def test_every_api_operation_is_in_the_matrix() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    uncovered = []
    operations = 0
    for path, methods in schema["paths"].items():
        # Any id will do: resolving only needs the shape of the path.
        match = resolve(re.sub(r"\{[^}]+\}", "1", path))
        for method in methods:
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            operations += 1
            cases = MATRIX.get(match.url_name or "", [])
            if not any(case.method == method for case in cases):
                uncovered.append(f"{method.upper()} {path} ({match.url_name})")
    assert operations > 0
    assert not uncovered, f"API operations with no case in the matrix: {uncovered}"


CASES = [(name, index, case) for name, cases in sorted(MATRIX.items()) for index, case in enumerate(cases)]


class _Done(Exception):
    """Carries the status out of a savepoint that is then rolled back."""

    def __init__(self, status: int) -> None:
        self.status = status


def _resolve(value: Any, world: Any) -> Any:
    if callable(value):
        return value(world)
    target = getattr(world, value)
    return target.pk


def _request(name: str, case: Case, persona: str, world: Any) -> int:
    # Requests are made over HTTPS, as in production (plain HTTP redirects).
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    kwargs = {key: _resolve(value, world) for key, value in case.kwargs.items()}
    url = reverse(name, kwargs=kwargs)
    if case.method == "get":
        return client.get(f"{url}?{case.query}" if case.query else url, secure=True).status_code
    data = case.data(world) if callable(case.data) else (case.data or {})
    send = getattr(client, case.method)
    if name.startswith("api-"):
        return send(url, data=data, content_type="application/json", secure=True).status_code  # type: ignore[no-any-return]
    return send(url, data=data, secure=True).status_code  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
def _quick_passwords(settings: Any) -> None:
    # The world signs twelve people up per case; Argon2 would make the
    # matrix take minutes.  Sign-in itself is tested elsewhere.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize(("name", "index", "case"), CASES, ids=[f"{n}[{i}]-{c.method}" for n, i, c in CASES])
def test_route_case(name: str, index: int, case: Case, world: Any) -> None:
    """Every persona, each in its own savepoint so that what one persona's
    request changes cannot decide another's answer."""
    wrong = []
    for persona in PERSONAS:
        try:
            with transaction.atomic():
                raise _Done(_request(name, case, persona, world))
        except _Done as done:
            status = done.status
        expected = case.anonymous if persona == "anonymous" else case.expect.get(persona, case.default)
        if status != expected:
            wrong.append(f"{persona}: got {status}, expected {expected}")
    assert not wrong, f"{name} case {index} ({case.method.upper()}): " + "; ".join(wrong)
