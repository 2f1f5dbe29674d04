"""Expectations per app, merged for the matrix test. Add a module here for a new app."""

from tests.authz.expectations import accounts, admin, audits, config, reviews

ALL = {}
for _module in (accounts, admin, config, reviews, audits):
    overlap = set(ALL) & set(_module.EXPECTATIONS)
    if overlap:
        raise ValueError(f"URL names expected twice: {overlap}")
    ALL.update(_module.EXPECTATIONS)
