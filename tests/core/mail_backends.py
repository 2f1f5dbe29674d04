"""Mail backends for the tests of the outbox: servers that refuse, for a while or for good."""

from __future__ import annotations

import smtplib
from typing import ClassVar

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down: 421, try again later."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, b"Service not available, try again later")


class UnknownAddressBackend(BaseEmailBackend):
    """A mail server that refuses the address for good: 550."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused(
            {m.to[0]: (550, b"5.1.1 No such user") for m in email_messages}
        )


class FlakyBackend(LocmemBackend):
    """Refuses while ``down`` is true, then delivers to ``mail.outbox``."""

    down: ClassVar[bool] = True

    def send_messages(self, email_messages):
        if FlakyBackend.down:
            raise smtplib.SMTPConnectError(421, b"Service not available")
        return super().send_messages(email_messages)
