"""Letter PDF rendering: the app's whole path against WeasyPrint alone on the same HTML.

    .venv/bin/python bench/letter.py [--runs 7] [--pages 10]

Builds seed 002's review (team, seven key lines of enquiry, findings, 20 audited cases on ten
criteria) in a throwaway SQLite database, adds findings until the letter is about ``--pages`` long,
then runs the app's whole path ``--runs`` times (compose the letter from the database, render its
template, WeasyPrint to a tagged PDF: what "Download the draft" and "Issue" do), timing the app's
own part and WeasyPrint's part of each run separately, so both are measured under the same load.

It prints the medians and the ratio of the whole path to WeasyPrint alone. Targets: the app adds no more than 10% to
WeasyPrint's own time, and a 10-page letter renders in under 2 seconds on a 2-core machine. An issued
version is downloaded from its stored file, never rendered again (see reports.views.version_download).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pages", type=int, default=10)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="letter-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{tmp}/media"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    import pypdf

    from core.pdf import html_to_pdf
    from reports.render import _logo, compose_letter, letter_html, letter_pdf
    from reviews.fieldwork.models import Finding
    from tests.reports.seed002 import build_seed_002_review

    review, _people = build_seed_002_review()
    kloes = list(review.framework.numbered_kloes())
    paragraph = (
        "We saw evidence of partners taking responsibility for their part in safeguarding rather "
        "than referring to children's social care with low level concerns, and of information "
        "sharing protocols that are embedded and applied in practice."
    )

    def pages() -> int:
        pdf = letter_pdf(compose_letter(review))
        return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)

    count = pages()
    while count < args.pages:
        Finding.objects.bulk_create(
            Finding(review=review, kloe=k, kind=kind, text=paragraph, status="agreed", position=900)
            for k in kloes
            for kind in ("strength", "area")
        )
        count = pages()

    own_times, wp_times, total_times = [], [], []
    for _ in range(args.runs):
        # One pass of the app's whole path, split where the app hands its HTML to WeasyPrint, so
        # both parts are timed under the same machine load.
        start = time.perf_counter()
        composed = compose_letter(review)
        html = letter_html(composed)
        extra = _logo(composed)
        handed_over = time.perf_counter()
        html_to_pdf(html, extra=extra, tagged=True)
        done = time.perf_counter()
        own_times.append(handed_over - start)
        wp_times.append(done - handed_over)
        total_times.append(done - start)
    own, wp, total = (statistics.median(t) for t in (own_times, wp_times, total_times))
    ratio = total / wp
    print(f"Letter: {count} pages (A4), {args.runs} runs")
    print("| measure | median (s) |")
    print("|---|---|")
    print(f"| app: compose from the database + render the template | {own:.3f} |")
    print(f"| WeasyPrint on that HTML (tagged PDF) | {wp:.3f} |")
    print(f"| whole path (what a draft download does) | {total:.3f} |")
    print(f"| ratio whole path / WeasyPrint alone | {ratio:.3f} |")
    print(
        f"Targets: ratio <= 1.10 -> {'met' if ratio <= 1.10 else 'NOT met'}; "
        f"{count}-page letter under 2 s -> {'met' if total < 2 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
