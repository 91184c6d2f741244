"""Validators for UK identifiers: UPN, NHS number, postcode."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The DfE check-letter alphabet: 23 letters, without I, O and S.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_RE = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
_POSTCODE_RE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]([0-9ABEHMNPRV-Y])?|[0-9][A-HJKPS-UW]) ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters that follow it (DfE algorithm)."""
    total = 0
    for weight, char in enumerate(body, start=2):
        value = UPN_LETTERS.index(char) if char.isalpha() else int(char)
        total += value * weight
    return UPN_LETTERS[total % 23]


def normalise_upn(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def validate_upn(value: str) -> None:
    upn = normalise_upn(value)
    if not _UPN_RE.match(upn) or (upn[-1].isalpha() and upn[-1] not in UPN_LETTERS):
        raise ValidationError(
            _("Enter a UPN of 13 characters: a letter, then 11 digits, then a digit or letter"), code="upn_format"
        )
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValidationError(_("Enter a valid UPN: the check letter does not match"), code="upn_check")


def nhs_check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit, or None where no valid number can end the nine."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]+", "", value or "")


def validate_nhs_number(value: str) -> None:
    number = normalise_nhs_number(value)
    if not re.fullmatch(r"[0-9]{10}", number):
        raise ValidationError(_("Enter an NHS number of 10 digits"), code="nhs_format")
    if nhs_check_digit(number[:9]) != int(number[9]):
        raise ValidationError(_("Enter a valid NHS number: the check digit does not match"), code="nhs_check")


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def validate_postcode(value: str) -> None:
    if not _POSTCODE_RE.match(normalise_postcode(value)):
        raise ValidationError(_("Enter a real postcode, like SS1 1AA"), code="postcode")
