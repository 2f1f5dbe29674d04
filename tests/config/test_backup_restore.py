"""A backup and restore of the demo data gives identical rows, table by table, and a backup of the
database with its files restores both: every issued letter is served again, as issued.

On PostgreSQL this is the documented procedure (docs/deploy.md, "Backups"): pg_dump in custom format,
then the files with tar, restored with pg_restore into an empty database and tar into an empty
folder. On SQLite (the development default) the database's round trip uses SQLite's online backup
API; the files' is the same tar.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from reports.models import LetterVersion


def _pg_env() -> dict[str, str]:
    s = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": s["HOST"] or "127.0.0.1",
        "PGPORT": str(s["PORT"] or 5432),
        "PGUSER": s["USER"] or "postgres",
    }
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return env


def _pg_checksums(dbname: str) -> dict[str, str]:
    env = _pg_env()
    tables = subprocess.run(
        [
            "psql",
            "-d",
            dbname,
            "-Atc",
            "select tablename from pg_tables where schemaname = 'public' order by 1",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    sums = {}
    for table in tables:
        query = f"select count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' order by md5(t::text))), '') from \"{table}\" t"
        sums[table] = subprocess.run(
            ["psql", "-d", dbname, "-Atc", query],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    return sums


def _sqlite_checksums(conn: sqlite3.Connection) -> dict[str, str]:
    tables = [
        r[0] for r in conn.execute("select name from sqlite_master where type = 'table' order by 1")
    ]
    sums = {}
    for table in tables:
        rows = sorted(
            hashlib.md5(repr(row).encode()).hexdigest()
            for row in conn.execute(f'select * from "{table}"')
        )
        sums[table] = f"{len(rows)}:{hashlib.md5(''.join(rows).encode()).hexdigest()}"
    return sums


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_of_the_demo_gives_identical_rows(tmp_path: Path) -> None:
    call_command("load_demo", stdout=StringIO())
    if connection.vendor == "postgresql":
        source = connection.settings_dict["NAME"]
        copy = f"{source}_restore_check"
        env = _pg_env()
        dump = tmp_path / "backup.dump"
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump), source], env=env, check=True)
        subprocess.run(["dropdb", "--if-exists", copy], env=env, check=True)
        subprocess.run(["createdb", copy], env=env, check=True)
        try:
            subprocess.run(["pg_restore", "--no-owner", "-d", copy, str(dump)], env=env, check=True)
            original, restored = _pg_checksums(source), _pg_checksums(copy)
        finally:
            subprocess.run(["dropdb", "--if-exists", copy], env=env, check=True)
    else:
        connection.ensure_connection()
        types = (
            sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
        )  # read values as Django's connection does
        backup = sqlite3.connect(tmp_path / "backup.sqlite3")
        connection.connection.backup(backup)
        backup.close()
        restored_db = sqlite3.connect(tmp_path / "restored.sqlite3", detect_types=types)
        with sqlite3.connect(tmp_path / "backup.sqlite3") as source:
            source.backup(restored_db)
        original, restored = (
            _sqlite_checksums(connection.connection),
            _sqlite_checksums(restored_db),
        )
        restored_db.close()
    # The demo's three reviews, Northmoor's three own audits and the five of its journey.
    assert original["reviews_review"].startswith("11:")
    assert original["trail_event"].split(":")[0] != "0"
    assert restored == original


def _restore_database(tmp_path: Path) -> tuple[str, str | None]:
    """Back up the test database and restore it into a new one: its URL, and the PostgreSQL
    database to drop afterwards."""
    if connection.vendor == "postgresql":
        source = connection.settings_dict["NAME"]
        copy = f"{source}_restore_files"
        env = _pg_env()
        dump = tmp_path / "frontdoor.dump"
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump), source], env=env, check=True)
        subprocess.run(["dropdb", "--if-exists", copy], env=env, check=True)
        subprocess.run(["createdb", copy], env=env, check=True)
        subprocess.run(["pg_restore", "--no-owner", "-d", copy, str(dump)], env=env, check=True)
        s = connection.settings_dict
        auth = s["USER"] or "postgres"
        if s.get("PASSWORD"):
            auth += f":{s['PASSWORD']}"
        host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
        return f"postgres://{auth}@{host}/{copy}", copy
    connection.ensure_connection()
    backup = sqlite3.connect(tmp_path / "frontdoor.sqlite3")
    connection.connection.backup(backup)
    backup.close()
    restored = tmp_path / "restored.sqlite3"
    with (
        sqlite3.connect(tmp_path / "frontdoor.sqlite3") as source_db,
        sqlite3.connect(restored) as target,
    ):
        source_db.backup(target)
    return f"sqlite:///{restored}", None


def _serve_every_letter(database_url: str, media: Path) -> list[dict]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TWO_FACTOR_REQUIRED": "false",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media),
    }
    script = Path(__file__).with_name("restore_check.py")
    out = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, check=True
    ).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


@pytest.mark.django_db(transaction=True)
def test_a_restore_of_the_database_and_its_files_serves_every_issued_letter(tmp_path) -> None:
    call_command("load_demo", stdout=StringIO())
    issued = LetterVersion.objects.count()
    assert issued >= 1
    media = Path(settings.MEDIA_ROOT)
    # The backup, in the documented order: the database first, then the files (docs/deploy.md).
    database_url, drop = _restore_database(tmp_path)
    archive = tmp_path / "frontdoor-media.tar.gz"
    subprocess.run(
        ["tar", "-C", str(media), "--exclude", ".partial-*", "-czf", str(archive), "."],
        check=True,
    )
    restored_media = tmp_path / "restored-media"
    restored_media.mkdir()
    try:
        # The database alone (what the documented commands restored until now): every letter is
        # missing, and it says so instead of serving anything.
        alone = _serve_every_letter(database_url, tmp_path / "empty-media")
        assert len(alone) == 2 * issued
        assert all(r["status"] == 404 and not r["as_issued"] for r in alone)

        # The database and its files: every letter is served, as issued.
        subprocess.run(["tar", "-C", str(restored_media), "-xzf", str(archive)], check=True)
        served = _serve_every_letter(database_url, restored_media)
        assert len(served) == 2 * issued
        assert all(r["status"] == 200 and r["as_issued"] for r in served), served

        # A truncated file (a copy cut short) is refused by its SHA-256, never served.
        damaged = restored_media / served[0]["file"]
        damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 2])
        after = {r["file"]: r for r in _serve_every_letter(database_url, restored_media)}
        assert after[served[0]["file"]]["status"] == 409
        assert all(r["status"] == 200 for name, r in after.items() if name != served[0]["file"])
    finally:
        if drop:
            subprocess.run(["dropdb", "--if-exists", drop], env=_pg_env(), check=True)
