"""Changes to an organisation that people make in the service (not in the admin site)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from accounts.models import Organisation
from core.versioning import save_versioned
from trail.models import Event
from trail.services import record, trail_value

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.forms import LetterheadForm
    from accounts.models import User


def update_letterhead(
    *, form: LetterheadForm, user: User, request: HttpRequest | None = None
) -> Organisation:
    """Save a coordinator's edit of their organisation's letterhead, version-checked (``StaleEdit``),
    and record it in the trail in the same transaction: who, and each changed field (old → new). A
    replaced or removed logo's file is deleted once the change is saved."""
    organisation: Organisation = form.instance
    with transaction.atomic():
        before = Organisation.objects.select_for_update().get(pk=organisation.pk)
        saved = save_versioned(form)
        changed = {}
        for name in type(form).Meta.fields:
            old, new = getattr(before, name), getattr(saved, name)
            if name == "logo":
                old, new = old.name or "", new.name or ""
            if old != new:
                changed[name] = {"from": trail_value(old), "to": trail_value(new)}
        if changed:
            record(
                action=Event.Action.ORGANISATION_CHANGED,
                request=request,
                actor=user,
                obj=saved,
                detail={"change": "letterhead edited", "changed": changed},
            )
        old_logo = before.logo.name
        if old_logo and old_logo != saved.logo.name:
            storage = before.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    return saved
