"""Library items (frameworks, audit tools): shipped ones that no one edits, and organisations' own
copies that only their own people may change."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404


def get_library_item(
    items: QuerySet[Any], pk: Any, user: Any, *, edit: bool, missing: str, not_editable: str
) -> Any:
    """The item ``pk`` among ``items`` (those the person may see), else 404 saying ``missing``; with
    ``edit``, one they may also change, else 403 saying ``not_editable``."""
    item = items.filter(pk=pk).first()
    if item is None:
        raise Http404(missing)
    if edit and not item.may_be_edited_by(user):
        raise PermissionDenied(not_editable)
    return item
