"""Banners every page shows a person until they act: the registry each app adds to.

An app registers a provider in its AppConfig.ready(); a provider takes the signed-in person and
returns ``Banner``s in at most one query (the context processor ``banners`` runs on every page, so
each provider adds at most one query to every page's budget). Core imports no app: it only calls
the providers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


@dataclass(frozen=True)
class Banner:
    heading: str  # what happened, in words
    link_text: str  # what to do
    url: str  # straight to it
    title: str = "Important"


BannerProvider = Callable[[Any], list[Banner]]
PROVIDERS: dict[str, BannerProvider] = {}


def register(key: str, provider: BannerProvider) -> None:
    PROVIDERS.setdefault(key, provider)


def for_person(user: Any) -> list[Banner]:
    return [banner for provider in PROVIDERS.values() for banner in provider(user)]


def banners(request: HttpRequest) -> dict[str, object]:
    """Template context: ``banners``, worked out only when a page shows it (a JSON answer or a
    redirect never asks), for signed-in people only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"banners": []}
    return {"banners": SimpleLazyObject(lambda: for_person(user))}
