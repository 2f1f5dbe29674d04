"""One request at a time: the median time of each main page, in process, with no load.

    .venv/bin/python bench/single.py --database-url postgres://postgres@127.0.0.1:5432/frontdoor_bench

The same production settings as bench/run.py, through Django's test client (no HTTP, no gunicorn):
the cost of the page itself, for comparing the two data sizes when the machine is too busy for the
load runs to be steady. Prints one line of JSON per page: median and 95th percentile in milliseconds,
and the median number of minor page faults a request.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    _collect_and_set_up,
    _env,
    _pages,
    _parser,
    _remove_write_targets,
    _sign_in,
)


def main() -> None:
    parser = _parser(__doc__)
    parser.add_argument("--requests", type=int, default=30)
    room = parser.add_mutually_exclusive_group()
    room.add_argument(
        "--no-stack-room",
        action="store_true",
        help="without core.stack.StackRoomMiddleware, to measure what it saves",
    )
    room.add_argument(
        "--compare-stack-room",
        action="store_true",
        help="each page with and without the room (core/stack.py), in alternating blocks",
    )
    args = parser.parse_args()
    review_id = _collect_and_set_up(
        _env(args, Path(tempfile.mkdtemp(prefix="frontdoor-single-")) / "static")
    )
    from django.conf import settings
    from django.test import Client

    from accounts.models import User
    from bench.pages import AS_COORDINATOR
    from demo.dataset import BENCH_LEAD
    from reviews.setup.models import Role

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
        if args.compare_stack_room:
            result = {"page": name, **_compare_stack_room(client, url, args.requests)}
        else:
            times, faults = _requests(client, url, args.requests)
            result = {
                "page": name,
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
                # Minor page faults a request (median): in the hundreds when a loop sits on a
                # boundary of CPython's frame stack (core/stack.py).
                "page_faults": int(statistics.median(faults)),
            }
        print(json.dumps(result), flush=True)


def _requests(client, url: str, count: int) -> tuple[list[float], list[int]]:
    """Milliseconds (sorted) and minor page faults of ``count`` requests, one at a time."""
    times, faults = [], []
    for _ in range(count):
        faults_before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults_before)
        assert response.status_code == 200, (url, response.status_code)
    return sorted(times), faults


def _compare_stack_room(client, url: str, count: int) -> dict[str, float]:
    """The page with and without core.stack's room, in alternating blocks in this one process, so
    that the machine's drift falls on both alike."""
    import core.stack

    with_room = core.stack.call_with_room
    runs: dict[str, tuple[list[float], list[int]]] = {"with": ([], []), "without": ([], [])}
    for block in range(6):
        for mode in ("with", "without") if block % 2 == 0 else ("without", "with"):
            core.stack.call_with_room = with_room if mode == "with" else _plain_call
            times, faults = _requests(client, url, max(1, count // 3))
            runs[mode][0].extend(times)
            runs[mode][1].extend(faults)
    core.stack.call_with_room = with_room
    medians = {mode: statistics.median(times) for mode, (times, _) in runs.items()}
    return {
        "with_room_ms": round(medians["with"], 1),
        "without_room_ms": round(medians["without"], 1),
        "ratio": round(medians["with"] / medians["without"], 2),
        "page_faults_with": int(statistics.median(runs["with"][1])),
        "page_faults_without": int(statistics.median(runs["without"][1])),
    }


def _plain_call(call, arg):
    return call(arg)


if __name__ == "__main__":
    main()
