"""The request type of the views that require sign-in (typing only: nothing here runs differently)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that LoginRequiredMiddleware let through: ``request.user`` is a signed-in ``User``.

    The django-stubs pattern: annotate a view's ``request`` with this class (views marked
    ``@login_not_required`` keep ``HttpRequest``); no instance of it is ever made.
    """

    user: User
