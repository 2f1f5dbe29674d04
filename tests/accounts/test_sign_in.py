import re

from django.core import mail
from django.urls import reverse

from tests.factories import TEST_PASSWORD, password_signs_in


def test_sign_in_by_email_in_any_case_goes_to_your_reviews(client, reviewer) -> None:
    response = client.post(
        reverse("accounts:sign-in"), {"username": reviewer.email.upper(), "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:your-reviews")


def test_wrong_password_shows_an_error_summary_and_keeps_the_email(client, reviewer) -> None:
    response = client.post(
        reverse("accounts:sign-in"), {"username": reviewer.email, "password": "wrong password"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert f'value="{reviewer.email}"' in page
    assert "<title>Error: Sign in" in page


def test_empty_form_says_what_is_missing(client, db) -> None:
    page = client.post(reverse("accounts:sign-in"), {}).content.decode()
    assert "Enter your email address" in page
    assert "Enter your password" in page


def test_every_page_needs_sign_in(client, world) -> None:
    response = client.get(reverse("reviews:review-overview", args=[world.review.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_sign_out_is_a_post_and_ends_the_session(world) -> None:
    client = world.client("reviewer")
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert client.get(reverse("reviews:your-reviews")).status_code == 302


def test_password_reset_by_email_lets_a_person_choose_a_new_password(client, reviewer) -> None:
    response = client.post(reverse("accounts:password-reset"), {"email": reviewer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = re.search(r"https?://[^/]+(/account/password-reset/\S+/)", body).group(1)
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    new_password = "a long and unusual passphrase"
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert password_signs_in(reviewer.email, new_password)


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, db) -> None:
    response = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_short_password_is_refused_with_a_reason(client, reviewer) -> None:
    client.post(reverse("accounts:password-reset"), {"email": reviewer.email})
    link = re.search(r"https?://[^/]+(/account/password-reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"}
    )
    assert "at least 12 characters" in response.content.decode()
