"""Benchmark one generated database: query counts, page response times under load, saves under load,
memory per worker. See docs/performance.md for the commands and the results.

    .venv/bin/python bench/run.py --database-url postgres://postgres@127.0.0.1:5432/frontdoor_bench \
        --label national --out bench/results/national.json

It runs gunicorn with the production settings (DEBUG off, static files collected, PostgreSQL) and the
benchmark-only minimal view switched on (BENCHMARK_VIEWS=true), signs the benchmark people in by
creating their sessions (second factor verified), and loads the server from a second process, wrk.

Server-side times come from gunicorn's access log (%(D)s: from reading the request to sending the
response, queueing in the listen backlog excluded); wrk's own times (queueing included) are kept too.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK = ROOT / "bench" / "wrk"
CSRF = "benchcsrfsecret0123456789abcdefg"  # 32 characters: the cookie and the form field
WRITE_TARGETS = 200


def _env(args: argparse.Namespace, static_root: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
        "DATABASE_URL": args.database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "COOKIE_HOST_PREFIX": "false",
        "SECURE_HSTS_SECONDS": "0",
        "BENCHMARK_VIEWS": "true",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": args.media_root,
        "LOG_LEVEL": "WARNING",
        "CACHE_URL": args.cache_url,
        "STACK_ROOM": "false" if getattr(args, "no_stack_room", False) else "true",
    }


def _setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _collect_and_set_up(env: dict[str, str]) -> int:
    """Static files collected into the run's own folder, Django set up: the generated review's id."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )
    _setup_django(env)
    return _bench_review_id()


