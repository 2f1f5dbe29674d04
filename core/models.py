"""Abstract models for fields many rows share: when they were made and changed, and the ``version`` of
rows two people can edit (see ``core.versioning``)."""

from __future__ import annotations

from django.db import models


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Versioned(Timestamped):
    """A row two people can edit: every save names the version it was based on."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
