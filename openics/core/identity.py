"""The identity bar's flags.  Each app registers a provider that returns the
flags it knows about (a CP plan, looked after, child in need), so the bar
shows everything with one query per app, whatever the history's length."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Person


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    # GOV.UK tag colour: red for risk, blue for information.
    colour: str = "blue"


FlagProvider = Callable[[Person], list[Flag]]
PROVIDERS: list[FlagProvider] = []


def register_flag_provider(provider: FlagProvider) -> FlagProvider:
    PROVIDERS.append(provider)
    return provider


def identity_flags(child: Person) -> list[Flag]:
    flags: list[Flag] = []
    for provider in PROVIDERS:
        flags.extend(provider(child))
    return flags


@register_flag_provider
def core_flags(child: Person) -> list[Flag]:
    flags = []
    if child.is_restricted:
        flags.append(Flag("restricted", str(_("Restricted record")), "red"))
    if child.interpreter_needed:
        flags.append(Flag("interpreter", str(_("Interpreter needed")), "purple"))
    # One query: the disabilities other than "none".
    if child.disabilities.exclude(code="NONE").exists():
        flags.append(Flag("disability", str(_("Disability")), "turquoise"))
    if child.is_unborn:
        flags.append(Flag("unborn", str(_("Unborn")), "grey"))
    if child.date_of_death:
        flags.append(Flag("deceased", str(_("Deceased")), "grey"))
    return flags
