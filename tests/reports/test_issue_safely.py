"""Issuing is idempotent, files and rows never disagree, and a stored file that is not the file issued
is never served (issue 20). The concurrent issue is a fault script: two lead reviewers press Issue at
the same moment, in two threads with their own database connections."""

from __future__ import annotations

import threading
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connections
from django.test import RequestFactory
from django.urls import reverse

from reports import services
from reports.models import LetterVersion
from reviews.fieldwork.models import Finding
from reviews.setup.models import Membership, Role
from tests.concurrency import with_sqlite_retry
from tests.conftest import build_world
from tests.issuing import issue_letter
from trail.models import Event


def _url(name, review, **kwargs):
    return reverse(f"reports:{name}", kwargs={"pk": review.pk, **kwargs})


def _letter_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "letters"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


@pytest.mark.django_db
def test_a_second_press_of_issue_makes_no_second_version(world) -> None:
    review = world.review
    lead = world.client("lead_reviewer")
    form = {"based_on": "0"}  # the letter's page showed no version yet
    assert issue_letter(lead, review, **form).status_code == 302
    again = issue_letter(lead, review, follow=True, **form)
    assert LetterVersion.objects.filter(letter__review=review).count() == 1
    assert "Nothing new was issued: version 1 was issued" in _messages(again)
    assert (
        len(_letter_files()) == 4
    )  # the letter's PDF and Word file, the slides' PowerPoint and PDF


@pytest.mark.django_db
def test_issuing_a_letter_that_has_not_changed_makes_no_new_version(world) -> None:
    review = world.review
    lead = world.client("lead_reviewer")
    assert issue_letter(lead, review, based_on="0").status_code == 302
    same = issue_letter(lead, review, follow=True, based_on="1")
    assert "the letter has not changed since version 1" in _messages(same)
    assert LetterVersion.objects.filter(letter__review=review).count() == 1
    # A changed letter is issued as version 2.
    Finding.objects.create(
        review=review, kind="strength", text="Clear thresholds.", status="agreed"
    )
    assert issue_letter(lead, review, based_on="1").status_code == 302
    assert sorted(LetterVersion.objects.values_list("number", flat=True)) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_issues_make_one_version() -> None:
    world = build_world()
    review = world.review
    second_lead = world.people["coordinator"]
    Membership.objects.filter(review=review, user=second_lead).update(role=Role.LEAD_REVIEWER)
    leads = [world.people["lead_reviewer"], second_lead]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def press(person) -> None:
        request = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1")
        request.user = person
        try:
            barrier.wait(timeout=10)
            with_sqlite_retry(
                lambda: services.issue(review=review, user=person, request=request, based_on=0)
            )
            outcomes.append("issued")
        except services.AlreadyIssued:
            outcomes.append("already issued")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(person,)) for person in leads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sorted(outcomes) == ["already issued", "issued"]
    assert LetterVersion.objects.filter(letter__review=review).count() == 1
    assert Event.objects.filter(action=Event.Action.LETTER_ISSUED).count() == 1
    assert len(_letter_files()) == 4  # the loser wrote no file


@pytest.mark.django_db
def test_an_issue_that_fails_halfway_leaves_no_row_and_no_file(world, monkeypatch) -> None:
    def trail_down(**kwargs):
        raise RuntimeError("the trail could not be written")

    monkeypatch.setattr(services, "record", trail_down)
    lead = world.client("lead_reviewer")
    lead.raise_request_exception = True
    with pytest.raises(RuntimeError):
        issue_letter(lead, world.review, based_on="0")
    assert not LetterVersion.objects.exists()
    assert _letter_files() == []


@pytest.mark.django_db
def test_a_stored_file_that_is_not_as_issued_is_refused_recorded_and_shown(world) -> None:
    review = world.review
    assert issue_letter(world.client("lead_reviewer"), review).status_code == 302
    version = LetterVersion.objects.get()
    path = Path(settings.MEDIA_ROOT) / version.pdf.name
    path.write_bytes(path.read_bytes()[:1000])  # truncated
    host = world.client("host_staff")
    response = host.get(_url("version-download", review, number=1, fmt="pdf"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "not the file that was issued" in body and "%PDF" not in body
    refused = Event.objects.get(action=Event.Action.LETTER_FILE_REFUSED)
    assert refused.review_id == review.pk
    assert refused.detail["reason"] == "not as issued" and refused.detail["found_size"] == 1000
    assert not version.downloads.exists()  # not served, so not a download
    # The Word file is intact and still served.
    assert host.get(_url("version-download", review, number=1, fmt="docx")).status_code == 200
    # The coordinator sees it on the issued letters' page; the host's staff do not.
    page = world.client("coordinator").get(_url("versions", review)).content.decode()
    assert "Stored files of this letter were refused" in page and "not as issued" in page
    assert "were refused" not in host.get(_url("versions", review)).content.decode()


@pytest.mark.django_db
def test_a_missing_file_is_refused_and_recorded(world) -> None:
    review = world.review
    issue_letter(world.client("lead_reviewer"), review)
    version = LetterVersion.objects.get()
    (Path(settings.MEDIA_ROOT) / version.docx.name).unlink()
    response = world.client("host_staff").get(
        _url("version-download", review, number=1, fmt="docx")
    )
    assert response.status_code == 404 and "is missing" in response.content.decode()
    assert Event.objects.get(action=Event.Action.LETTER_FILE_REFUSED).detail["reason"] == "missing"


@pytest.mark.django_db
def test_the_letter_files_command_lists_and_removes_unreferenced_files_and_verifies(
    world,
) -> None:
    issue_letter(world.client("lead_reviewer"), world.review)
    orphan = Path(settings.MEDIA_ROOT) / "letters" / "review-99" / "v1" / "feedback-letter-v1.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"%PDF left by a failed issue")
    out = StringIO()
    call_command("letter_files", stdout=out)
    assert "unreferenced letters/review-99/v1/feedback-letter-v1.pdf" in out.getvalue()
    assert orphan.exists()
    call_command("letter_files", "--remove", "--verify", stdout=(out := StringIO()))
    assert not orphan.exists() and "1 unreferenced file(s) removed" in out.getvalue()
    assert "1 issued version(s) checked, 0 file(s) refused" in out.getvalue()
    version = LetterVersion.objects.get()
    (Path(settings.MEDIA_ROOT) / version.pdf.name).write_bytes(b"%PDF truncated")
    with pytest.raises(CommandError):
        call_command("letter_files", "--verify", stdout=(out := StringIO()))
    assert f"not as issued: {version.pdf.name}" in out.getvalue()
