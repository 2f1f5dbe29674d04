"""Subject access: everything the service holds about one person, as JSON-ready data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core import serializers
from django.db import models

from trail.models import Event

if TYPE_CHECKING:
    from accounts.models import User

# Secrets are never exported, even to their owner: they would let someone else sign in as them.
_SECRET_FIELDS = {
    "password",
    "key",
    "token",
    "session_epoch",
    "throttling_failure_count",
    "throttling_failure_timestamp",
}


def export_person(user: User) -> dict[str, Any]:
    data: dict[str, Any] = {"person": _row(user)}
    for relation in type(user)._meta.related_objects:
        if relation.related_model is Event:
            continue
        accessor = relation.get_accessor_name()
        if accessor is None or not hasattr(user, accessor):
            continue
        manager = getattr(user, accessor)
        rows = [manager] if isinstance(manager, models.Model) else list(manager.all())
        if rows:
            # A reverse relation's model is a model class ("self" is resolved by now).
            model = cast(type[models.Model], relation.related_model)
            data[model._meta.label] = [_row(row) for row in rows]
    data["audit trail (as actor)"] = [
        {
            "at": event.at.isoformat(),
            "action": event.get_action_display(),
            "object": event.object_repr,
            "review_id": event.review_id,
            "ip_address": event.ip_address,
        }
        for event in Event.objects.filter(actor_id=user.pk).order_by("at")
    ]
    return data


def _row(obj: models.Model) -> dict[str, Any]:
    serialized = serializers.serialize("python", [obj])[0]
    fields = {k: v for k, v in serialized["fields"].items() if k not in _SECRET_FIELDS}
    return {"model": serialized["model"], "pk": serialized["pk"], **fields}
