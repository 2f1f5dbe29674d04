"""The issued letters' stored files against their rows: files no version names (left by an issue that
failed, or by a process killed between writing the files and committing), and, with ``--verify``,
every version's files that are missing or differ from their SHA-256."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.models import LetterVersion

ROOT = "letters"


def stored_files(storage: Storage, folder: str = ROOT) -> Iterator[str]:
    """Every file's name under ``folder`` of the store."""
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from stored_files(storage, f"{folder}/{sub}")


def unreferenced_files(storage: Storage = default_storage) -> list[str]:
    referenced: set[str] = set()
    for names in LetterVersion.objects.values_list("pdf", "docx", "pptx", "slides_pdf"):
        referenced.update(name for name in names if name)
    return sorted(name for name in stored_files(storage) if name not in referenced)


def damaged_files(storage: Storage = default_storage) -> list[tuple[str, str]]:
    """(file, "missing" or "not as issued") for every version's file that would be refused."""
    found = []
    for version in LetterVersion.objects.order_by("letter_id", "number"):
        for field, expected in (
            (version.pdf, version.pdf_sha256),
            (version.docx, version.docx_sha256),
            (version.pptx, version.pptx_sha256),
            (version.slides_pdf, version.slides_pdf_sha256),
        ):
            if not field.name:  # issued before the presentation was stored with the letter
                continue
            digest = hashlib.sha256()
            try:
                with storage.open(field.name, "rb") as handle:
                    for chunk in handle.chunks():
                        digest.update(chunk)
            except (OSError, ValueError):
                found.append((field.name, "missing"))
                continue
            if digest.hexdigest() != expected:
                found.append((field.name, "not as issued"))
    return found


class Command(BaseCommand):
    help = (
        "List the files under letters/ that no issued version names (--remove deletes them); "
        "--verify also checks every issued version's files against their SHA-256 (exit status 1 if "
        "any is missing or differs)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--remove", action="store_true", help="Delete the unreferenced files.")
        parser.add_argument("--verify", action="store_true", help="Check every version's files.")

    def handle(self, *args: Any, **options: Any) -> None:
        orphans = unreferenced_files()
        for name in orphans:
            if options["remove"]:
                default_storage.delete(name)
                self.stdout.write(f"removed {name}")
            else:
                self.stdout.write(f"unreferenced {name}")
        self.stdout.write(
            f"{len(orphans)} unreferenced file(s){' removed' if options['remove'] else ''}."
        )
        if options["verify"]:
            damaged = damaged_files()
            for name, reason in damaged:
                self.stdout.write(f"{reason}: {name}")
            total = LetterVersion.objects.count()
            self.stdout.write(f"{total} issued version(s) checked, {len(damaged)} file(s) refused.")
            if damaged:
                raise CommandError(
                    f"{len(damaged)} issued letter file(s) missing or not as issued: restore them "
                    "from the backup of the files taken with the database's (docs/deploy.md)."
                )
