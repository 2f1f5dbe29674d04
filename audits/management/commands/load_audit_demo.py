from django.core.management.base import BaseCommand

from audits.demo import load_audit_demo


class Command(BaseCommand):
    help = (
        "Load the demo's case list, sample and audits for the fieldwork review. Safe to run again."
    )

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(load_audit_demo())
