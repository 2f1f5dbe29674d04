"""The themes findings can be tagged with, as shipped (the data migration ``0008_default_themes``
installs them from its own frozen copy of this list).

Coordinators keep the list afterwards (the themes page, or the admin): rename, add, stop offering one.
"""

from __future__ import annotations

from typing import Any

DEFAULT_THEMES = [
    "Thresholds",
    "Consent",
    "Step up / step down",
    "Strategy discussions",
    "Voice of the child",
    "Fathers",
    "Management oversight",
    "Partnership",
    "Early help",
    "Workforce",
    "Quality assurance",
    "Performance information",
    "Other",
]


def install_default_themes(theme_model: Any) -> int:
    """Create the shipped themes that are missing (found by name). Returns how many were created."""
    existing = {name.lower() for name in theme_model.objects.values_list("name", flat=True)}
    missing = [
        theme_model(name=name, position=i)
        for i, name in enumerate(DEFAULT_THEMES, start=1)
        if name.lower() not in existing
    ]
    theme_model.objects.bulk_create(missing)
    return len(missing)
