"""Two app servers on one database: a person signed in through one carries on through the other, and a
document uploaded through one downloads through the other.

Two real gunicorn processes on two free ports share the test database: on PostgreSQL the test
database itself (the test commits, ``transactional_db``); on SQLite a file copy of it (an in-memory
database cannot be shared by processes). Their uploads go to one folder, as a shared volume or an
object store would be in production. Nothing is shared through process memory: each server has its
own in-process cache, so anything kept there would be missing on the other.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.db import connection

from reviews.documents.models import DocumentRequest
from tests.factories import TEST_PASSWORD, current_code

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n% two servers\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(tmp_path: Path) -> str:
    """A URL the servers can open for the database this test sees (committed data)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        copy = tmp_path / "shared.sqlite3"
        target = sqlite3.connect(copy)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{copy}"
    user = quote(settings["USER"] or "", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{settings['NAME']}"


def _start(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"{base} did not start:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{base} did not answer within 60 seconds:\n{log.read_text()[-3000:]}")


@pytest.fixture
def two_servers(transactional_db, world, tmp_path: Path) -> Iterator[tuple[str, str]]:
    DocumentRequest.objects.create(
        review=world.review, kind=DocumentRequest.Kind.THRESHOLD_DOCUMENT
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(tmp_path),
        "DATABASE_CONN_MAX_AGE": "0",
        "MEDIA_ROOT": str(tmp_path / "shared-media"),
        "CACHE_URL": "locmem://",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "COOKIE_HOST_PREFIX": "false",
    }
    servers = []
    bases = []
    try:
        for name in ("one", "two"):
            port = _free_port()
            log = tmp_path / f"server-{name}.log"
            servers.append((_start(port, env, log), log))
            bases.append(f"http://127.0.0.1:{port}")
        for (server, log), base in zip(servers, bases, strict=True):
            _wait_until_up(base, server, log)
        yield bases[0], bases[1]
    finally:
        for server, _log in servers:
            server.terminate()
        for server, _log in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def _csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def test_a_person_signed_in_on_one_server_carries_on_and_downloads_on_the_other(
    two_servers, world
) -> None:
    one, two = two_servers
    host_lead = world.people["host_lead"]
    review = world.review
    wanted = DocumentRequest.objects.get(review=review)
    with httpx.Client(timeout=30) as browser:
        # Sign in through server one: the real form, then the authenticator code.
        page = browser.get(f"{one}/account/sign-in/")
        answer = browser.post(
            f"{one}/account/sign-in/",
            data={
                "csrfmiddlewaretoken": _csrf(page.text),
                "username": host_lead.email,
                "password": TEST_PASSWORD,
                "next": f"/reviews/{review.pk}/documents/",
            },
        )
        assert answer.status_code == 302, answer.text[:2000]
        page = browser.get(f"{one}/account/two-factor/?next=/reviews/{review.pk}/documents/")
        assert page.status_code == 200
        answer = browser.post(
            f"{one}/account/two-factor/",
            data={
                "csrfmiddlewaretoken": _csrf(page.text),
                "code": current_code(),
                "next": f"/reviews/{review.pk}/documents/",
            },
        )
        assert answer.status_code == 302, answer.text[:2000]
        assert answer.headers["location"] == f"/reviews/{review.pk}/documents/"

        # Carry on through server two with the same cookies: signed in, second factor included.
        page = browser.get(f"{two}/reviews/{review.pk}/documents/")
        assert page.status_code == 200, page.headers.get("location")
        assert "Threshold document" in page.text

        # Upload through server one...
        page = browser.get(f"{one}/reviews/{review.pk}/documents/request/{wanted.pk}/upload/")
        assert page.status_code == 200
        answer = browser.post(
            f"{one}/reviews/{review.pk}/documents/request/{wanted.pk}/upload/",
            data={"csrfmiddlewaretoken": _csrf(page.text)},
            files={"file": ("Thresholds 2026.pdf", PDF, "application/pdf")},
        )
        assert answer.status_code == 302, answer.text[:2000]

        # ...and download through server two.
        page = browser.get(f"{two}/reviews/{review.pk}/documents/")
        assert "Thresholds 2026.pdf" in page.text
        link = re.search(rf"/reviews/{review.pk}/documents/(\d+)/download/", page.text)
        assert link, "no download link on server two"
        download = browser.get(f"{two}{link.group(0)}")
        assert download.status_code == 200
        assert download.content == PDF
        assert "Thresholds 2026.pdf" in download.headers["content-disposition"]

        # Signing out through server two ends the session on server one too.
        page = browser.get(f"{two}/reviews/{review.pk}/documents/")
        answer = browser.post(
            f"{two}/account/sign-out/", data={"csrfmiddlewaretoken": _csrf(page.text)}
        )
        assert answer.status_code == 302
        after = browser.get(f"{one}/reviews/{review.pk}/documents/")
        assert after.status_code == 302
        assert after.headers["location"].startswith("/account/sign-in/")
