"""The governors' report: counts only, never a name.

Concerns and referrals come from the school safeguarding app when it is
installed (read only); training compliance from the register; notifications
of absence from attendance.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from openics.core.models import Organisation
from openics.core.roles import Role

from .models import AbsenceNotification


def school_year_start(on: dt.date) -> dt.date:
    """1 September of the school year `on` falls in."""
    return dt.date(on.year if on.month >= 9 else on.year - 1, 9, 1)


@dataclass
class GovernorsReport:
    since: dt.date
    until: dt.date
    concerns_available: bool
    concerns: int = 0
    by_category: list[tuple[str, int]] = field(default_factory=list)
    referrals: int = 0
    # (group label, compliant, total)
    training: list[tuple[str, int, int]] = field(default_factory=list)
    absence_notifications: int = 0


def _moment(day: dt.date, end: bool = False) -> dt.datetime:
    moment = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time.min)
    return timezone.make_aware(moment)


def governors_report(school: Organisation, *, since: dt.date, until: dt.date) -> GovernorsReport:
    from .actions import training_status

    report = GovernorsReport(since=since, until=until, concerns_available=apps.is_installed("openics.safeguarding"))
    if report.concerns_available:
        try:
            from openics.safeguarding.codes import ConcernCategory
            from openics.safeguarding.models import Concern, TriageDecision
        except ImportError:  # The concerns app is not ready: report without it.
            report.concerns_available = False
        else:
            concerns = Concern.objects.filter(
                school=school, recorded_at__gte=_moment(since), recorded_at__lt=_moment(until, end=True)
            )
            counts: Counter[str] = Counter()
            total = 0
            for categories in concerns.values_list("categories", flat=True):
                total += 1
                counts.update(set(categories or []))
            labels = dict(ConcernCategory.choices)
            report.concerns = total
            report.by_category = [(str(labels.get(code, code)), n) for code, n in counts.most_common()]
            report.referrals = (
                TriageDecision.objects.filter(concern__in=concerns, outcome="referral")
                .values("concern_id")
                .distinct()
                .count()
            )
    groups = {
        "Designated safeguarding lead and deputies": {Role.DSL, Role.DEPUTY_DSL},
        "Headteacher and staff": {Role.HEADTEACHER, Role.SENCO, Role.SCHOOL_STAFF},
        "Governors": {Role.GOVERNOR},
    }
    members = training_status(school, until)
    for label, roles in groups.items():
        in_group = [m for m in members if roles & set(m.roles)]
        report.training.append((label, sum(1 for m in in_group if m.compliant), len(in_group)))
    report.absence_notifications = AbsenceNotification.objects.filter(
        Q(notified_at__gte=_moment(since)) & Q(notified_at__lt=_moment(until, end=True)), school=school
    ).count()
    return report
