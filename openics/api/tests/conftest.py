"""API clients signed in as the world's personas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from openics.core.models import User


class SecureAPIClient(APIClient):
    """Requests go over HTTPS, as in production (plain HTTP is redirected)."""

    def generic(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("secure", True)
        return super().generic(*args, **kwargs)


@pytest.fixture(autouse=True)
def _quick_passwords(settings: Any) -> None:
    # The world signs twelve people up; Argon2 would make every test slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api() -> Callable[[User | None], APIClient]:
    """A client signed in as `user` (no second factor in tests), or anonymous."""

    def client_for(user: User | None) -> APIClient:
        client = SecureAPIClient()
        if user is not None:
            client.force_login(user)
        return client

    return client_for
