from django.core.management.base import BaseCommand

from reviews.default_frameworks import install_default_frameworks
from reviews.setup.models import Framework, Kloe


class Command(BaseCommand):
    help = "Install the default frameworks of key lines of enquiry that are missing."

    def handle(self, *args, **options) -> None:
        created = install_default_frameworks(Framework, Kloe)
        self.stdout.write(f"Default frameworks installed: {created} new.")
