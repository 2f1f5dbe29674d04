"""Expectations per app, merged for the matrix test. Add a module here for a new app."""

from tests.authz.expectations import (
    accounts,
    admin,
    audits,
    config,
    findings,
    improvement,
    programme,
    reports,
    reviews,
    reviews_setup,
)

ALL = {}
for _module in (
    accounts,
    admin,
    config,
    findings,
    reviews,
    reviews_setup,
    audits,
    programme,
    reports,
    improvement,
):
    overlap = set(ALL) & set(_module.EXPECTATIONS)
    if overlap:
        raise ValueError(f"URL names expected twice: {overlap}")
    ALL.update(_module.EXPECTATIONS)
