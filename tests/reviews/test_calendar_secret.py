"""The secret calendar address: rotated when the password or the second factor is reset, never cached,
never written to a log."""

from __future__ import annotations

import datetime as dt
import logging
import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from gunicorn.config import Config
from gunicorn.glogging import SafeAtoms

from config.gunicorn_logging import RedactingGunicornLogger
from core.log_redaction import redact
from reviews.schedule.models import CalendarFeed
from reviews.setup.services import reset_member_second_factor

NEW_PASSWORD = "a-brand-new-long-passphrase-42"


def _feed_url(feed: CalendarFeed) -> str:
    return reverse("reviews:calendar-person-feed", kwargs={"token": feed.token})


@pytest.fixture
def feed(world) -> CalendarFeed:
    return CalendarFeed.for_user(world.people["reviewer"])


def test_resetting_the_password_by_email_stops_the_old_calendar_address_working(
    world, feed
) -> None:
    old_url = _feed_url(feed)
    assert Client().get(old_url).status_code == 200
    client = Client()
    client.post(reverse("accounts:password-reset"), {"email": "reviewer@example.org"})
    link = re.search(r"https?://[^/]+(/\S+/)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert Client().get(old_url).status_code == 404
    feed.refresh_from_db()
    assert Client().get(_feed_url(feed)).status_code == 200


def test_changing_the_password_anywhere_rotates_the_calendar_address(world, feed) -> None:
    old_token = feed.token
    person = world.people["reviewer"]
    person.set_password(NEW_PASSWORD)  # the administration site, manage.py changepassword
    person.save()
    feed.refresh_from_db()
    assert feed.token != old_token


def test_saving_a_person_without_a_new_password_keeps_the_calendar_address(world, feed) -> None:
    old_token = feed.token
    person = world.people["reviewer"]
    person.job_title = "Team manager"
    person.save()
    feed.refresh_from_db()
    assert feed.token == old_token


def test_resetting_the_second_factor_stops_the_old_calendar_address_working(world, feed) -> None:
    old_url = _feed_url(feed)
    reset_member_second_factor(
        review=world.review, person=world.people["reviewer"], by=world.people["coordinator"]
    )
    assert Client().get(old_url).status_code == 404


def test_both_calendar_feeds_forbid_every_cache(world, feed) -> None:
    urls = [
        _feed_url(feed),
        reverse(
            "reviews:calendar-review-feed", kwargs={"token": feed.token, "pk": world.review.pk}
        ),
    ]
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store, private"


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.mark.parametrize("name", ["django.server", "django.request"])
def test_the_calendar_secret_never_reaches_djangos_logs(feed, name) -> None:
    keep = _Keep()
    logger = logging.getLogger(name)
    logger.addHandler(keep)
    try:
        # what runserver writes for each request, and what Django writes for a 404
        logger.warning('"%s" %s %s', f"GET {_feed_url(feed)} HTTP/1.1", "200", "1234")
        logger.warning("Not Found: %s", _feed_url(feed))
    finally:
        logger.removeHandler(keep)
    assert keep.lines and all(feed.token not in line for line in keep.lines)
    assert all("/calendar/[secret].ics" in line for line in keep.lines)


def test_a_stale_calendar_address_fetched_is_not_logged_with_its_secret(world, feed) -> None:
    keep = _Keep()
    logging.getLogger("django.request").addHandler(keep)
    try:
        old = _feed_url(feed)
        feed.reset()
        assert Client().get(old).status_code == 404
    finally:
        logging.getLogger("django.request").removeHandler(keep)
    assert any("[secret]" in line for line in keep.lines)
    assert not any(old.split("/")[-1].removesuffix(".ics") in line for line in keep.lines)


def test_gunicorns_access_log_writes_secret_in_place_of_the_calendar_token(feed) -> None:
    path = reverse("reviews:calendar-review-feed", kwargs={"token": feed.token, "pk": 7})
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.5",
    }
    resp = SimpleNamespace(status="200 OK", sent=120, headers=[])
    req = SimpleNamespace(headers=[("HOST", "reviews.example.org")])
    cfg = Config()
    logger = RedactingGunicornLogger(cfg)
    atoms = logger.atoms(resp, req, environ, dt.timedelta(milliseconds=5))
    line = cfg.access_log_format % SafeAtoms(atoms)
    assert feed.token not in line
    assert "/calendar/[secret]/reviews/7.ics" in line


def test_redaction_leaves_other_paths_and_the_reset_page_alone() -> None:
    assert redact("POST /calendar/reset/ HTTP/1.1") == "POST /calendar/reset/ HTTP/1.1"
    assert redact("GET /calendar/ HTTP/1.1") == "GET /calendar/ HTTP/1.1"
    assert redact("GET /invitations/abcdefghijklmnopqrstuvwx/") == "GET /invitations/[secret]/"
    assert (
        redact("GET /account/password-reset/MQ/cdx4a1-0123456789abcdef/")
        == "GET /account/password-reset/MQ/[secret]/"
    )
    assert redact("GET /account/password-reset/MQ/set-password/").endswith("set-password/")
