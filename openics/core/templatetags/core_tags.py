from django import template

from openics.core.chronology import kind_label

register = template.Library()


@register.filter
def chronology_kind(code: str) -> str:
    return kind_label(code)
