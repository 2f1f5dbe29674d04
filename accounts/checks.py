from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=True)
def two_factor_is_required(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    if not settings.TWO_FACTOR_REQUIRED:
        return [
            Error(
                "TWO_FACTOR_REQUIRED is off: people can reach review data with a password alone.",
                hint="Set TWO_FACTOR_REQUIRED=true (the default). Turn it off only for local development.",
                id="accounts.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def client_address_behind_a_proxy(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Behind a proxy with no proxy count, every client has the proxy's address: ten failed sign-ins
    by anyone would lock everyone out, and the audit trail would record the proxy for every event."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.TRUSTED_PROXY_COUNT:
        return [
            CheckWarning(
                "SECURE_PROXY_SSL_HEADER_ENABLED is on but TRUSTED_PROXY_COUNT is 0: the lockout and "
                "the audit trail see the proxy's address for every client.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies that add to X-Forwarded-For "
                "(1 for the nginx of docs/deploy.md).",
                id="accounts.W001",
            )
        ]
    return []
