"""An organisation's letterhead, kept by its coordinators in the service (not the admin site)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import Organisation
from core.versioning import MESSAGE
from reviews.setup.models import Role
from tests.factories import MembershipFactory, ReviewFactory, UserFactory
from trail.models import Event

pytestmark = pytest.mark.django_db

FILLED = {
    "address": "County Hall\r\nBeverley\r\nHU17 9BA",
    "telephone": "(01482) 393939",
    "textphone": "18001 01482 393939",
    "email": "children@eastvale.example",
    "website": "www.eastvale.example/children",
    "officers": "Jane Smith, Director of Children's Services\nAmir Khan, Head of Early Help",
    "first_page_footer": "Chief Executive: Alan Jones",
    "director_name": "Helen Marsh",
    "director_title": "Director of Children, Families and Schools",
}


def _url(organisation: Organisation) -> str:
    return reverse("reports:letterhead", kwargs={"pk": organisation.pk})


def _post(client, organisation: Organisation, **changes):
    organisation.refresh_from_db()
    data = {**FILLED, "version": str(organisation.version), **changes}
    return client.post(_url(organisation), data)


def _image(kind: str, size: tuple[int, int] = (40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "navy").save(out, kind)
    return out.getvalue()


def test_the_coordinator_saves_the_letterhead_and_the_trail_says_what_changed(world):
    org = world.lead_org
    client = world.client("coordinator")
    response = _post(client, org)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.address_lines == ["County Hall", "Beverley", "HU17 9BA"]
    assert org.officer_lines == [
        "Jane Smith, Director of Children's Services",
        "Amir Khan, Head of Early Help",
    ]
    assert (org.textphone, org.email, org.first_page_footer) == (
        "18001 01482 393939",
        "children@eastvale.example",
        "Chief Executive: Alan Jones",
    )
    assert org.director_name == "Helen Marsh"
    assert org.version == 2
    page = client.get(response["Location"])
    assert "Your organisation&#x27;s letterhead has been saved." in page.content.decode()
    event = Event.objects.get(action=Event.Action.ORGANISATION_CHANGED)
    assert event.actor == world.people["coordinator"]
    assert event.object_type == "accounts.Organisation" and event.object_id == str(org.pk)
    changed = event.detail["changed"]
    assert changed["website"] == {
        "from": "https://www.testshire.example",
        "to": "www.eastvale.example/children",
    }
    assert set(changed) >= {"address", "textphone", "officers", "first_page_footer"}


def test_the_web_address_is_kept_exactly_as_typed(world):
    org = world.lead_org
    _post(world.client("coordinator"), org, website="www.eastvale.gov.uk")
    org.refresh_from_db()
    assert org.website == "www.eastvale.gov.uk"  # no "http://" added
    page = world.client("coordinator").get(_url(org)).content.decode()
    assert 'value="www.eastvale.gov.uk"' in page


@pytest.mark.parametrize("typed", ["javascript:alert(1)", "not a web address", "ftp://x.org"])
def test_what_is_not_a_web_address_is_refused_and_nothing_typed_is_lost(world, typed):
    org = world.lead_org
    response = _post(world.client("coordinator"), org, website=typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a web address, like www.eastvale.gov.uk" in page
    assert "Chief Executive: Alan Jones" in page and "Amir Khan, Head of Early Help" in page
    org.refresh_from_db()
    assert org.website == "https://www.testshire.example"


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("logo.png", b"GIF89a not really a PNG", "The logo must be a PNG, JPEG or SVG image"),
        ("logo.png", b"%PDF-1.7 a document", "The logo must be a PNG, JPEG or SVG image"),
        ("logo.png", b"\x89PNG\r\n\x1a\n damaged", "The image could not be read"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "contains a script or an event handler",
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "contains a script or an event handler",
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<image x:href="https://tracker.example/p.png"/></svg>',
            "refers to something outside itself",
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://x.example/a.css);'
            b"</style></svg>",
            "refers to something outside itself",
        ),
        (
            "logo.svg",
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "b">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
            "document type declaration",
        ),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024), "smaller than 2 MB"),
    ],
)
def test_a_refused_logo_says_why(world, name, content, reason):
    org = world.lead_org
    client = world.client("coordinator")
    response = _post(client, org, logo=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert reason in page
    assert "Chief Executive: Alan Jones" in page  # what was typed is still there
    org.refresh_from_db()
    assert not org.logo and org.version == 1


def test_an_image_with_too_many_pixels_is_refused(world):
    out = io.BytesIO()
    Image.new("1", (5000, 4000)).save(out, "PNG")  # small file, 20 million pixels
    response = _post(
        world.client("coordinator"),
        world.lead_org,
        logo=SimpleUploadedFile("big.png", out.getvalue()),
    )
    assert "The image is too large" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("logo.txt", _image("PNG"), ".png"),  # judged by its content, not its name
        ("logo.png", _image("JPEG"), ".jpg"),
        ("Our Logo.SVG", SVG, ".svg"),
    ],
)
def test_a_logo_is_judged_and_named_by_its_content(world, name, content, extension):
    org = world.lead_org
    response = _post(world.client("coordinator"), org, logo=SimpleUploadedFile(name, content))
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.logo.name.startswith("logos/eastvale") and org.logo.name.endswith(extension)
    with org.logo.open("rb") as handle:
        assert handle.read() == content


def test_a_logo_can_be_replaced_and_removed(world, django_capture_on_commit_callbacks):
    org = world.lead_org
    client = world.client("coordinator")
    _post(client, org, logo=SimpleUploadedFile("a.png", _image("PNG")))
    org.refresh_from_db()
    first, storage = org.logo.name, org.logo.storage
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, org, logo=SimpleUploadedFile("b.jpg", _image("JPEG")))
    org.refresh_from_db()
    assert org.logo.name != first and org.logo.name.endswith(".jpg")
    assert not storage.exists(first)  # the replaced file is not kept
    assert "Remove the current logo" in client.get(_url(org)).content.decode()
    _post(client, org, remove_logo="on")
    org.refresh_from_db()
    assert not org.logo


def test_another_organisations_coordinator_gets_404(world):
    other_coordinator = UserFactory(
        email="westbridge.coord@example.org", organisation=world.other_org
    )
    review = ReviewFactory(host=world.host_org, lead_organisation=world.other_org)
    MembershipFactory(review=review, user=other_coordinator, role=Role.COORDINATOR)
    client = world.client("coordinator")
    client.force_login(other_coordinator)
    assert client.get(_url(world.lead_org)).status_code == 404
    assert _post(client, world.lead_org).status_code == 404
    world.lead_org.refresh_from_db()
    assert world.lead_org.version == 1
    assert client.get(_url(world.other_org)).status_code == 200  # their own


def test_the_organisations_other_people_get_403_and_outsiders_404(world):
    assert world.client("reviewer").get(_url(world.lead_org)).status_code == 403
    assert world.client("host_lead").get(_url(world.lead_org)).status_code == 404
    assert world.client("coordinator").get(_url(world.host_org)).status_code == 404


def test_a_stale_save_is_refused_with_the_one_message_and_keeps_what_was_typed(world):
    org = world.lead_org
    mine, theirs = world.client("coordinator"), world.client("coordinator")
    seen = org.version
    _post(theirs, org, first_page_footer="Chief Executive: Someone Else")
    response = mine.post(
        _url(org), {**FILLED, "first_page_footer": "Chief Executive: Mine", "version": str(seen)}
    )
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert MESSAGE in page
    assert "Chief Executive: Mine" in page
    org.refresh_from_db()
    assert org.first_page_footer == "Chief Executive: Someone Else"
    # Saving again, deliberately, from the refreshed form is allowed.
    again = mine.post(
        _url(org),
        {**FILLED, "first_page_footer": "Chief Executive: Mine", "version": str(org.version)},
    )
    assert again.status_code == 302
    org.refresh_from_db()
    assert org.first_page_footer == "Chief Executive: Mine"


def test_the_coordinator_finds_the_page_from_their_reviews_and_the_letter(world):
    url = _url(world.lead_org)
    assert url in world.client("coordinator").get(reverse("reviews:your-reviews")).content.decode()
    letter = reverse("reports:letter", kwargs={"pk": world.review.pk})
    assert url in world.client("coordinator").get(letter).content.decode()
    assert url not in world.client("lead_reviewer").get(letter).content.decode()
    assert url not in world.client("reviewer").get(reverse("reviews:your-reviews")).content.decode()


def test_a_get_changes_nothing(world):
    org = world.lead_org
    world.client("coordinator").get(_url(org), {**FILLED, "version": "1"})
    org.refresh_from_db()
    assert org.version == 1 and org.website == "https://www.testshire.example"


def test_the_admin_site_takes_a_logo_only_as_the_service_does(world, client):
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:accounts_organisation_change", args=[world.lead_org.pk])
    data = {"name": world.lead_org.name, "short_name": "Eastvale", "kind": "local_authority"}
    scripted = b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'
    response = client.post(url, {**data, "logo": SimpleUploadedFile("x.svg", scripted)})
    assert response.status_code == 200
    assert "contains a script" in response.content.decode()
    response = client.post(url, {**data, "logo": SimpleUploadedFile("x.svg", SVG)})
    assert response.status_code == 302
    world.lead_org.refresh_from_db()
    assert world.lead_org.logo.name.endswith(".svg")
    assert world.lead_org.version == 2  # a letterhead page left open then says it changed
