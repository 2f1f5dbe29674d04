"""Generate a benchmark database: ``small`` or ``national`` size, or your own numbers."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.dataset import (
    BENCH_HOST,
    BENCH_LEAD,
    GENERATED_PASSWORD,
    SIZES,
    AlreadyGenerated,
    generate,
)
from demo.dataset_reports import issue_generated_letters


class Command(BaseCommand):
    help = (
        "Fill an empty, migrated database with generated reviews for benchmarks: --size national "
        "(152 authorities x 10 years x 3 reviews a year) or small (4 reviews of the same shape). "
        "Deterministic with --seed. Never run it on a database with real data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=20261117)
        parser.add_argument(
            "--letters-per-authority",
            type=int,
            default=None,
            help="Render and store the letters of each authority's N latest issued reviews "
            "(default: all for the small size, 1 for the national size).",
        )
        for name in ("authorities", "years", "reviews-per-year", "findings", "cases", "notes"):
            parser.add_argument(f"--{name}", type=int, help=f"Override the size's {name}.")

    def handle(self, *args: Any, **options: Any) -> None:
        size = SIZES[options["size"]]
        overrides = {
            name: options[name]
            for name in ("authorities", "years", "reviews_per_year", "findings", "cases", "notes")
            if options.get(name) is not None
        }
        if any(value < 1 for value in overrides.values()):
            raise CommandError("Sizes must be at least 1.")
        size = replace(size, **overrides)
        if size.authorities < 2:
            raise CommandError("At least 2 authorities: a review's lead is never its host.")
        self.stdout.write(f"Generating {size.reviews} reviews ({size}), seed {options['seed']}...")
        started = time.monotonic()
        try:
            result = generate(size=size, seed=options["seed"], progress=self._progress)
        except AlreadyGenerated as exc:
            raise CommandError(str(exc)) from None
        for name, count in result.rows.items():
            self.stdout.write(f"  {name:>18}: {count:,}")
        # Each chosen issued review's letter is really rendered and stored.
        per_authority = options["letters_per_authority"]
        if per_authority is None and options["size"] == "national":
            per_authority = 1
        letters = issue_generated_letters(per_authority=per_authority, progress=self.stdout.write)
        self.stdout.write(f"  {'letter versions':>18}: {letters:,}")
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {seconds:.0f} s. Benchmark review: /reviews/{result.bench_review_id}/ "
                f"(lead reviewer {BENCH_LEAD}, host lead {BENCH_HOST}; every generated person's "
                f"password is {GENERATED_PASSWORD})."
            )
        )

    def _progress(self, message: str) -> None:
        self.stdout.write(f"  {message}")
