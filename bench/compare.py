"""Print the results tables of docs/performance.md from two runs of bench/run.py.

.venv/bin/python bench/compare.py bench/results/small.json bench/results/national.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

CEILING = "minimal view (ceiling)"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _client(m: dict) -> str:
    """wrk's p95, or a note when no response came back within the run (all were still queued)."""
    return _ms(m["client_p95_ms"]) if m["requests"] else "none back in time"


def _ratio(a: float | None, b: float | None) -> str:
    return "–" if not a or not b else f"{a / b:.2f}"


def _pairs(small: dict, national: dict, users: str) -> list[tuple[str, dict, dict]]:
    """Each page's measurement at ``users`` connections: (name, small's, national's)."""
    return [
        (name, by[users], national["pages"][name][users]) for name, by in small["pages"].items()
    ]


def main(small_path: str, national_path: str) -> None:
    small = json.loads(Path(small_path).read_text())
    national = json.loads(Path(national_path).read_text())
    print(
        f"Runs: {small['workers']} gunicorn workers, {small['seconds']} s per measurement, "
        f"{small['cpus']} CPUs (shared with other work: see the notes).\n"
    )
    print("### Queries per page\n")
    print("| page | small | national | equal |")
    print("| --- | ---: | ---: | --- |")
    for name, count in small["query_counts"].items():
        other = national["query_counts"].get(name)
        print(f"| {name} | {count} | {other} | {'yes' if count == other else 'NO'} |")
    for users in small["pages"][CEILING]:
        print(f"\n### Pages at {users} concurrent users (server-side milliseconds)\n")
        print(
            "| page | small p50 | small p95 | national p50 | national p95 | national / small "
            "(p50) | small / ceiling (p50) | national / ceiling (p50) | errors |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        s_ceiling = small["pages"][CEILING][users]["server_p50_ms"]
        n_ceiling = national["pages"][CEILING][users]["server_p50_ms"]
        for name, s, n in _pairs(small, national, users):
            print(
                f"| {name} | {_ms(s['server_p50_ms'])} | {_ms(s['server_p95_ms'])} "
                f"| {_ms(n['server_p50_ms'])} | {_ms(n['server_p95_ms'])} "
                f"| {_ratio(n['server_p50_ms'], s['server_p50_ms'])} "
                f"| {_ratio(s['server_p50_ms'], s_ceiling)} "
                f"| {_ratio(n['server_p50_ms'], n_ceiling)} "
                f"| {s['errors'] + n['errors']} |"
            )
        print(
            "\nAs the client saw it (wrk, queueing for a worker included), p95 in ms, small / "
            "national, and throughput (requests a second):\n"
        )
        print("| page | small p95 | national p95 | small req/s | national req/s |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, s, n in _pairs(small, national, users):
            print(
                f"| {name} | {_client(s)} | {_client(n)} "
                f"| {s['throughput_rps']} | {n['throughput_rps']} |"
            )
    print("\n### Saves under load\n")
    print(
        "| save | size | users | saves/s | server p50 ms | server p95 ms | client p95 ms | errors |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for run in (small, national):
        for name, m in run["saves"].items():
            print(
                f"| {name} | {run['label']} | {run.get('write_users', 50)} | {m['throughput_rps']} "
                f"| {_ms(m['server_p50_ms'])} | {_ms(m['server_p95_ms'])} "
                f"| {_client(m)} | {m['errors']} |"
            )
    print("\n### Memory per gunicorn worker after the load (RSS, MB)\n")
    for run in (small, national):
        print(f"- {run['label']}: {', '.join(str(x) for x in run['worker_rss_mb'])}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
