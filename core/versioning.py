"""Optimistic locking, the one way: rows two people can edit carry a ``version``; a save names the
version it was based on, and the check and the write are one statement
(``UPDATE ... SET version = version + 1, ... WHERE pk = %s AND version = %s``), so the database decides
between two people saving at once and nobody silently overwrites a colleague's work.

- ``StaleEdit``: the one error, with the one message people see.
- ``update_versioned``: the one version-checked UPDATE; ``save_versioned`` for a ModelForm.
- ``VersionedFormMixin``: the hidden ``version`` field of every form that edits such a row.
- ``rebind_conflict``: after a refused save, the person's own text rebound to the current version with
  the message, so saving again (deliberately) is allowed.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

if TYPE_CHECKING:
    from django.http import QueryDict

MESSAGE = (
    "Someone else changed this while you were editing it. Your changes are shown below: check "
    "them against the latest version, then save again."
)


class StaleEdit(Exception):
    """Someone saved the row since the person's page showed it. ``current``: the row as it is now,
    when the code that refused the save has it."""

    message = MESSAGE

    def __init__(self, current: Any = None) -> None:
        super().__init__(MESSAGE)
        self.current = current


def update_versioned(
    model_or_queryset: type[models.Model] | models.QuerySet,
    *,
    pk: Any,
    version: int | None,
    values: dict[str, Any],
) -> int:
    """Write ``values`` to the row ``pk`` if it is still at ``version``; return its new version.

    A queryset narrows which rows may be written (``SelfAssessment.objects.filter(status=DRAFT)``).
    ``updated_at`` is set to now when the model has it and ``values`` does not. Raises ``StaleEdit``
    when the row has moved on (or is not in the queryset, or ``version`` is None)."""
    if isinstance(model_or_queryset, models.QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._default_manager.all()
    changes = dict(values)
    if "updated_at" not in changes and any(
        f.name == "updated_at" for f in queryset.model._meta.concrete_fields
    ):
        changes["updated_at"] = timezone.now()
    if version is None:
        raise StaleEdit
    updated = queryset.filter(pk=pk, version=version).update(**changes, version=F("version") + 1)
    if not updated:
        raise StaleEdit
    return version + 1


def save_versioned(form: forms.ModelForm, *, version: int | None = None) -> Any:
    """Save a ModelForm for a row with a ``version``, unless someone saved the row since the form's
    ``version`` (or the one given). Raises ``StaleEdit``; nothing is written then."""
    instance = form.instance
    expected = form.cleaned_data.get("version") if version is None else version
    with transaction.atomic():
        instance.version = update_versioned(
            type(instance), pk=instance.pk, version=expected, values={}
        )
        return form.save()


class VersionedFormMixin:
    """The hidden ``version`` field. Its initial is the ``version`` given, else the instance's (a
    ModelForm); a ModelForm for a row not saved yet has no version to check, so no field.

    ``version_required``: a form sent without it is invalid (else it is a refused save)."""

    version_required = False
    fields: dict[str, forms.Field]  # typing only: mixed into a form, which has its fields

    def __init__(self, *args: Any, version: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if version is None and instance is not None:
            if instance.pk is None:
                return
            version = instance.version
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=self.version_required,
            min_value=0,
            initial=version,
        )


def rebind_conflict(
    form_class: type[forms.BaseForm],
    data: Mapping[str, Any],
    current: Any,
    *,
    current_version: int | None = None,
    **form_kwargs: Any,
) -> Any:
    """The form again with the person's own POST, at ``current``'s version (or ``current_version``,
    for a row that may be gone): saving again is then a deliberate choice. The one message is its
    non-field error.

    A ModelForm gets its own copy of ``current`` as its instance (validating sets the person's words
    on it, and the page shows ``current`` beside them) unless ``instance`` is given."""
    if issubclass(form_class, forms.BaseModelForm):
        form_kwargs.setdefault("instance", copy.copy(current))
    if current_version is None:
        current_version = current.version
    # A form's data is a QueryDict (a POST) or a dict (restored text): either copies to a mutable one.
    mutable = cast("QueryDict | dict[str, Any]", data).copy()
    form = form_class(mutable, **form_kwargs)
    mutable[form.add_prefix("version")] = str(current_version)
    form.is_valid()
    form.add_error(None, MESSAGE)
    return form


__all__ = [
    "MESSAGE",
    "StaleEdit",
    "VersionedFormMixin",
    "rebind_conflict",
    "save_versioned",
    "update_versioned",
]
