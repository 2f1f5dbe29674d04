from django.core.management.base import BaseCommand

from demo.audits import load_audit_demo
from demo.improvement import load_improvement_demo
from demo.reports import issue_demo_letters
from demo.reviews import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo: fictional authorities, people and two reviews. Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        logins = load_demo()
        self.stdout.write(load_audit_demo())
        self.stdout.write(load_improvement_demo())
        self.stdout.write(f"Demo letters issued: {issue_demo_letters()}")
        self.stdout.write(self.style.SUCCESS("Demo loaded. Sign in at http://127.0.0.1:8000/ as:"))
        width = max(len(login.role) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.role.ljust(width)}  {login.email}")
        self.stdout.write(f"Every demo account's password is: {DEMO_PASSWORD}")
