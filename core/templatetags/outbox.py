"""``{% load outbox %}{% email_deliveries thing heading="..." since=when %}``: how the emails about
``thing`` went (queued, sent, failed after N tries with the reason), for the pages of one thing
(a letter, a version). One query; list pages fetch theirs with ``core.email.deliveries_for``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.db import models

from core.email import deliveries_about

register = template.Library()


@register.inclusion_tag("includes/email_deliveries.html")
def email_deliveries(
    about: models.Model | None, heading: str = "Emails", since: dt.datetime | None = None
) -> dict[str, Any]:
    emails = deliveries_about(about, since=since) if about is not None else []
    return {"emails": emails, "heading": heading}
