from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reports.dataset import issue_generated_letters


class Command(BaseCommand):
    help = (
        "Render and store the letters of a generated benchmark database's issued reviews "
        "(run by generate_dataset). --per-authority N: only each authority's N latest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--per-authority", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        count = issue_generated_letters(
            per_authority=options["per_authority"], progress=self.stdout.write
        )
        self.stdout.write(f"  {'letter versions':>18}: {count:,}")
