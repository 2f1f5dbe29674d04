from django.conf import settings
from django.core.management.base import BaseCommand

from demo.audits import load_audit_demo
from demo.improvement import load_improvement_demo
from demo.journey import load_journey_demo
from demo.programme import LOGINS as PROGRAMME_LOGINS
from demo.programme import load_programme_demo
from demo.reports import issue_demo_letters
from demo.reviews import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo: fictional authorities, people and two reviews. Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        logins = load_demo()
        self.stdout.write(load_audit_demo())
        self.stdout.write(load_improvement_demo())
        self.stdout.write(load_programme_demo())
        self.stdout.write(f"Demo letters issued: {issue_demo_letters()}")
        self.stdout.write(load_journey_demo())
        site = settings.SITE_URL or "http://127.0.0.1:8000"
        self.stdout.write(self.style.SUCCESS(f"Demo loaded. Sign in at {site}/ as:"))
        width = max(len(login.role) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.role.ljust(width)}  {login.email}")
        for role, email in PROGRAMME_LOGINS:  # an authority's own audit programme (issue 23)
            self.stdout.write(f"  {role.ljust(width)}  {email}")
        self.stdout.write(f"Every demo account's password is: {DEMO_PASSWORD}")
