"""Bring the shipped letter templates up to date with reports/shipped_templates.py.

Organisations' own templates, their copies and every letter's own copy are left alone: a letter never
changes because the product's templates did.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from reports.models import LetterTemplate, TemplateSection
from reports.shipped_templates import COMMITTEE_TEMPLATES, TEMPLATES, install


class Command(BaseCommand):
    help = "Create or update the letter templates that ship with the product."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            count = install(LetterTemplate, TemplateSection, TEMPLATES + COMMITTEE_TEMPLATES)
        self.stdout.write(self.style.SUCCESS(f"{count} shipped letter templates are up to date."))
