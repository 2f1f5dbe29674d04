from django.core.management.base import BaseCommand

from reports.demo import issue_demo_letters


class Command(BaseCommand):
    help = "Issue the demo's finished review's letter (run by load_demo). Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        issued = issue_demo_letters()
        self.stdout.write(f"Demo letters issued: {issued}")
