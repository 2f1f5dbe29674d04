"""factory_boy factories for the whole project. Fictional names only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from accounts.models import Organisation, User
from reviews.setup.models import Membership, Review, Role

_FAKE = Faker("en_GB")
TEST_PASSWORD = "correct-horse-battery-staple"
# Every test person's authenticator app holds this secret, so tests can compute their codes.
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Testshire {n} Council")
    short_name = factory.Sequence(lambda n: f"Testshire {n}")
    kind = Organisation.Kind.LOCAL_AUTHORITY
    address = "Town Hall\nHigh Street\nTestshire\nTS1 1AA"
    telephone = "01632 960123"
    website = "https://www.testshire.example"
    director_name = factory.Faker("name", locale="en_GB")
    director_title = "Director of Children's Services"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@testshire.example")
    # Apostrophes (O'Brien) are escaped in HTML; tests that compare page text stay simple without them.
    full_name = factory.LazyFunction(lambda: _FAKE.name().replace("'", ""))
    job_title = "Team Manager"
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password(TEST_PASSWORD)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    host = factory.SubFactory(OrganisationFactory)
    lead_organisation = factory.SubFactory(OrganisationFactory)
    kind = Review.Kind.PEER_CHALLENGE
    title = factory.Sequence(lambda n: f"Peer challenge of the front door {n}")
    status = Review.Status.FIELDWORK
    delivery = Review.Delivery.ON_SITE
    request = "Test our front door self-assessment, with an emphasis on thresholds."
    start_date = dt.date(2026, 11, 17)
    end_date = dt.date(2026, 11, 19)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    review = factory.SubFactory(ReviewFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.REVIEWER


def give_second_factor(user: User) -> TOTPDevice:
    """A confirmed authenticator app for this person (the test secret), if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, key=TEST_TOTP_KEY, name="Authenticator app", confirmed=True
        )
    return device


def current_code(key_hex: str = TEST_TOTP_KEY) -> str:
    """The 6-digit code an authenticator app with this secret shows now."""
    from binascii import unhexlify

    from django_otp.oath import totp

    return f"{totp(unhexlify(key_hex)):06d}"


def unused_code(email: str) -> str:
    """A code the service accepts now from this person's authenticator app and has not seen yet.

    The service takes one step of clock drift either way, refuses a step it has seen, and follows
    the app's clock (django-otp moves the device's drift when a code arrives a step early or late,
    as happens when a test's code crosses a 30-second boundary on a busy machine). So this is the
    code of the current step of the device's clock, or of the next one if the current one is used."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__email__iexact=email, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    # The current step first, then the next: never an earlier one, which a 30-second boundary
    # passing before the service reads it would take out of the window.
    for offset in range(0, device.tolerance + 1):
        totp.drift = device.drift + offset
        if totp.t() > device.last_t:
            return f"{totp.token():06d}"
    raise AssertionError(f"No unused code for {email} in this step: wait for the next one")


def password_signs_in(email: str, password: str) -> bool:
    """Would this email and password get past the first step of signing in (lockout rules included)?"""
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    request = RequestFactory().post("/account/sign-in/")
    return authenticate(request, username=email, password=password) is not None


def set_up_review_through_the_form(world: Any, host: Any, title: str = "A new review") -> Any:
    """The world's coordinator sets up a review hosted by ``host`` through the form, as a person
    would (nothing else happens to it), and gets it back."""
    from django.urls import reverse

    from reviews.setup.models import Framework, Review

    data = {
        "title": title,
        "host": str(host.pk),
        "lead_organisation": str(world.lead_org.pk),
        "kind": Review.Kind.PEER_CHALLENGE,
        "kind_other": "",
        "delivery": Review.Delivery.ON_SITE,
        **{f"{field}_{part}": "" for field in ("start_date", "end_date") for part in range(3)},
        "request": "",
        "addressee_name": "",
        "addressee_title": "",
        "our_reference": "",
        "your_reference": "",
        "framework": str(Framework.objects.filter(is_default=True).first().pk),
    }
    response = world.client("coordinator").post(reverse("reviews:review-create"), data)
    assert response.status_code == 302
    return Review.objects.get(title=title)