def _parser(doc: str) -> argparse.ArgumentParser:
    """The options every bench script takes: the database, the media folder and the cache."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--media-root", default=str(ROOT / "media"))
    parser.add_argument("--cache-url", default="locmem://")
    return parser


def _sign_in(user) -> str:
    """A session for this person, signed in with the second factor verified, as after both steps."""
    import time as _time

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    now = int(_time.time())
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store["signed_in_at"] = now
    store["last_seen"] = now
    store.create()
    return store.session_key


def _pages(review_id: int) -> dict[str, str]:
    from audits.models import Case
    from bench.pages import main_pages

    case = Case.objects.filter(review_id=review_id).order_by("reference").first()
    return main_pages(review_id, case.pk)


def _bench_review_id() -> int:
    from demo.dataset import BENCH_LEAD
    from reviews.setup.models import Review, Role

    return (
        Review.objects.filter(
            memberships__user__email=BENCH_LEAD,
            memberships__role=Role.LEAD_REVIEWER,
            status=Review.Status.FIELDWORK,
        )
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


def _query_counts(pages: dict[str, str], sessions: dict[str, str]) -> dict[str, int]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import AS_COORDINATOR

    counts = {}
    for name, url in pages.items():
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[
            "coord" if name in AS_COORDINATOR else "lead"
        ]
        client.get(url)
        # Twice: one of them may also write "last seen" to the session (at most every 15 s).
        seen = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{name} ({url}) answered {response.status_code}")
            seen.append(len(queries))
        counts[name] = min(seen)
    return counts


def _remove_write_targets(review_id: int) -> None:
    """Remove the findings a save benchmark added, so that every run measures the same pages."""
    from reviews.fieldwork.models import Finding

    Finding.objects.filter(review_id=review_id, text__startswith="Bench target").delete()


def _write_targets(review_id: int, path: Path) -> dict[str, int]:
    """Rows the save benchmarks write to: the benchmark review's criterion answers, and findings
    added for the purpose (so the findings page measured before keeps its 40)."""
    from django.urls import reverse

    from accounts.models import User
    from audits.models import CriterionAnswer
    from demo.dataset import BENCH_LEAD
    from reviews.fieldwork.models import Finding
    from reviews.setup.models import Kloe

    lead = User.objects.get(email=BENCH_LEAD)
    kloe = Kloe.objects.filter(framework__review_id=review_id).order_by("position").first()
    have = Finding.objects.filter(review_id=review_id, text__startswith="Bench target").count()
    Finding.objects.bulk_create(
        Finding(
            review_id=review_id,
            kloe=kloe,
            kind=Finding.Kind.STRENGTH,
            text=f"Bench target {n}",
            author=lead,
            position=100 + n,
        )
        for n in range(have, WRITE_TARGETS)
    )
    findings = Finding.objects.filter(review_id=review_id, text__startswith="Bench target")
    answers = CriterionAnswer.objects.filter(audit__case__review_id=review_id).select_related(
        "audit__case"
    )
    files = {}
    for kind, rows in (("finding", findings), ("criterion", answers)):
        lines = ["return {"]
        for row in rows.order_by("pk")[:WRITE_TARGETS]:
            if kind == "finding":
                url = reverse("reviews:finding-edit", args=[review_id, row.pk])
                lines.append(
                    f'  {{kind="finding", path="{url}", version={row.version}, kloe={kloe.pk}}},'
                )
            else:
                url = reverse(
                    "audits:criterion-answer-save", args=[review_id, row.audit.case_id, row.pk]
                )
                lines.append(
                    f'  {{kind="criterion", path="{url}", version={row.version}, '
                    f'prefix="c{row.pk}"}},'
                )
        lines.append("}")
        target = path / f"{kind}_targets.lua"
        target.write_text("\n".join(lines) + "\n")
        files[kind] = target
    return files


def _wrk(url: str, *, connections: int, seconds: int, script: Path, args: list[str]) -> dict:
    command = [
        "wrk",
        "-t",
        "1",
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        url,
        "--",
        *args,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(x for x in out.splitlines() if x.startswith("WRK_JSON "))
    return json.loads(line[len("WRK_JSON ") :])


def _server_times(log: Path, offset: int) -> dict[str, float]:
    with log.open("rb") as handle:
        handle.seek(offset)
        lines = handle.read().decode().splitlines()
    micros = sorted(int(line.rsplit(" ", 1)[1]) for line in lines if line.strip())
    if not micros:
        return {"count": 0}
    return {
        "count": len(micros),
        "p50_ms": statistics.median(micros) / 1000,
        "p95_ms": micros[max(0, int(len(micros) * 0.95) - 1)] / 1000,
    }


def _measure(base, url, *, log, connections, seconds, warmup, script, args) -> dict:
    if warmup:
        _wrk(base + url, connections=connections, seconds=warmup, script=script, args=args)
    offset = log.stat().st_size
    client = _wrk(base + url, connections=connections, seconds=seconds, script=script, args=args)
    time.sleep(0.3)  # the last access-log lines
    server = _server_times(log, offset)
    return {
        "throughput_rps": round(client["requests"] / (client["duration_us"] / 1e6), 1),
        "errors": client["unexpected_status"] + client["socket_errors"],
        "client_p50_ms": client["p50_us"] / 1000,
        "client_p95_ms": client["p95_us"] / 1000,
        "server_p50_ms": server.get("p50_ms"),
        "server_p95_ms": server.get("p95_ms"),
        "requests": client["requests"],
    }


def _rss_mb(master: int) -> list[float]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(round(int(line.split()[1]) / 1024, 1))
    return sizes


def main() -> None:
    parser = _parser(__doc__)
    parser.add_argument("--label", required=True, help="small or national: names the results")
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON results")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=15, help="each measurement")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--users", default="20,50", help="concurrent connections for the pages")
    parser.add_argument("--write-users", type=int, default=50)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--pages", default="", help="only these pages (names as printed, comma-separated)"
    )
    parser.add_argument(
        "--no-stack-room",
        action="store_true",
        help="without core.stack.StackRoomMiddleware, to measure what it saves",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: sudo apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="frontdoor-bench-"))
    env = _env(args, work / "static")
    review_id = _collect_and_set_up(env)
    from accounts.models import User
    from demo.dataset import BENCH_LEAD
    from reviews.setup.models import Role

    if review_id is None:
        raise SystemExit("No generated data here: run manage.py generate_dataset first.")
    coordinator = User.objects.get(
        memberships__review_id=review_id, memberships__role=Role.COORDINATOR
    )
    sessions = {
        "lead": _sign_in(User.objects.get(email=BENCH_LEAD)),
        "coord": _sign_in(coordinator),
    }
    _remove_write_targets(review_id)
    pages = _pages(review_id)
    if args.pages:
        chosen = [name.strip() for name in args.pages.split(",")]
        unknown = [name for name in chosen if name not in pages]
        if unknown:
            raise SystemExit(f"No such page: {', '.join(unknown)}. Pages: {', '.join(pages)}")
        pages = {name: pages[name] for name in chosen}
    results: dict = {
        "label": args.label,
        "stack_room": not args.no_stack_room,
        "workers": args.workers,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "write_users": args.write_users,
        "review_id": review_id,
        "query_counts": _query_counts(pages, sessions),
    }
    print(f"Query counts ({args.label}):", json.dumps(results["query_counts"]))
    log = work / "access.log"
    log.touch()
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--backlog",
            "256",
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310 - our own server
                break
            except OSError:
                time.sleep(0.2)
        from bench.pages import AS_COORDINATOR

        def cookie(who: str) -> str:
            return f"sessionid={sessions[who]}; csrftoken={CSRF}"

        report = WRK / "report.lua"
        results["pages"] = {}
        everything = {"minimal view (ceiling)": "/bench/minimal", **pages}
        for users in [int(u) for u in args.users.split(",")]:
            for name, url in everything.items():
                who = "coord" if name in AS_COORDINATOR else "lead"
                measured = _measure(
                    base,
                    url,
                    log=log,
                    connections=users,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    script=_with_cookie(work, report, cookie(who)),
                    args=["200"],
                )
                results["pages"].setdefault(name, {})[str(users)] = measured
                print(f"{users:>3} users  {name:<24} {json.dumps(measured)}", flush=True)
        targets = _write_targets(review_id, work)
        results["saves"] = {}
        for kind, label in (("finding", "finding save"), ("criterion", "case-criterion save")):
            measured = _measure(
                base,
                "/",
                log=log,
                connections=args.write_users,
                seconds=args.seconds,
                warmup=0,
                script=WRK / "save.lua",
                args=[str(targets[kind]), CSRF, cookie("lead")],
            )
            results["saves"][label] = measured
            print(f"{args.write_users:>3} users  {label:<24} {json.dumps(measured)}", flush=True)
        results["worker_rss_mb"] = _rss_mb(server.pid)
        _remove_write_targets(review_id)
        print("Memory per worker after the load (RSS, MB):", results["worker_rss_mb"])
    finally:
        server.terminate()
        server.wait(timeout=30)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Results written to {args.out}")


def _with_cookie(work: Path, report: Path, cookie: str) -> Path:
    """report.lua with the session cookie set on every request."""
    script = work / f"report-{secrets.token_hex(4)}.lua"
    script.write_text(f'wrk.headers["Cookie"] = "{cookie}"\n' + report.read_text())
    return script


if __name__ == "__main__":
    main()
