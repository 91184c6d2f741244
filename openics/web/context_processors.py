from django.conf import settings
from django.http import HttpRequest


def _is_sysadmin(request: HttpRequest) -> bool:
    """Whether to show the "Manage" link.  Read when the page renders, from
    the staff context the view has usually already loaded, so it rarely costs
    a query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    from openics.core.access import staff_context

    return staff_context(user).is_sysadmin  # type: ignore[arg-type]


def _is_manager(request: HttpRequest) -> bool:
    """Whether to show the endorsement queue in the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    from openics.core.access import staff_context

    return staff_context(user).is_manager  # type: ignore[arg-type]


def _is_school_staff(request: HttpRequest) -> bool:
    """Whether to show the "Safeguarding" link (any role at a school)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    from openics.safeguarding.access import recorder_school_ids

    return bool(recorder_school_ids(user))  # type: ignore[arg-type]


def _in_school_ops(request: HttpRequest) -> bool:
    """Whether to show the "Schools" link (a school role, or a LADO)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    from openics.core.access import staff_context
    from openics.core.roles import SCHOOL_ROLES, Role

    return bool(staff_context(user).roles & (SCHOOL_ROLES | {Role.LADO}))  # type: ignore[arg-type]


def _is_records_reviewer(request: HttpRequest) -> bool:
    """Whether to show "Retention" (a reviewer of some class of record)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    from openics.retention.actions import is_records_reviewer

    return is_records_reviewer(user)  # type: ignore[arg-type]


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "demo_mode": settings.DEMO_MODE,
        "authority_name": settings.OPENICS_AUTHORITY_NAME,
        # A callable: templates call it only where they use it.
        "is_sysadmin": lambda: _is_sysadmin(request),
        "is_manager": lambda: _is_manager(request),
        "is_school_staff": lambda: _is_school_staff(request),
        "in_school_ops": lambda: _in_school_ops(request),
        "is_records_reviewer": lambda: _is_records_reviewer(request),
    }
