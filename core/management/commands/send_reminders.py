"""``manage.py send_reminders``: the scheduled work, now: safeguarding alerts escalated, each
person's daily digest of what is due (once a day). ``--schedule`` instead puts the worker's own
repeating run in the queue (one at a time: running it again changes nothing); ``make run`` does."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.reminders import run_reminders, schedule_first


class Command(BaseCommand):
    help = "Escalate unacknowledged safeguarding alerts and send the daily digests, now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Queue the worker's repeating run instead (nothing if one is waiting already).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            if schedule_first():
                self.stdout.write(
                    "Reminders scheduled: the worker runs them now and then every REMINDERS_EVERY_MINUTES."
                )
            else:
                self.stdout.write("Reminders already scheduled (or this task backend cannot wait).")
            return
        done = run_reminders()
        for key, count in done.items():
            self.stdout.write(f"{key}: {count}")
