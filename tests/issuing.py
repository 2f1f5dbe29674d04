"""Issuing the letter as the lead reviewer does: open "Before you issue", confirm every warning it
lists, and issue (tests that need an issued letter go through the confirmation, not around it)."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse


def issue_url(review: Any) -> str:
    return reverse("reports:issue", kwargs={"pk": getattr(review, "pk", review)})


def warnings_on_page(html: str) -> list[str]:
    return re.findall(r'name="confirmed" type="checkbox" value="([^"]+)"', html)


def issue_letter(client: Client, review: Any, *, follow: bool = False, **data: Any) -> Any:
    """Open the page (it must show), confirm each warning, press the button. ``data`` overrides
    what is sent (``based_on``: a stale page's number)."""
    url = issue_url(review)
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    html = page.content.decode()
    shown = re.search(r'name="based_on" value="(\d+)"', html)
    assert shown is not None
    sent = {"based_on": shown.group(1), "confirmed": warnings_on_page(html), **data}
    return client.post(url, sent, follow=follow)
