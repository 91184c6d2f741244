"""Synthetic demo data: a local authority in England with its staff, schools,
partners and families.  Nothing here is real personal data.

The demo password is `demo_password(seed)`, "openics-demo-<seed>" (for the
default seed 1: "openics-demo-1").  It is set only in demo mode
(`OPENICS_DEMO=1`); otherwise demo staff get unusable passwords.
"""

from .generator import REFERENCE_DATE, DemoResult, demo_password, generate

__all__ = ["REFERENCE_DATE", "DemoResult", "demo_password", "generate"]
