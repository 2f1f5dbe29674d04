from django.core.management import call_command
from django.core.management.base import BaseCommand

from reviews.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo: fictional authorities, people and two reviews. Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        logins = load_demo()
        call_command("load_audit_demo", stdout=self.stdout)
        call_command("load_improvement_demo", stdout=self.stdout)
        call_command("load_letter_demo", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo loaded. Sign in at http://127.0.0.1:8000/ as:"))
        width = max(len(login.role) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.role.ljust(width)}  {login.email}")
        self.stdout.write(f"Every demo account's password is: {DEMO_PASSWORD}")
