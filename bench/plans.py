"""Which queries of the main pages read a whole large table (PostgreSQL's plans, at the national size).

    .venv/bin/python bench/plans.py --database-url postgres://postgres@127.0.0.1:5432/frontdoor_bench

The query-count test shows that no page makes more queries as the data grows; it cannot show that one
of those queries reads more rows. This asks PostgreSQL for the plan of every query of every main page
(``EXPLAIN ANALYZE``, run as the page ran it) and prints each sequential scan of a table holding more
than ``--min-rows`` rows: a query that reads every review day or every review there has ever been
gets slower with every review. Joins that read the whole of a small table (a few hundred people) are
the planner's cheaper choice and are not listed. Exits 1 when it finds one.

The pages include the search within a review (``search``, words found in every evidence note,
finding and case audit comment of the review): its full-text match is on the expression the GIN
indexes of ``audits.0004_h5_search_indexes`` hold, and the indexes each of its queries used are
printed, so that one can see which path PostgreSQL took (a review's own rows by ``review_id``, or
the words' GIN index when they are rarer).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import _bench_review_id, _env, _pages, _parser, _setup_django, _sign_in  # noqa: E402

SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
INDEX_USED = re.compile(r"Index (?:Only )?Scan (?:using|on) (\w+)")
SHOW_INDEXES = {"search"}


def main() -> None:
    parser = _parser(__doc__)
    parser.add_argument("--min-rows", type=int, default=2000)
    args = parser.parse_args()
    env = _env(args, Path(tempfile.mkdtemp(prefix="frontdoor-plans-")) / "static")
    _setup_django(env)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.pages import AS_COORDINATOR
    from demo.dataset import BENCH_LEAD
    from reviews.setup.models import Role

    # Static files are not collected here: the pages are read for their queries only.
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    review_id = _bench_review_id()
    people = {
        "lead": User.objects.get(email=BENCH_LEAD),
        "coord": User.objects.get(
            memberships__review_id=review_id, memberships__role=Role.COORDINATOR
        ),
    }
    found = 0
    for name, url in _pages(review_id).items():
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = _sign_in(
            people["coord" if name in AS_COORDINATOR else "lead"]
        )
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, name
        scans = []
        indexes: set[str] = set()
        with connection.cursor() as cursor:
            for query in queries.captured_queries:
                if not query["sql"].lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
                indexes.update(INDEX_USED.findall(plan))
                for table in SEQ_SCAN.findall(plan):
                    cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
                    rows = int(cursor.fetchone()[0])
                    if rows > args.min_rows:
                        scans.append(f"{table} ({rows:,} rows): {query['sql'][:150]}")
        print(
            f"{name:<24} {len(queries.captured_queries):>2} queries, "
            f"{len(scans)} scan{'s' if len(scans) != 1 else ''} of a large table"
        )
        for scan in scans:
            print(f"    {scan}")
        if name in SHOW_INDEXES:
            print(f"    indexes used: {', '.join(sorted(indexes))}")
        found += len(scans)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
