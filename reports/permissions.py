"""Who may see and change letter templates (the rules of ``reviews.permissions``, applied to the
reports app's own library, as ``audits.permissions`` does for audit tools).

Coordinators see the shipped templates and their organisation's own; only their organisation's own
can be changed (``LetterTemplate.may_be_edited_by``); shipped ones are copied. A letter's own copy is
never a library item: it is changed through its letter (the lead reviewer's ``edit_letter``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.library import get_library_item
from reports.models import LetterTemplate
from reviews.permissions import require_coordinator

if TYPE_CHECKING:
    from accounts.models import User


def get_letter_template_for(user: User, pk: Any, *, edit: bool = False) -> LetterTemplate:
    """A library letter template this coordinator may use (404 otherwise); ``edit``: one they may
    change (403 otherwise)."""
    require_coordinator(user)
    template: LetterTemplate = get_library_item(
        LetterTemplate.objects.usable_by(user),
        pk,
        user,
        edit=edit,
        missing="No letter template found",
        not_editable="Only your organisation's own letter templates can be changed. The templates "
        "that come with the service cannot be changed: make a copy.",
    )
    return template
