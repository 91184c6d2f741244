"""Fixed word lists for the demo: places, organisations and what workers write.

Names of people come from Faker (en_GB, seeded); these lists hold what
Faker does not know about: the towns of the county with their real
outward postcodes, and plausible chronology entries.
"""

from __future__ import annotations

from openics.core.models import Significance

LA_NAME = "Northshire County Council"
# The DfE code and the ONS (GSS) code of the county council this demo stands in for.
LA_DFE_CODE = "881"
LA_ONS_CODE = "E10000012"

# Town -> outward postcodes that exist for that town.
TOWNS: list[tuple[str, list[str]]] = [
    ("Chelmsford", ["CM1", "CM2"]),
    ("Colchester", ["CO1", "CO2", "CO3", "CO4"]),
    ("Basildon", ["SS14", "SS15", "SS16"]),
    ("Harlow", ["CM17", "CM18", "CM19", "CM20"]),
    ("Braintree", ["CM7"]),
    ("Brentwood", ["CM13", "CM14", "CM15"]),
    ("Clacton-on-Sea", ["CO15", "CO16"]),
    ("Witham", ["CM8"]),
    ("Maldon", ["CM9"]),
    ("Rayleigh", ["SS6"]),
    ("Saffron Walden", ["CB10", "CB11"]),
    ("Loughton", ["IG10"]),
]
# The letters a postcode's inward code may use (no C, I, K, M, O or V).
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

STREET_SUFFIXES = ["Road", "Street", "Close", "Avenue", "Lane", "Drive", "Way", "Gardens", "Crescent", "Court"]

SCHOOL_KINDS = [
    "Primary School",
    "Infant School",
    "Junior School",
    "Church of England Primary School",
    "Academy",
    "High School",
    "Community College",
]

HEALTH_ORGANISATIONS = ["Northshire Community Health NHS Trust", "Northshire Hospitals NHS Foundation Trust"]
POLICE_ORGANISATIONS = ["Northshire Police"]
VOLUNTARY_ORGANISATIONS = [
    "Northshire Young Carers",
    "Harbour Domestic Abuse Service",
    "Families Together Northshire",
]

# (what happened, detail, source, significance)
MANUAL_ENTRIES: list[tuple[str, str, str, str]] = [
    (
        "Home visit: child seen alone",
        "Child seen in their bedroom; spoke about school and friends.",
        "Social worker",
        Significance.ROUTINE,
    ),
    ("Police attended a domestic incident at the home", "", "Police notification", Significance.SIGNIFICANT),
    (
        "School reported unexplained bruising",
        "Bruise to upper arm seen in PE; child said they fell.",
        "Designated safeguarding lead",
        Significance.SIGNIFICANT,
    ),
    ("Missed health appointment", "", "Health visitor", Significance.ROUTINE),
    ("Attended A&E with a head injury", "", "Hospital liaison", Significance.CRITICAL),
    ("Reported missing overnight; returned next day", "", "Police notification", Significance.CRITICAL),
    ("Mother disclosed financial difficulties", "Referred to the food bank.", "Social worker", Significance.ROUTINE),
    ("Attendance fell below 80% this term", "", "Education welfare officer", Significance.SIGNIFICANT),
    ("Child moved to live with grandmother", "", "Family", Significance.SIGNIFICANT),
    ("Core group meeting held", "", "Social worker", Significance.ROUTINE),
    ("Strategy discussion held", "", "Practice manager", Significance.SIGNIFICANT),
    ("Father released from prison", "", "Probation", Significance.SIGNIFICANT),
    ("Child started counselling", "", "Young people's counselling service", Significance.ROUTINE),
    ("Neighbour raised concerns about shouting", "", "Anonymous referral", Significance.ROUTINE),
    ("Child excluded from school for two days", "", "School", Significance.SIGNIFICANT),
]

RESTRICTION_REASONS = ["staff_conflict", "high_profile", "high_risk"]
