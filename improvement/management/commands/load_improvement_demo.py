from django.core.management.base import BaseCommand

from improvement.demo import load_improvement_demo


class Command(BaseCommand):
    help = (
        "Load the demo after the letter: a previous review with an action plan, an Ofsted "
        "inspection and a region. Run after load_demo (which calls it). Safe to run again."
    )

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(load_improvement_demo())
