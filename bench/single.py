"""One request at a time: the median time of each main page, in process, with no load.

    .venv/bin/python bench/single.py --database-url postgres://postgres@127.0.0.1:5432/frontdoor_bench

The same production settings as bench/run.py, through Django's test client (no HTTP, no gunicorn):
the cost of the page itself, for comparing the two data sizes when the machine is too busy for the
load runs to be steady. Prints one line of JSON per page: median and 95th percentile in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    _bench_review_id,
    _env,
    _pages,
    _remove_write_targets,
    _setup_django,
    _sign_in,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--media-root", default=str(ROOT / "media"))
    parser.add_argument("--cache-url", default="locmem://")
    parser.add_argument(
        "--no-stack-room",
        action="store_true",
        help="without config.stack.StackRoomMiddleware, to measure what it saves",
    )
    args = parser.parse_args()
    env = _env(args, Path(tempfile.mkdtemp(prefix="frontdoor-single-")) / "static")
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )
    _setup_django(env)
    from django.conf import settings
    from django.test import Client

    from accounts.models import User
    from audits.dataset import BENCH_LEAD
    from bench.pages import AS_COORDINATOR
    from reviews.models import Role

    review_id = _bench_review_id()
    _remove_write_targets(review_id)
    coordinator = User.objects.get(
        memberships__review_id=review_id, memberships__role=Role.COORDINATOR
    )
    sessions = {
        "lead": _sign_in(User.objects.get(email=BENCH_LEAD)),
        "coord": _sign_in(coordinator),
    }
    for name, url in {"minimal view (ceiling)": "/bench/minimal", **_pages(review_id)}.items():
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[
            "coord" if name in AS_COORDINATOR else "lead"
        ]
        client.get(url)
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        times.sort()
        result = {
            "page": name,
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        }
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
