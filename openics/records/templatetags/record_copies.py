"""`{% carers_need_copy record as flag %}` for the record's page, which
records/views.py renders without knowing about copies."""

from __future__ import annotations

from django import template

from ..copies import carers_need_copy as _carers_need_copy
from ..models import CaseRecord

register = template.Library()


@register.simple_tag
def carers_need_copy(record: CaseRecord) -> bool:
    return _carers_need_copy(record)
