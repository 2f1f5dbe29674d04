"""A backup and restore of the demo data gives identical rows, table by table.

On PostgreSQL this is the documented procedure (docs/security.md): pg_dump in custom format, then
pg_restore into an empty database. On SQLite (the development default) the same round trip uses
SQLite's online backup API.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection


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
    assert original["reviews_review"].startswith("3:")  # the demo's three reviews
    assert original["trail_event"].split(":")[0] != "0"
    assert restored == original
