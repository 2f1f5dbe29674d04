"""``manage.py email_outbox``: how the outbox stands (queued, sending, sent, failed), the emails not
sent yet with their last reason; ``--send-due`` sends the due ones here and now; ``--requeue-stuck``
puts back the ones a killed worker left half-sent; ``--delete-sent DAYS`` forgets old sent ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count
from django.utils import timezone

from core.email import requeue_stuck, send_due
from core.models import Email


class Command(BaseCommand):
    help = "Show the email outbox; optionally send what is due or requeue emails a worker left."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--send-due", action="store_true", help="Send the queued emails that are due, now."
        )
        parser.add_argument(
            "--requeue-stuck",
            type=int,
            metavar="MINUTES",
            help="Queue again the emails left 'sending' for longer than MINUTES (a killed worker).",
        )
        parser.add_argument(
            "--delete-sent",
            type=int,
            metavar="DAYS",
            help="Delete the record of emails sent more than DAYS days ago (their body is gone).",
        )
        parser.add_argument("--limit", type=int, default=20, help="How many unsent emails to list.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["requeue_stuck"] is not None:
            count = requeue_stuck(older_than=dt.timedelta(minutes=options["requeue_stuck"]))
            self.stdout.write(f"{count} email(s) queued again.")
        if options["delete_sent"] is not None:
            cutoff = timezone.now() - dt.timedelta(days=options["delete_sent"])
            deleted, _ = Email.objects.filter(state=Email.State.SENT, sent_at__lt=cutoff).delete()
            self.stdout.write(f"{deleted} sent email record(s) deleted.")
        if options["send_due"]:
            self.stdout.write(f"{send_due()} email(s) sent.")
        counts = dict(
            Email.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n")
        )
        self.stdout.write(
            ", ".join(f"{label}: {counts.get(state, 0)}" for state, label in Email.State.choices)
        )
        unsent = Email.objects.exclude(state=Email.State.SENT).order_by("-created_at")
        for email in unsent.defer("body")[: options["limit"]]:
            when = f", next try {email.next_try_at:%Y-%m-%d %H:%M}" if email.next_try_at else ""
            reason = f": {email.last_error}" if email.last_error else ""
            self.stdout.write(
                f"#{email.pk} {email.state} {email.template} to {email.to}, "
                f"{email.attempts} {'try' if email.attempts == 1 else 'tries'}{when}{reason}"
            )
