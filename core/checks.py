"""Deploy checks of the core: what a deployment must set for the worker's emails to work."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=True)
def site_address_is_set(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """The worker sends digests and escalations with no request to take the address from: without
    SITE_URL their links are paths that no mail client can open."""
    if not settings.SITE_URL.startswith(("https://", "http://")):
        return [
            CheckWarning(
                "SITE_URL is not set to the service's address: the links in the daily digest and "
                "in safeguarding escalations are paths only, which no mail client can open.",
                hint="Set SITE_URL to the address people use, e.g. https://reviews.example.org.",
                id="core.W001",
            )
        ]
    return []
