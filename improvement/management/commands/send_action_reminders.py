from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from core.email import send_email
from improvement.services import reminders, today
from reviews.setup.models import Membership, Role


class Command(BaseCommand):
    help = (
        "Email each host lead contact the actions of their action plan that are due within a week "
        "or overdue. Schedule it weekly (for example, cron on Monday morning)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Say who would be emailed.")
        parser.add_argument("--date", help="Pretend today is this date (YYYY-MM-DD).")
        parser.add_argument("--days", type=int, default=7, help="Due within this many days.")
        parser.add_argument(
            "--site-url",
            default="",
            help="The service's address for the link in the email, e.g. https://peer-review.example",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = today()
        if options["date"]:
            try:
                on = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("Give --date as YYYY-MM-DD") from None
        days = max(0, options["days"])
        found = reminders(on=on, days=days)
        leads = Membership.objects.filter(
            review__in=list(found), role=Role.HOST_LEAD, user__is_active=True
        ).select_related("user")
        by_review: dict[int, list] = {}
        for membership in leads:
            by_review.setdefault(membership.review_id, []).append(membership.user)
        sent = 0
        for review, due in found.items():
            url = options["site_url"].rstrip("/") + reverse(
                "improvement:action-plan", kwargs={"pk": review.pk}
            )
            for person in by_review.get(review.pk, []):
                overdue = sum(1 for a in due if a.overdue)
                line = (
                    f"{person.email}: {len(due)} action(s) due or overdue ({overdue} overdue) "
                    f"on '{review.title}'"
                )
                if options["dry_run"]:
                    self.stdout.write(f"Would email {line}")
                    continue
                context = {
                    "person": person,
                    "review": review,
                    "due": due,
                    "days": days,
                    "today": on,
                    "url": url,
                }
                sent += send_email(
                    template="improvement/email/action_reminder",
                    context=context,
                    to=[person.email],
                    about=review,
                ).count
                self.stdout.write(f"Queued an email to {line}")
        if not options["dry_run"]:
            self.stdout.write(
                f"{sent} reminder email(s) queued: the worker sends them "
                "(manage.py email_outbox shows how they went)."
            )
